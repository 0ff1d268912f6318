"""Job rotation at phone size: a company contact declares a departure, the coordinator
proposes two candidates from the ranked pool, one candidate and the company accept, each
seeing the other's answer live; the candidate's address reaches the company once both
accepted, and the other proposal can no longer be accepted. The departing employee notes a
tutoring session with their replacement, which counts in their tutoring ledger."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, menu, shot, sign_in

CANDIDATE = "Hugo Laurent"  # apprenant8, in the demo's pool: Grenoble, postures


def phone(browser, server):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True, bypass_csp=True,
    )  # fmt: skip
    return context.new_page()


def declare(company) -> str:
    """The departure form filled as a small firm's manager would; its page's address."""
    menu(company).get_by_role("link", name="Relais").click()
    company.get_by_role("button", name="Déclarer un départ").click()
    start = date.today() + timedelta(weeks=3)
    company.get_by_label("Nom du ou de la salarié·e").fill("Rémi Vidal")
    company.get_by_label("Intitulé du poste").fill("Cariste")
    company.get_by_label("Tâches principales").fill("Chargement des camions, inventaires.")
    company.get_by_label("Code postal du site").fill("38200")
    company.get_by_label("Gestes et postures").check()
    company.get_by_label("Ou le nom de la formation").fill("CACES et logistique")
    company.get_by_label("Premier jour d'absence").fill(start.isoformat())
    company.get_by_label("Dernier jour d'absence").fill((start + timedelta(weeks=12)).isoformat())
    company.get_by_label("Heures de formation par semaine").fill("35")
    company.get_by_label("Heures du ou de la remplaçant·e par semaine").fill("35")
    company.get_by_role("button", name="Déclarer le départ").click()
    expect(company.get_by_role("heading", level=1)).to_have_text("Cariste")
    return company.url


def test_a_departure_is_declared_proposed_and_accepted_live_on_both_sides(browser, server):
    company = phone(browser, server)
    sign_in(company, "entreprise1@demo.test")
    url = declare(company)
    expect(company.get_by_text("Heure pour heure : le remplacement couvre")).to_be_visible()
    assert_accessible(company)
    shot(company, "rotation-declared-390")
    company.evaluate("window.notReloaded = true")

    coordinator = phone(browser, server)
    sign_in(coordinator, "organisme@demo.test")
    coordinator.goto(url.removeprefix(server.url))
    card = coordinator.locator("article").filter(has_text=f"{CANDIDATE} — score")
    expect(card).to_contain_text("Habite dans la commune du site.")
    expect(card).to_contain_text("Compétences : 1 sur 1.")
    assert_accessible(coordinator)
    card.get_by_role("button", name="Proposer à l'entreprise").click()
    ranked = coordinator.get_by_role("region", name="Candidat·es du vivier")
    expect(ranked.locator("article").filter(has_text=CANDIDATE)).to_have_count(0)
    second = ranked.locator("article").first
    other = second.get_by_role("heading").inner_text().split(" — ")[0]
    second.get_by_role("button", name="Proposer à l'entreprise").click()

    # The company sees both proposals come in without reloading, without the addresses yet.
    proposal = company.locator("article[id^=proposal-]").filter(has_text=CANDIDATE)
    expect(proposal).to_contain_text("La personne candidate : pas encore de réponse")
    expect(proposal).not_to_contain_text("apprenant8@demo.test")
    rival = company.locator("article[id^=proposal-]").filter(has_text=other)
    expect(rival).to_contain_text("La personne candidate : pas encore de réponse")

    candidate = phone(browser, server)
    sign_in(candidate, "apprenant8@demo.test")
    menu(candidate).get_by_role("link", name="Relais").click()
    offer = candidate.locator("article").filter(has_text="Cariste")
    expect(offer).to_contain_text("Aide à domicile du Rhône")
    assert_accessible(candidate)
    candidate.evaluate("window.notReloaded = true")
    offer.get_by_role("button", name="J'accepte").click()
    expect(proposal).to_contain_text("La personne candidate : acceptée")

    proposal.get_by_role("button", name="Accepter").click()
    expect(company.get_by_text("Remplaçant·e trouvé·e")).to_be_visible()
    expect(proposal.get_by_role("link", name="apprenant8@demo.test")).to_be_visible()
    expect(rival.get_by_role("button", name="Accepter")).to_have_count(0)
    # The candidate's page hears the company's answer live too.
    expect(offer).to_contain_text("L'entreprise : acceptée")
    expect(offer).to_contain_text("Acceptation des deux côtés")
    assert company.evaluate("window.notReloaded") is True
    assert_accessible(company)
    assert_accessible(candidate)
    shot(company, "rotation-accepted-390")
    for page in (company, coordinator, candidate):
        page.context.close()


def test_the_coordinator_reads_the_outcomes_dashboard_on_a_phone(browser, server):
    """From the board's reminder to the dashboard: the shown figures and the hidden cells,
    accessible and readable at phone size."""
    coordinator = phone(browser, server)
    sign_in(coordinator, "organisme@demo.test")
    menu(coordinator).get_by_role("link", name="Relais").click()
    expect(coordinator.get_by_role("heading", name="Résultats à saisir")).to_be_visible()
    coordinator.get_by_role("link", name="Le tableau de bord des résultats").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Relais : résultats")
    companies = coordinator.get_by_role("region", name="Tableau : Entreprise")
    shown = companies.get_by_role("row").filter(has_text="Aide à domicile du Rhône")
    expect(shown.get_by_role("cell").first).to_have_text("6")
    hidden = companies.get_by_role("row").filter(has_text="Agence web Canut")
    expect(hidden).to_contain_text("Masqué : moins de 5 départs.")
    assert_accessible(coordinator)
    shot(coordinator, "rotation-outcomes-390")
    coordinator.context.close()


def test_the_departing_employee_notes_a_tutoring_session_that_reaches_their_ledger(browser, server):
    employee = phone(browser, server)
    sign_in(employee, "julie.faure@demo.test")
    menu(employee).get_by_role("link", name="Relais").click()
    employee.get_by_role("link", name="Intégrateur·rice web").click()
    journeys = employee.get_by_role("region", name="Les deux parcours")
    expect(journeys).to_contain_text("Tutorat donné : 1 h 30")
    tutoring = employee.get_by_role("region", name="Tutorat du ou de la remplaçant·e")
    tutoring.get_by_label("Jour de la séance").fill(date.today().isoformat())
    tutoring.get_by_label("Durée").select_option(label="1 h")
    tutoring.get_by_label("Sujet").fill("Relecture des tickets ouverts")
    tutoring.get_by_role("button", name="Noter la séance").click()
    expect(tutoring).to_contain_text("Relecture des tickets ouverts")
    expect(journeys).to_contain_text("Tutorat donné : 2 h 30")
    assert_accessible(employee)
    shot(employee, "rotation-tutoring-390")
    employee.goto("/help")
    expect(employee.locator(".ledger")).to_contain_text("Vous avez aidé 2 fois")
    employee.context.close()


def test_a_regional_coordinator_moves_between_the_providers_of_their_region(browser, server):
    page = phone(browser, server)
    sign_in(page, "coordination@demo.test")
    menu(page).get_by_role("link", name="Relais").click()
    region = page.get_by_role("navigation", name="Organismes de votre région")
    expect(region.locator("[aria-current=page]")).to_have_text("Organisme Démo")
    expect(page.get_by_text("Aide à domicile du Rhône").first).to_be_visible()
    region.get_by_role("link", name="Organisme Partenaire Isère").click()
    expect(region.locator("[aria-current=page]")).to_have_text("Organisme Partenaire Isère")
    expect(page.get_by_text("Pas encore d'entreprise partenaire")).to_be_visible()
    page.get_by_label("Nom de l'entreprise").fill("Transports du Grésivaudan")
    page.get_by_role("button", name="Ajouter l'entreprise").click()
    expect(page.get_by_text("Transports du Grésivaudan")).to_be_visible()
    expect(region.locator("[aria-current=page]")).to_have_text("Organisme Partenaire Isère")
    expect(page.get_by_text("Aide à domicile du Rhône")).to_have_count(0)
    assert_accessible(page)
    shot(page, "rotation-region-390")
