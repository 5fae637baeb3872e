"""Every kind of page in both palettes is photographed into /tmp/browser-shots/ (for a person to look at) and
fits its window; the banner also fits a phone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, expect

from .conftest import SHOTS, Opened, Served
from .support import MIDDLE, PAGES, archived


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_photographed_and_has_no_sideways_scroll(
    visit: Callable[[str, str], Opened], name: str, scheme: str
) -> None:
    opened = visit(PAGES[name], scheme)

    assert opened.screenshot and opened.screenshot.stat().st_size > 10_000
    assert opened.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("scheme", ["dark"])  # the layout is the same in both palettes
def test_banner_fits_a_phone(browser: Browser, served: Served, scheme: str) -> None:
    context = browser.new_context(
        base_url=served.base,
        color_scheme=scheme,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
    )
    try:
        page = context.new_page()
        page.goto(archived(MIDDLE))
        banner = page.locator(".pa-banner")
        expect(banner).to_be_visible()
        page.screenshot(path=str(SHOTS / f"phone-archived-{scheme}.png"))

        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = banner.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
        for link in banner.get_by_role("link").all():
            link_box = link.bounding_box()
            assert link_box and link_box["x"] + link_box["width"] <= box["x"] + box["width"], (
                link.inner_text()
            )
    finally:
        context.close()
