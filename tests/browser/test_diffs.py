"""What changed, as a reader's browser shows it: marks that read without colour, in print too, and the
buttons that step from change to change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import expect

from .conftest import Opened
from .support import LATE, archived

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
