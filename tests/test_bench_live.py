"""The live benchmark's page model: it must change a page the way htmx and live.js do, or
its figures mean nothing. And its results file keeps the other benchmarks' keys."""

import json

from bench.fragments import Nudge, Page, by_id, elements, live_regions
from bench.results_file import merge
from community.templating import refetch_nudge

PAGE = (
    '<body><div id="live-nudges" hidden></div>'
    '<div id="head-4" data-live-channel="project:4" data-live-seq="7"><h1>Journal</h1></div>'
    '<span id="unread-9" class="unread" data-live-channel="user:9" data-live-seq=""></span>'
    '<ul id="presence-4" class="presence"><li>Amina</li></ul>'
    '<ol id="messages-4" data-live-channel="project:4" class="messages">'
    '<li id="message-1"><div class="message-actions"><div>'
    '<input type="hidden" name="csrf_token" value="x"></div></div><p>Bonjour</p></li>'
    "</ol><p>after</p></body>"
)


def test_a_pushed_nudge_is_a_fetch_of_the_region_it_names_and_changes_nothing_yet() -> None:
    page = Page(PAGE)
    nudges = page.apply(refetch_nudge("messages-4", "/projects/4?region=messages"))
    assert nudges == [Nudge("/projects/4?region=messages", "messages-4", "messages-4")]
    assert page.html == PAGE


def test_the_fetched_region_replaces_the_one_on_the_page_and_nothing_else() -> None:
    page = Page(PAGE)
    answer = '<ol id="messages-4" data-live-channel="project:4"><li><p>Salut</p></li></ol>'
    nudge = Nudge("/projects/4?region=messages", "messages-4", "messages-4")
    assert page.swap_fetched(nudge, answer)
    assert page.region("messages-4") == answer
    assert "Bonjour" not in page.html
    assert page.html.endswith("<p>after</p></body>")
    assert page.region("head-4").startswith('<div id="head-4"')


def test_a_fetch_whose_answer_lacks_the_region_leaves_the_page_alone() -> None:
    page = Page(PAGE)
    assert not page.swap_fetched(Nudge("/x", "messages-4", "messages-4"), "<p>Erreur</p>")
    assert page.html == PAGE


def test_a_pushed_fragment_replaces_the_element_with_its_id() -> None:
    page = Page(PAGE)
    pushed = '<ul id="presence-4" class="presence" hx-swap-oob="outerHTML"><li>Lucas</li></ul>'
    assert page.apply(pushed) == []
    assert "Lucas" in page.region("presence-4") and "Amina" not in page.html
    page.apply('<span id="unread-9" hx-swap-oob="true">3</span>')
    assert page.region("unread-9") == '<span id="unread-9" hx-swap-oob="true">3</span>'


def test_a_fragment_with_a_target_goes_inside_it_without_its_wrapper() -> None:
    page = Page(PAGE)
    page.apply('<div hx-swap-oob="afterbegin:#messages-4"><li><p>Neuf</p></li></div>')
    region = page.region("messages-4")
    assert region.index("Neuf") < region.index("Bonjour")
    assert "hx-swap-oob" not in region
    page.apply('<div hx-swap-oob="beforeend:#messages-4"><li><p>Dernier</p></li></div>')
    assert page.region("messages-4").endswith("<li><p>Dernier</p></li></ol>")


def test_an_element_inside_a_region_is_replaced_in_place() -> None:
    page = Page(PAGE)
    page.apply('<li id="message-1" hx-swap-oob="outerHTML"><p>Modifié</p></li>')
    assert "<p>Modifié</p>" in page.region("messages-4") and "Bonjour" not in page.html


def test_a_swap_whose_target_is_not_on_the_page_is_ignored() -> None:
    page = Page(PAGE)
    page.apply('<div hx-swap-oob="beforeend:#board-4"><p>x</p></div>')
    assert page.html == PAGE


def test_cursors_come_from_the_regions_and_replays_are_dropped() -> None:
    page = Page(PAGE)
    assert page.resume() == {"type": "resume", "cursors": {"project:4": 7, "user:9": 0}}
    assert not page.accept("project:4", 7)
    assert page.accept("project:4", 8)
    assert not page.accept("project:4", 8)
    assert page.accept("project:4", None)  # ephemeral: presence
    assert page.resume()["cursors"]["project:4"] == 8


def test_elements_nest_by_name_and_void_elements_have_no_end() -> None:
    html = '<div id="a"><div id="b"><br><input name="x"></div></div><p>next</p>'
    found = elements(html)
    assert [e.tag for e in found] == ["div", "p"]
    assert found[0].outer == html[: html.index("<p>")]
    inner = by_id(html, "b")
    assert inner is not None and inner.inner == '<br><input name="x">'
    assert by_id('<p data-id="b">x</p>', "b") is None


def test_live_regions_lists_the_ids_of_a_channel() -> None:
    assert live_regions(PAGE, "project:4") == ["head-4", "messages-4"]
    assert live_regions(PAGE, "user:9") == ["unread-9"]


def test_merge_keeps_the_keys_other_benchmarks_wrote(tmp_path) -> None:
    path = tmp_path / "live.json"
    merge(path, {"reconnect_10k_s": 4.2, "queries_per_message": 9})
    merge(path, {"queries_per_message": 3, "class_rush_answers_per_s": 40.5})
    assert json.loads(path.read_text()) == {
        "class_rush_answers_per_s": 40.5,
        "queries_per_message": 3,
        "reconnect_10k_s": 4.2,
    }
