"""French first, English on request; the French catalogue is complete."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from babel.messages.pofile import read_po
from jinja2 import DictLoader

from community import i18n, templating
from community.templating import make_environment
from realtime.variants import pick
from tests.helpers import post_form, sign_in

CATALOGUE = i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po"


def test_the_french_catalogue_has_no_empty_or_fuzzy_entry():
    with open(CATALOGUE, "rb") as fp:
        catalog = read_po(fp, locale="fr")
    entries = [message for message in catalog if message.id]
    assert len(entries) > 50
    empty = [
        message.id
        for message in entries
        if not all(message.string if isinstance(message.string, tuple) else [message.string])
    ]
    fuzzy = [message.id for message in entries if message.fuzzy]
    assert empty == []
    assert fuzzy == []


def test_every_string_in_the_code_is_in_the_catalogue():
    from babel.messages.extract import extract_from_dir

    with open(CATALOGUE, "rb") as fp:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fp, locale="fr")}
    method_map = [("community/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    root = i18n.LOCALE_DIR.parent.parent
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            root,
            method_map=method_map,
            options_map=options,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
            directory_filter=lambda path: ".venv" not in path and "tests" not in path,
        )
    }
    assert found - known == set(), "run `make messages` and translate"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "fr"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.5", "en"),
        ("de", "fr"),
        ("fr-CA,en;q=0.1", "fr"),
        ("en;q=0.2,fr;q=0.8", "fr"),
        ("garbage;q=x,,", "fr"),
    ],
)
def test_accept_language_negotiation(header, expected):
    assert i18n.negotiate(None, None, header) == expected


def test_the_user_setting_wins_then_the_cookie():
    assert i18n.negotiate("fr", "en", "en") == "fr"
    assert i18n.negotiate(None, "en", "fr") == "en"
    assert i18n.negotiate(None, "xx", "en") == "en"


async def test_pages_are_french_by_default_and_english_on_request(client):
    french = await client.get("/")
    assert '<html lang="fr">' in french.text
    assert "Apprendre ensemble, en faisant" in french.text
    english = await client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.text
    assert "Learn together, by doing" in english.text
    assert "Accept-Language" in english.headers["vary"]


async def test_visitors_switch_language_with_a_cookie(client):
    response = await post_form(client, "/language", {"locale": "en", "next": "/signin"})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    page = await client.get("/signin")
    assert '<html lang="en">' in page.text


async def test_error_messages_follow_the_language(client, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    page = await client.get("/nowhere", headers={"Accept-Language": "en"})
    assert page.status_code == 404
    assert "Page introuvable" in page.text  # the account says French, whatever the browser says


def test_dates_are_formatted_for_the_reader():
    from datetime import UTC, date, datetime

    i18n.set_locale("fr")
    assert i18n.show_date(date(2027, 1, 5)) == "5 janvier 2027"
    start = datetime(2027, 1, 5, 8, 0, tzinfo=UTC)
    end = datetime(2027, 1, 5, 11, 0, tzinfo=UTC)
    assert i18n.session_time(start, end) == "mardi 5 janvier 2027, 09:00–12:00"
    i18n.set_locale("en")
    assert i18n.show_date(date(2027, 1, 5)) == "January 5, 2027"
    i18n.set_locale("fr")


def test_a_region_rendered_for_audiences_has_each_language_and_leaves_the_reader_s_alone():
    environment = make_environment()
    i18n.set_locale("fr")
    template = '{% block team %}<h2>{{ _("Team") }}</h2>{{ role }}{% endblock %}'
    with (
        patch.object(templating, "environment", environment),
        patch.object(environment, "loader", DictLoader({"t.html": template})),
    ):
        content = templating.render_for_audiences(
            "t.html", "team", {"member": {"role": "m"}, "reader": {"role": "r"}}
        )
    assert {audience: pick(content, audience) for audience in ("fr/member", "en/reader")} == {
        "fr/member": "<h2>Équipe</h2>m",
        "en/reader": "<h2>Team</h2>r",
    }
    assert pick(content, "fr/moderator") is None
    assert i18n.current_locale() == "fr"
