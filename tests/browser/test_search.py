"""Search, typed into Material's search box: it finds the policy in force, and none of what only archived
versions say."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable

from playwright.sync_api import Page, expect

from .conftest import Opened, Served
from .support import CURRENT


def search(page: Page, query: str) -> None:
    box = page.get_by_role("textbox", name="Search")
    box.click()
    expect(page.locator(".md-search-result__meta")).not_to_contain_text(
        "Initializing"
    )  # the index has loaded
    box.press("Control+A")
    box.press("Backspace")
    box.press_sequentially(query, delay=20)


def test_search_finds_the_current_text(open_page: Callable[..., Opened], served: Served) -> None:
    page = open_page(CURRENT).page
    results = page.locator(".md-search-result__list .md-search-result__link")

    for query in ["Matomo", "legitimate interest"]:
        search(page, query)

        expect(page.locator(".md-search-result__meta")).to_have_text("1 matching document")
        hrefs = {link.evaluate("a => a.href").split("#")[0] for link in results.all()}
        assert hrefs == {served.url(CURRENT)}, query


def test_search_does_not_find_what_only_archived_versions_say(open_page: Callable[..., Opened]) -> None:
    page = open_page(CURRENT).page

    # "questionnaire" and "fax" are in the first two versions ("questionnaire" also in a change note on the
    # version list); "fingerprint" only in the upcoming one.
    for query in ["questionnaire", "fax", "fingerprint"]:
        search(page, query)

        expect(page.locator(".md-search-result__meta")).to_have_text("No matching documents")
        expect(page.locator(".md-search-result__list > li")).to_have_count(0)


def test_search_index_holds_no_archive_page(served: Served) -> None:
    with urllib.request.urlopen(served.url("search/search_index.json")) as response:
        index = json.load(response)

    locations = [doc["location"] for doc in index["docs"]]
    assert any(location.startswith(CURRENT) for location in locations)
    assert not [location for location in locations if "archive" in location]
