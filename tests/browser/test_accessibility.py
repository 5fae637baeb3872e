"""axe-core over every kind of page in both palettes; the keyboard reaches the banner's links; print keeps
it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import Opened, Served
from .support import (
    COMPARE,
    CURRENT,
    FIRST,
    LATE,
    LIST,
    MIDDLE,
    PAGES,
    UPCOMING,
    archived,
    axe_violations,
    raw,
)

SCHEME = {"light": "default", "dark": "slate"}
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
"""The axe rules whose outcome depends on the palette."""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violation(visit: Callable[[str, str], Opened], name: str, scheme: str) -> None:
    page = visit(PAGES[name], scheme).page
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEME[scheme])

    # The palettes change colours only: the rules about anything else see the same page in both.
    assert axe_violations(page, None if scheme == "light" else COLOUR_RULES) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_in_a_comparison(open_page: Callable[..., Opened], scheme: str) -> None:
    """The compare page once the script has put two versions' differences in it (rows, items, blocks, folds)."""
    page = open_page(f"{COMPARE}?from={FIRST}&to={UPCOMING}", scheme).page
    expect(page.locator(".pa-compare .pa-diff-summary__counts")).to_be_visible()

    assert axe_violations(page, None if scheme == "light" else COLOUR_RULES) == []


def test_tab_reaches_every_link_of_the_banner_in_order(
    open_page: Callable[..., Opened], served: Served
) -> None:
    page = open_page(archived(MIDDLE)).page
    nav = page.get_by_role("navigation", name="Versions")
    in_order = [link.evaluate("a => a.href") for link in nav.get_by_role("link").all()]
    versions = [served.url(path) for path in (archived(FIRST), LIST, archived(LATE), CURRENT, raw(MIDDLE))]
    assert [href for href in in_order if href in versions] == versions
    reached: list[str] = []

    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const e = document.activeElement;
                if (!e.closest(".pa-banner nav")) return null;
                return {href: e.href, outline: getComputedStyle(e).outlineStyle};
            }"""
        )
        if focused:
            assert focused["outline"] != "none", f"no focus ring on {focused['href']}"
            reached.append(focused["href"])
        if len(reached) == len(in_order):
            break

    # Every link, in reading order: back in time, the list, forward, …, the current text, the raw file.
    assert reached == in_order


def test_enter_on_a_focused_banner_link_follows_it(open_page: Callable[..., Opened], served: Served) -> None:
    page = open_page(archived(MIDDLE)).page
    page.get_by_role("navigation", name="Versions").get_by_role("link", name="All versions (5)").focus()

    page.keyboard.press("Enter")

    expect(page).to_have_url(served.url(LIST))


def test_printed_archived_version_keeps_its_banner(open_page: Callable[..., Opened], shots: Path) -> None:
    page = open_page(archived(MIDDLE)).page

    page.emulate_media(media="print")
    page.screenshot(path=str(shots / "print-archived.png"), full_page=True)

    expect(page.locator(".md-header")).to_be_hidden()  # the theme's print stylesheet is in force
    banner = page.locator(".pa-banner")
    expect(banner).to_be_visible()
    expect(banner.locator(".pa-banner__when")).to_be_visible()
    expect(banner.get_by_role("link", name="Current version")).to_be_visible()
    box, title = banner.bounding_box(), page.locator("article h1").bounding_box()
    assert box and title and box["width"] > 300 and box["height"] > 40
    assert box["y"] < title["y"]  # first on paper, above the title
    # Printers drop background colours: the banner is told apart by its border.
    assert banner.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
