"""What changed, as a reader's browser shows it: marks that read without colour, in print too, and the
buttons that step from change to change; the compare page, which diffs any two versions in the browser, gives
the same as the pre-rendered pages."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import Opened, Served
from .fixture_site import SLUGS
from .support import COMPARE, FIRST, LATE, LATEST, LIST, MIDDLE, UPCOMING, archived

CHANGES = archived(LATE) + "changes/"


def test_marks_carry_a_text_cue_as_well_as_colour(open_page: Callable[..., Opened]) -> None:
    page = open_page(CHANGES).page

    marks = page.locator(".pa-diff--inline ins.pa-mark, .pa-diff--inline del.pa-mark")
    assert marks.count() > 0
    cues = marks.first.evaluate(
        "el => [getComputedStyle(el, '::before').content, getComputedStyle(el).textDecorationLine]"
    )
    # A mark is told apart by its generated label for screen readers and by its line, not only by colour.
    assert cues[0] not in ("none", "normal", ""), cues
    assert cues[1] != "none", cues


def test_printed_diff_keeps_its_marks(open_page: Callable[..., Opened], shots: Path) -> None:
    page = open_page(CHANGES).page

    page.emulate_media(media="print")
    page.screenshot(path=str(shots / "print-changes.png"), full_page=True)

    mark = page.locator(".pa-diff--inline del.pa-mark, .pa-diff--inline ins.pa-mark").first
    expect(mark).to_be_visible()
    assert mark.evaluate("el => getComputedStyle(el).textDecorationLine") != "none"
    expect(page.locator(".pa-diff-steps")).to_be_hidden()


def test_next_change_button_goes_to_each_change(open_page: Callable[..., Opened]) -> None:
    page = open_page(CHANGES).page

    page.get_by_role("button", name="Next change ↓").click()

    focused = page.evaluate("document.activeElement.id")
    assert focused == "pa-change-1"
    expect(page.locator("#pa-change-1")).to_be_in_viewport()


def test_side_by_side_puts_old_and_new_in_two_columns(open_page: Callable[..., Opened]) -> None:
    page = open_page(archived(LATE) + "side-by-side/").page

    table = page.locator("table.pa-sbs")
    expect(table).to_be_visible()
    old, new = (
        table.locator("td.pa-sbs__old").first.bounding_box(),
        table.locator("td.pa-sbs__new").first.bounding_box(),
    )
    assert old and new and old["x"] < new["x"]
    assert (
        table.locator("td.pa-sbs__old del.pa-mark").count()
        + table.locator("td.pa-sbs__new ins.pa-mark").count()
        > 0
    )


# The compare page diffs any two versions in the reader's browser, from the two version pages: it must give
# what the pre-rendered pages give for the same pair.

PAIRS = list(pairwise(SLUGS))
"""Each version with the one before it: the pairs with a pre-rendered changes page."""


MARKED = (
    ".pa-diff--inline :is(.pa-mark, .pa-block, [class*=pa-item--], [class*=pa-row--], .pa-fold > summary)"
)


def compared(open_page: Callable[..., Opened], old: str, new: str, scheme: str = "light") -> Opened:
    """The compare page for a pair, once the script has compared them."""
    opened = open_page(f"{COMPARE}?from={old}&to={new}", scheme)
    expect(opened.page.locator(".pa-compare .pa-diff-summary__counts")).to_be_visible()
    return opened


def test_compare_page_explains_itself_before_a_comparison(
    open_page: Callable[..., Opened], served: Served
) -> None:
    page = open_page(COMPARE).page

    intro = page.locator(".pa-compare__intro")
    expect(intro).to_contain_text("Choose two versions")
    link = intro.get_by_role("link", name="list of all versions")
    assert link.evaluate("a => a.href") == served.url(LIST)
    expect(page.locator(".pa-compare__result")).to_be_empty()


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[new for _, new in PAIRS])
def test_compare_page_counts_what_the_changes_page_counts(
    open_page: Callable[..., Opened], served: Served, old: str, new: str
) -> None:
    opened = compared(open_page, old, new)
    compare = opened.page
    changes = open_page(archived(new) + "changes/").page

    def summary(page: Page) -> dict[str, object]:
        return {
            "counts": page.locator(".pa-diff-summary__counts").inner_text(),
            "sections": page.locator(".pa-diff-summary__sections a").all_inner_texts(),
            "steps": page.locator(".pa-diff-steps button").all_inner_texts(),
            # Every mark, marked block, row and item, and fold, in order: what it is, its id and its text.
            "marks": page.locator(MARKED).evaluate_all(
                "els => els.map(e => [e.tagName, e.className, e.id,"
                " e.textContent.replace(/¶/g, '').replace(/\\s+/g, ' ').trim()].join(' | '))"
            ),
        }

    expected = summary(changes)
    assert expected["marks"] and expected["sections"]
    assert summary(compare) == expected
    assert opened.errors == []
    assert all(url.startswith(served.base) for url in opened.requests)


def test_compare_page_keeps_rows_in_their_table_and_items_in_their_list(
    open_page: Callable[..., Opened],
) -> None:
    edited = compared(open_page, LATEST, UPCOMING).page.locator(".pa-compare__result")
    rewritten = compared(open_page, MIDDLE, UPCOMING).page.locator(".pa-compare__result")

    # Edited, added and removed rows and items, each in a table or a list of the page's own.
    for result, selector, container in [
        (edited, "tr.pa-row--changed", "table"),
        (edited, "li.pa-item--changed", "ul"),
        (edited, "li.pa-item--added", "ul"),
        (rewritten, "tr.pa-row--added", "table"),
        (rewritten, "li.pa-item--removed", "ul"),
    ]:
        marked = result.locator(selector)
        expect(marked.first).to_be_visible()
        assert marked.evaluate_all(f"els => els.every(e => e.parentElement.closest('{container}'))"), selector
    # An edited row is marked word by word, in its own cell; so is an edited item.
    row = edited.locator("tr.pa-row--changed")
    expect(row.locator("td")).to_have_text(
        ["Measuring opens", "Legitimate interest", "1325 months"]
    )  # 13 → 25
    expect(row.locator("td").nth(2).locator("del.pa-mark")).to_have_text("13")
    expect(row.locator("td").nth(2).locator("ins.pa-mark")).to_have_text("25")
    expect(edited.locator("li.pa-item--changed ins.pa-mark")).to_have_text(
        ", and the public keys of your passkeys"
    )
    # One table and one list: the removed item sits in the list between the items it was between.
    for result in (edited, rewritten):
        expect(result.locator("table")).to_have_count(1)
        expect(result.locator("ul")).to_have_count(1)
    items = rewritten.locator("ul > li").all_inner_texts()
    assert [item.split()[-1] for item in items] == [
        "passkeys",
        "invoices",
        "questionnaire",
        "servers",
        "device",
    ]


def test_compare_page_marks_read_without_colour(open_page: Callable[..., Opened]) -> None:
    page = compared(open_page, MIDDLE, LATEST).page
    result = page.locator(".pa-compare__result")

    marks = result.locator("ins.pa-mark, del.pa-mark")
    assert marks.count() > 0
    # Every mark of a word is a .pa-mark; the only others wrap blocks that carry a visible label.
    assert (
        result.locator("ins:not(.pa-mark, .pa-block__content), del:not(.pa-mark, .pa-block__content)").count()
        == 0
    )
    for mark in (result.locator("ins.pa-mark").first, result.locator("del.pa-mark").first):
        cues = mark.evaluate(
            "el => [getComputedStyle(el, '::before').content, getComputedStyle(el, '::after').content,"
            " getComputedStyle(el).textDecorationLine]"
        )
        assert cues[0] not in ("none", "normal", "") and cues[1] not in ("none", "normal", ""), cues
        assert cues[2] != "none", cues
    for kind in ("added", "removed"):
        block = result.locator(f".pa-block--{kind}").first
        label = block.evaluate("el => getComputedStyle(el, '::before').content")
        assert label.strip('"').lower() == kind, label
    # Marks sit inside inline elements, never around a block.
    assert result.locator(".pa-mark :is(p, li, tr, td, h1, h2, div, ul, table)").count() == 0


def test_compare_page_keeps_a_link_of_a_changed_paragraph(
    open_page: Callable[..., Opened], served: Served
) -> None:
    page = compared(open_page, MIDDLE, LATE).page
    changed = page.locator(".pa-compare__result .pa-block--changed p").filter(has_text="terms of service")

    expect(changed.locator("del.pa-mark")).to_have_text(["30"])
    expect(changed.locator("ins.pa-mark")).to_have_text(["14"])
    link = changed.get_by_role("link", name="terms of service")
    expect(link).to_be_visible()
    assert link.evaluate("a => a.href") == served.url("terms/")
    link.click()
    expect(page).to_have_url(served.url("terms/"))


def test_compare_page_steps_from_change_to_change(open_page: Callable[..., Opened]) -> None:
    page = compared(open_page, FIRST, UPCOMING).page

    page.get_by_role("button", name="Next change ↓").click()
    page.get_by_role("button", name="Next change ↓").click()

    assert page.evaluate("document.activeElement.id") == "pa-change-2"
    expect(page.locator("#pa-change-2")).to_be_in_viewport()
    section = page.get_by_role("navigation", name="Changed sections").get_by_role("link").first
    target = section.get_attribute("href")
    assert target and target.startswith("#pa-change-") and page.locator(target).count() == 1
