"""A real browser over one built fixture site: Debian's Chromium driven by Playwright.

One site is built per session and served over http on 127.0.0.1, and one browser is launched per session.
Tests that only look at a page share it (`visit`: one load per page and palette, screenshot included); tests
that click or type get a tab of their own (`open_page`), in a context of its own when they store something.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response, sync_playwright

from ..conftest import Site
from .fixture_site import (
    COMMITS,
    MKDOCS_YML,
    REFUNDS,
    REFUNDS_ADDED,
    REFUNDS_WITHDRAWN,
    SITE_CSS,
    TODAY,
    search_partial,
)
from .support import AXE_URL, axe_source

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path("/tmp/browser-shots")


class BrowserSite(Site):
    """The fixture helper's repository, built with the example site's theme settings."""

    def config_file(self) -> Path:
        search = self.root / "overrides" / "partials" / "search.html"
        search.parent.mkdir(parents=True, exist_ok=True)
        search.write_text(search_partial(), encoding="utf-8")
        path = self.root / "mkdocs.yml"
        path.write_text(MKDOCS_YML.format(docs_dir=self.docs_dir))
        return path


@dataclass(frozen=True)
class Served:
    """The built fixture site, served over http."""

    base: str
    """`http://127.0.0.1:PORT/`"""
    site: Site
    site_dir: Path
    commits: dict[str, str]
    """The commit made on each day of COMMITS."""

    def url(self, path: str = "") -> str:
        return self.base + path

    def committed(self, commit: str, path: str = "docs/privacy.md") -> bytes:
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
        return subprocess.run(
            ["git", "show", f"{commit}:{path}"], cwd=self.site.root, env=env, check=True, capture_output=True
        ).stdout


@pytest.fixture(scope="session", autouse=True)
def _chromium() -> None:
    """Every browser test needs Debian's Chromium: CI installs it with apt; without it they are skipped."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) "
            "to run the browser tests"
        )


def _git_env(home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Writer",
        "GIT_AUTHOR_EMAIL": "writer@example.org",
        "GIT_COMMITTER_NAME": "Writer",
        "GIT_COMMITTER_EMAIL": "writer@example.org",
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": str(int(datetime.fromisoformat(f"{TODAY}T12:00:00+00:00").timestamp())),
    }


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, dict[str, str]]:
    """The fixture repository (a privacy policy with five versions, a withdrawn refund policy), built once."""
    root = tmp_path_factory.mktemp("browser") / "repo"
    root.mkdir()
    with pytest.MonkeyPatch.context() as env:
        for name, value in _git_env(tmp_path_factory.mktemp("home")).items():
            env.setenv(name, value)
        site = BrowserSite(root)
        site.git("init", "-q", "-b", "main")
        site.docs.mkdir()
        site.write("index.md", "# Policies\n\n<!-- policy-archive:policies -->\n")
        site.write("terms.md", "# Terms of Service\n\nClose your account from its settings page.\n")
        site.write("stylesheets/site.css", SITE_CSS)
        events: list[tuple[str, str, dict[str, str | None]]] = [
            (commit.day, commit.message, {"privacy.md": commit.text}) for commit in COMMITS
        ]
        events.append((REFUNDS_ADDED, "Add the refund policy", {"refunds.md": REFUNDS}))
        events.append((REFUNDS_WITHDRAWN, "Withdraw the refund policy", {"refunds.md": None}))
        commits = {}
        for day, message, files in sorted(events, key=lambda event: event[0]):
            for path, text in files.items():
                if text is None:
                    (site.docs / path).unlink()
                else:
                    site.write(path, text)
            commits[day] = site.commit(day, message)
        site.build(strict=True)
    return site, commits


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != AXE_URL:
            return super().do_GET()
        body = axe_source().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        self.wfile.write(body)
        return None

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served(built: tuple[Site, dict[str, str]]) -> Iterator[Served]:
    site, commits = built
    site_dir = site.root / "site"
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="browser-site", daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}/", site, site_dir, commits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


@dataclass
class Opened:
    """A page, with every request it made (its workers' too) and every script error and failed request."""

    page: Page
    requests: list[str]
    errors: list[str]
    screenshot: Path | None = None


def _new_context(browser: Browser, served: Served, scheme: str) -> BrowserContext:
    context = browser.new_context(
        base_url=served.base, color_scheme=scheme, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(5_000)
    return context


def _console_error(message: ConsoleMessage, errors: list[str]) -> None:
    # A failed load is also a response, recorded with its URL by _failed_response.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        errors.append(message.text)


def _failed_response(response: Response, errors: list[str]) -> None:
    if not response.ok:
        errors.append(f"{response.status} {response.url}")


def _open(context: BrowserContext, path: str) -> Opened:
    """Open `path` in a new tab; return once the page has loaded and Material's search worker asked for its
    index, the last thing a page fetches (so by then every request it makes has been seen)."""
    page = context.new_page()
    opened = Opened(page, [], [])
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("console", lambda message: _console_error(message, opened.errors))
    page.on("response", lambda response: _failed_response(response, opened.errors))
    with page.expect_request("**/search/search_index.json"):
        page.goto(path, wait_until="load")
    return opened


@pytest.fixture(scope="session")
def _contexts(browser: Browser, served: Served) -> Iterator[dict[str, BrowserContext]]:
    """One shared context per colour scheme: new tabs in it open faster than new contexts."""
    contexts = {scheme: _new_context(browser, served, scheme) for scheme in ("light", "dark")}
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.fixture
def open_page(
    browser: Browser, served: Served, _contexts: dict[str, BrowserContext]
) -> Iterator[Callable[..., Opened]]:
    """Open a site path in a new tab of this test's own: `open_page("privacy/", "dark")`, for tests that
    click, type or change the page.

    The tab shares its context (storage, cache) with the other tests of its scheme, unless `fresh=True`, which
    gives it a context of its own: for tests that store something, like a palette chosen with the toggle.
    """
    pages: list[Page] = []
    contexts: list[BrowserContext] = []

    def open_(path: str = "", scheme: str = "light", *, fresh: bool = False) -> Opened:
        if fresh:
            contexts.append(_new_context(browser, served, scheme))
        opened = _open(contexts[-1] if fresh else _contexts[scheme], path)
        pages.append(opened.page)
        return opened

    yield open_
    for page in pages:
        page.close()
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def visit(_contexts: dict[str, BrowserContext], shots: Path) -> Iterator[Callable[[str, str], Opened]]:
    """A page as it loads, opened once a session per path and scheme and kept open for tests that only look at
    it (axe, contrast, requests); its full-page screenshot goes to /tmp/browser-shots/. Do not click or type
    in it: use `open_page`."""
    visits: dict[tuple[str, str], Opened] = {}

    def visit_(path: str, scheme: str = "light") -> Opened:
        if (path, scheme) not in visits:
            opened = _open(_contexts[scheme], path)
            name = path.strip("/").replace("/", "_") or "index"
            opened.screenshot = shots / f"{name}-{scheme}.png"
            opened.page.screenshot(path=str(opened.screenshot), full_page=True)
            visits[path, scheme] = opened
        return visits[path, scheme]

    yield visit_
    for opened in visits.values():
        opened.page.close()
