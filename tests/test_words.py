"""How Ruche reads: counts agree with their nouns, French pages hold no English, and a help
request names its skill."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from community import demo, i18n
from community.accounts import Passwords
from community.templating import environment
from tests.helpers import post_form, sign_in
from tests.test_input_walk import ROLES, ROUTES

# Words that are English and not French; a page in French shows none of them (a hyphen makes
# another word: "week-end" is French).
ENGLISH = re.compile(
    r"(?<![\w-])(the|and|your|you|with|from|this|that|these|those|here|there|what|which|who|when|"
    r"where|how|why|not|none|yet|please|sign|save|send|cancel|delete|remove|edit|submit|"
    r"search|settings|home|profile|back|next|previous|more|less|loading|error|learner|"
    r"learners|trainer|trainers|staff|group|groups|skill|skills|help|ask|answer|answers|"
    r"report|reports|pulse|feedback|project|projects|join|leave|open|closed|waiting|sent|"
    r"done|new|read|unread|week|weeks|month|today|yesterday|tomorrow|out of|of the|to the|"
    r"mean|rating|ratings|thanks|shown|hidden|download|upload|account|password|email)(?![\w-])",
    re.IGNORECASE,
)


class VisibleText(HTMLParser):
    """The text a reader sees or hears, with the labels; outside scripts, styles and code
    (the names of tables and commands, which stay as the program spells them)."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt")
    NOT_PROSE = ("script", "style", "code")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.NOT_PROSE:
            self.hidden += 1
        self.parts.extend(value or "" for name, value in attrs if name in self.SPOKEN)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.NOT_PROSE:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def english_in(html: str) -> set[str]:
    # Addresses (demo e-mails, links shown as text) are not words of the page.
    text = re.sub(r"\S+@\S+|https?://\S+|/\S+", " ", visible_text(html))
    return {word.lower() for word in ENGLISH.findall(text)}


GET_PAGES = sorted(
    {
        re.sub(r"\{[a-z_]+(?::[a-z]+)?\}", "1", template)
        for method, template in ROUTES
        if method == "GET" and not template.startswith(("/static", "/live", "/health"))
    }
)


@pytest.fixture
async def demo_with_projects(db) -> None:
    await demo.load(db, Passwords("fast"))


@pytest.mark.parametrize("role", ROLES)
async def test_french_pages_show_no_english_words(client, demo_with_projects, role):
    client.headers["Accept-Language"] = "fr"
    if ROLES[role]:
        await sign_in(client, ROLES[role])
    english: dict[str, set[str]] = {}
    for path in GET_PAGES:
        response = await client.get(path)
        html = response.headers.get("content-type", "").startswith("text/html")
        if response.status_code == 200 and html and (found := english_in(response.text)):
            english[path] = found
    assert english == {}


def test_the_scan_finds_english_in_a_page():
    assert english_in("<p>Sign out</p><button aria-label='Your profile'>x</button>") == {
        "sign",
        "your",
        "profile",
    }
    shown_as_french = "<p>Ce week-end</p><code>help_requests</code><script>var the</script>"
    assert english_in(shown_as_french) == set()


@pytest.mark.parametrize(
    ("locale", "one", "two", "none"),
    [
        ("fr", "1 soutien sur les 3", "2 soutiens sur les 3", "0 soutien sur les 3"),
        ("en", "1 support out of the 3", "2 supports out of the 3", "0 supports out of the 3"),
    ],
)
def test_counts_agree_with_their_noun(locale, one, two, none):
    template = environment.from_string(
        '{{ ngettext("%(num)d support out of the %(needed)s needed",'
        ' "%(num)d supports out of the %(needed)s needed", n, needed=3) }}'
    )
    with i18n.using(locale):
        shown = [template.render(n=n) for n in (1, 2, 0)]
    assert [s.rsplit(" ", 1)[0] for s in shown] == [one, two, none]


def test_the_french_catalogue_makes_zero_and_one_singular():
    translations = i18n.translations("fr")
    assert translations.plural(0) == translations.plural(1) == 0
    assert translations.plural(2) == 1


async def test_a_help_request_without_a_skill_is_refused_next_to_the_field(client, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    page = await client.get("/help")
    assert '<option value="" selected>Choisissez une compétence</option>' in page.text
    response = await post_form(
        client,
        "/help",
        {"skill_id": "", "description": "Comment faire la PLS ?", "urgency": "now"},
        page="/help",
    )
    assert response.status_code == 422
    assert '<small id="e-skill_id" class="field-error">Choisissez une compétence.</small>' in (
        response.text
    )
    assert "Comment faire la PLS ?" in response.text  # what was typed is kept
