"""Job rotation after the match: the eligibility checklist and a departure's readiness, the
outcomes the coordinator records and the board's reminders, the outcomes dashboard under the
reports' k rule (a property test: no hidden figure can be recomputed), its CSV export.

The demo's past departures: entreprise1 has six in one quarter and three in the next,
entreprise2 four in the first; the first of entreprise1 still waits for its six-month outcome."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from community.models import Departure, EligibilityItem, RotationOutcome
from community.reports.summaries import MIN_THRESHOLD
from community.rotation import dashboard
from community.rotation.dashboard import CUTS, Fact
from tests import test_rotation
from tests.conftest import make_client
from tests.helpers import csrf_token, sign_in, staff_of_another_provider
from tests.test_races import Person
from tests.test_rotation import COMPANY, STAFF, departure_form

person = test_rotation.person  # the same signed-in people, as a fixture here too

FIRST_PAST = "Céline Barbier"


async def outsider(http, db) -> Person:
    """The staff of another provider, signed in on this client."""
    await staff_of_another_provider(db)
    await sign_in(http, "staff-b@b.test", "mot de passe b")
    return Person(http, await csrf_token(http))


async def declared(company, **changes: str) -> int:
    answer = await company.post("/relais/departures", **departure_form(**changes))
    assert answer.status_code == 303
    return int(answer.headers["location"].rsplit("/", 1)[1])


async def items(db, departure_id: int) -> list[EligibilityItem]:
    async with db.session() as session:
        query = select(EligibilityItem).where(EligibilityItem.departure_id == departure_id)
        return list(await session.exec(query.order_by(col(EligibilityItem.id))))


async def tick_all(staff, db, departure_id: int) -> None:
    for item in await items(db, departure_id):
        answer = await staff.post(f"/relais/checklist/{item.id}", done_on=date.today().isoformat())
        assert answer.status_code == 303


async def departure(db, departure_id: int) -> Departure:
    async with db.session() as session:
        found = await session.get(Departure, departure_id)
        assert found is not None
        return found


async def past_departure_id(db, name: str) -> int:
    async with db.session() as session:
        query = select(Departure.id).where(Departure.employee_name == name)
        return (await session.exec(query)).one() or 0


# --- the eligibility checklist ----------------------------------------------------------


async def test_a_departure_starts_with_the_usual_items_chosen_from_its_length(person, db):
    company = await person(COMPANY)
    short = await declared(company)  # twenty weeks: under six months
    long = await declared(company, ends_on=(date.today() + timedelta(weeks=40)).isoformat())
    staff = await person(STAFF)
    short_page = unescape((await staff.http.get(f"/relais/departures/{short}")).text)
    long_page = unescape((await staff.http.get(f"/relais/departures/{long}")).text)
    assert "dure moins de six mois" in short_page and "Enchaînez deux départs" in short_page
    assert "dure moins de six mois" not in long_page
    assert "contrat de six mois ou plus" in long_page
    assert len(await items(db, short)) == 3


async def test_a_departure_cannot_be_marked_ready_with_an_item_open(person, db):
    company, staff = await person(COMPANY), await person(STAFF)
    departure_id = await declared(company)
    refused = await staff.post(f"/relais/departures/{departure_id}/ready")
    assert refused.status_code == 422
    assert "3 éléments de la liste sont encore ouverts" in unescape(refused.text)
    assert (await departure(db, departure_id)).ready_at is None
    await tick_all(staff, db, departure_id)
    assert (await staff.post(f"/relais/departures/{departure_id}/ready")).status_code == 303
    assert (await departure(db, departure_id)).ready_at is not None
    again = await staff.post(f"/relais/departures/{departure_id}/checklist", label="Autre")
    assert again.status_code == 422 and "déjà prêt" in unescape(again.text)


async def test_an_item_the_coordinator_adds_must_be_ticked_too(person, db):
    company, staff = await person(COMPANY), await person(STAFF)
    departure_id = await declared(company)
    await tick_all(staff, db, departure_id)
    added = await staff.post(
        f"/relais/departures/{departure_id}/checklist", label="Accord de l'OPCO reçu", due_on=""
    )
    assert added.status_code == 303
    refused = await staff.post(f"/relais/departures/{departure_id}/ready")
    assert "1 élément de la liste est encore ouvert" in unescape(refused.text)


async def test_a_tick_needs_a_day_that_has_come_and_is_given_once(person, db):
    company, staff = await person(COMPANY), await person(STAFF)
    departure_id = await declared(company)
    item = (await items(db, departure_id))[0]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for day, message in ((tomorrow, "pas encore venu"), ("2026-02-30", "Indiquez une date")):
        answer = await staff.post(f"/relais/checklist/{item.id}", done_on=day)
        assert answer.status_code == 422 and message in unescape(answer.text)
    today = date.today().isoformat()
    assert (await staff.post(f"/relais/checklist/{item.id}", done_on=today)).status_code == 303
    twice = await staff.post(f"/relais/checklist/{item.id}", done_on=today)
    assert twice.status_code == 422 and "déjà coché" in unescape(twice.text)


async def test_only_the_coordinator_keeps_the_checklist(person, db, app):
    company = await person(COMPANY)
    departure_id = await declared(company)
    item = (await items(db, departure_id))[0]
    today = date.today().isoformat()
    # The company sees its departure and the checklist, but may not tick it.
    page = unescape((await company.http.get(f"/relais/departures/{departure_id}")).text)
    assert "Liste d'éligibilité" in page and f"/relais/checklist/{item.id}" not in page
    assert (await company.post(f"/relais/checklist/{item.id}", done_on=today)).status_code == 403
    assert (await company.post(f"/relais/departures/{departure_id}/ready")).status_code == 403
    other = await person("entreprise2@demo.test")
    assert (await other.post(f"/relais/checklist/{item.id}", done_on=today)).status_code == 404
    learner = await person("apprenant3@demo.test")
    assert (await learner.post(f"/relais/departures/{departure_id}/ready")).status_code == 404
    async with make_client(app) as http:
        elsewhere = await outsider(http, db)
        answer = await elsewhere.post(f"/relais/checklist/{item.id}", done_on=today)
        assert answer.status_code == 404
    assert (await items(db, departure_id))[0].done_on is None


ROUNDS = 6


async def test_an_item_added_as_the_departure_is_marked_ready_never_leaves_it_ready_and_open(
    person, db
):
    """On PostgreSQL in CI: each round, a departure with every item ticked; the coordinator's
    two tabs add an item and mark it ready at the same instant. Either the item came first
    and readiness is refused, or readiness came first and the item is refused."""
    company, staff, tab = await person(COMPANY), await person(STAFF), await person(STAFF)
    for round_ in range(ROUNDS):
        departure_id = await declared(company, post_title=f"Poste {round_}")
        await tick_all(staff, db, departure_id)
        added, ready = await asyncio.gather(
            tab.post(f"/relais/departures/{departure_id}/checklist", label="Dernier point"),
            staff.post(f"/relais/departures/{departure_id}/ready"),
        )
        assert sorted((added.status_code, ready.status_code)) == [303, 422]
        open_items = [i for i in await items(db, departure_id) if i.done_on is None]
        is_ready = (await departure(db, departure_id)).ready_at is not None
        assert is_ready != bool(open_items)


# --- outcomes ------------------------------------------------------------------------------


async def test_the_board_reminds_an_outcome_due_until_it_is_recorded(person, db):
    staff = await person(STAFF)
    departure_id = await past_departure_id(db, FIRST_PAST)
    board = unescape((await staff.http.get("/relais")).text)
    assert "Résultats à saisir" in board
    assert f"/relais/departures/{departure_id}#outcomes-title" in board
    answer = await staff.post(
        f"/relais/departures/{departure_id}/outcomes",
        moment="later", replacement="hired", employee="promoted",
    )  # fmt: skip
    assert answer.status_code == 303
    board = (await staff.http.get("/relais")).text
    assert f"/relais/departures/{departure_id}#outcomes-title" not in board
    twice = await staff.post(
        f"/relais/departures/{departure_id}/outcomes",
        moment="later", replacement="hired", employee="back",
    )  # fmt: skip
    assert twice.status_code == 422 and "déjà saisi" in unescape(twice.text)


async def test_an_outcome_is_refused_before_its_day_or_out_of_its_choices(person, db):
    company, staff = await person(COMPANY), await person(STAFF)
    departure_id = await declared(company)
    early = await staff.post(
        f"/relais/departures/{departure_id}/outcomes",
        moment="end", replacement="none", employee="back",
    )  # fmt: skip
    assert early.status_code == 422 and "pas encore dû" in unescape(early.text)
    past = await past_departure_id(db, FIRST_PAST)
    for field, value in (("moment", "demain"), ("replacement", "x" * 50), ("employee", "")):
        form = {"moment": "later", "replacement": "hired", "employee": "back", field: value}
        answer = await staff.post(f"/relais/departures/{past}/outcomes", **form)
        assert answer.status_code == 422, field
    # The first past departure was filled: "no replacement" is not its outcome.
    wrong = await staff.post(
        f"/relais/departures/{past}/outcomes", moment="later", replacement="none", employee="back"
    )
    assert wrong.status_code == 422 and "Dites ce qu'est devenu" in unescape(wrong.text)
    company_try = await company.post(
        f"/relais/departures/{past}/outcomes", moment="later", replacement="hired", employee="back"
    )
    assert company_try.status_code == 403
    async with db.session() as session:
        query = select(RotationOutcome).where(RotationOutcome.departure_id == past)
        assert [o.moment for o in await session.exec(query)] == ["end"]


# --- the outcomes dashboard ---------------------------------------------------------------


def rows(page: str) -> dict[str, str]:
    """Each table row of the dashboard: its heading cell, then the rest as text."""
    found = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', page, flags=re.S)
    clean = {re.sub(r"<[^>]+>", "", h).strip(): re.sub(r"<[^>]+>", " ", r) for h, r in found}
    return {head: " ".join(rest.split()) for head, rest in clean.items()}


async def test_the_dashboard_shows_only_cells_of_at_least_k_departures(person):
    staff = await person(STAFF)
    answer = await staff.http.get("/relais/outcomes")
    assert answer.status_code == 200
    table = rows(unescape(answer.text))
    # entreprise1's six departures of one quarter are shown; its three of the next, and
    # entreprise2's four, would let each other be recomputed: all are left out.
    assert table["Aide à domicile du Rhône"].startswith("6 5 ")
    assert table["Aide à la personne"].startswith("6 5 ")
    assert table["Agence web Canut"].startswith("Masqué")
    assert table["Numérique"].startswith("Masqué")
    assert table["Tous les chiffres affichés"].startswith("6 5 ")


async def test_the_dashboard_is_for_the_providers_staff_only(person, app, db):
    for email in (COMPANY, "apprenant3@demo.test", "formateur1@demo.test"):
        who = await person(email)
        assert (await who.http.get("/relais/outcomes")).status_code == 404, email
        assert (await who.http.get("/relais/outcomes.csv")).status_code == 404, email
    async with make_client(app) as http:
        elsewhere = await outsider(http, db)
        page = unescape((await elsewhere.http.get("/relais/outcomes")).text)
        assert "Aide à domicile du Rhône" not in page and "Aucun départ" in page
    async with make_client(app) as http:
        assert (await http.get("/relais/outcomes")).status_code in (303, 401)


async def test_the_export_hides_what_the_page_hides_in_both_dialects(person):
    staff = await person(STAFF)
    plain = (await staff.http.get("/relais/outcomes.csv")).content.decode("utf-8-sig")
    lines = plain.splitlines()
    assert lines[0].startswith("cut,cell,status,departures,replacements")
    assert "company,Aide à domicile du Rhône,shown,6,5," in plain
    assert "company,Agence web Canut,hidden (fewer than 5 departures)" in plain
    assert any(line.startswith("all,,shown,6,5,") for line in lines)
    french = (await staff.http.get("/relais/outcomes.csv?variant=fr")).content.decode("utf-8-sig")
    assert "company;Aide à domicile du Rhône;shown;6;5;" in french


# --- the rule itself, for any departures ------------------------------------------------------

facts = st.lists(
    st.builds(
        Fact,
        company=st.sampled_from("ABCDEF"),
        sector=st.sampled_from("xyz"),
        quarter=st.sampled_from(["2025-Q3", "2025-Q4", "2026-Q1"]),
        replaced=st.booleans(),
        training_hours=st.integers(1, 1500),
        replacement_hours=st.integers(1, 1500),
        fates=st.sampled_from([(), ("hired", "back"), ("none", "left"), ("unemployed", "back")]),
    ),
    max_size=60,
)


def shown_figures(board: dashboard.Dashboard) -> tuple:
    """Everything a reader can see of the dashboard's numbers."""

    def as_tuple(f: dashboard.Figures | None) -> tuple | None:
        if f is None:
            return None
        fates = tuple(sorted(f.fates.items()))
        return (f.departures, f.replacements, f.training_hours, f.replacement_hours, fates)

    tables = tuple(
        (cut, tuple((c.key, as_tuple(c.figures)) for c in cells if c.figures))
        for cut, cells in board.tables.items()
    )
    return tables, as_tuple(board.total)


@settings(max_examples=300, deadline=None)
@given(facts, st.integers(0, 12))
def test_every_shown_cell_holds_k_departures_and_every_cut_adds_up_to_the_total(given, k):
    board = dashboard.build(given, k)
    assert board.k == max(MIN_THRESHOLD, k)
    for cells in board.tables.values():
        shown = [c.figures for c in cells if c.figures is not None]
        assert all(f.departures >= board.k for f in shown)
        # Nothing hidden lies between a cut's shown cells and the total: no subtraction
        # of shown figures from a total (or from another cut's cell) leaves a hidden one.
        assert sum(f.departures for f in shown) == board.total.departures
        assert sum(f.training_hours for f in shown) == board.total.training_hours
        assert sum(f.replacements for f in shown) == board.total.replacements


@settings(max_examples=300, deadline=None)
@given(facts, st.integers(0, 12), st.data())
def test_a_departure_left_out_changes_no_figure_so_none_reveals_it(given, k, data):
    """Whatever a hidden departure is, the dashboard shows the same numbers with or without
    it: nothing shown, in any cut or total, can be combined to recover it."""
    board = dashboard.build(given, k)
    kept = dashboard.published(given, board.k)
    left_out = [i for i, fact in enumerate(given) if fact not in kept]
    if not left_out:
        return
    index = data.draw(st.sampled_from(left_out))
    without = given[:index] + given[index + 1 :]
    assert shown_figures(dashboard.build(without, k)) == shown_figures(board)


def test_three_cuts_of_few_departures_show_nothing():
    """Five departures of one company and sector over two quarters, each quarter below k:
    the company's figure, though of five, would let a quarter be recomputed from it."""
    spread = [Fact("A", "x", "2026-Q1" if i < 3 else "2026-Q2", True, 10, 10) for i in range(5)]
    board = dashboard.build(spread, 5)
    assert board.total.departures == 0
    assert all(c.figures is None for cells in board.tables.values() for c in cells)
    assert set(CUTS) == set(board.tables)
