"""Both of the theme's palettes: the dark one is reached by the reader's preference and by the toggle, and the
banner and the summary line are readable on each."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .conftest import Opened
from .support import CURRENT, LIST, MIDDLE, PAGES, archived, contrast_of

SCHEME = {"light": "default", "dark": "slate"}
AA = 4.5


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_palette_follows_the_readers_preference(visit: Callable[[str, str], Opened], scheme: str) -> None:
    page = visit(archived(MIDDLE), scheme).page

    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEME[scheme])


def test_toggle_switches_to_the_dark_palette_and_it_stays(open_page: Callable[..., Opened]) -> None:
    page = open_page(archived(MIDDLE), "light", fresh=True).page
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")

    page.get_by_title("Switch to dark mode").click()

    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    page.get_by_role("navigation", name="Versions").get_by_role("link", name="Current version").click()
    expect(page.locator(".pa-summary")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["archived", "in-force", "upcoming", "withdrawn"])
def test_banner_text_and_links_have_aa_contrast(
    visit: Callable[[str, str], Opened], scheme: str, name: str
) -> None:
    page = visit(PAGES[name], scheme).page
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEME[scheme])
    banner = page.locator(".pa-banner")
    if banner.locator("details").count():
        banner.locator("details").evaluate("e => e.open = true")

    texts = [*banner.locator("p, li, summary").all(), *banner.locator("a").all()]
    ratios = {text.inner_text(): round(contrast_of(text), 2) for text in texts}

    assert len(ratios) >= 2
    assert min(ratios.values()) >= AA, ratios


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_version_list_labels_have_aa_contrast(visit: Callable[[str, str], Opened], scheme: str) -> None:
    page = visit(LIST, scheme).page
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEME[scheme])

    texts = [*page.locator(".pa-label, .pa-list__meta").all()]
    ratios = {text.inner_text(): round(contrast_of(text), 2) for text in texts}

    assert min(ratios.values()) >= AA, ratios


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_summary_and_upcoming_notice_have_aa_contrast(
    visit: Callable[[str, str], Opened], scheme: str
) -> None:
    page = visit(CURRENT, scheme).page
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEME[scheme])

    texts = page.locator(
        ".pa-summary, .pa-summary a, .pa-upcoming, .pa-upcoming strong, .pa-upcoming a"
    ).all()
    ratios = {text.inner_text(): round(contrast_of(text), 2) for text in texts}

    assert min(ratios.values()) >= AA, ratios
