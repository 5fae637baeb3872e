"""Reading a policy tells no third party: every request goes to the site itself, and no script fails."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from .conftest import Opened, Served
from .support import PAGES


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_request_nothing_from_other_origins(
    visit: Callable[[str, str], Opened], served: Served, name: str, scheme: str
) -> None:
    opened = visit(PAGES[name], scheme)
    opened.page.wait_for_load_state("networkidle")  # anything fetched late: fonts, beacons, XHR
    own = urlsplit(served.base)[:2]

    foreign = [url for url in opened.requests if urlsplit(url)[:2] != own and not url.startswith("data:")]

    assert foreign == [], "requests to third parties (web fonts? a CDN? analytics?)"
    # What was recorded includes the search worker's requests, so a worker fetching elsewhere would show too.
    assert served.url("search/search_index.json") in opened.requests




@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_load_without_script_errors_or_failed_requests(
    visit: Callable[[str, str], Opened], served: Served, name: str, scheme: str
) -> None:
    errors = [error.replace(served.base, "") for error in visit(PAGES[name], scheme).errors]

    # Material fetches `sitemap.xml` next to every <link rel="alternate">: each archive publishes one.
    assert errors == []
