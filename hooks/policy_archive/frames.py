"""Archive pages in the theme's frame: the theme renders a page once per kind of address, every page fills it in.

Material renders the whole navigation into every page, about 12 ms a page. An archive of a thousand versions has
four thousand pages (each version, each change inline and side by side, each version against the current one),
all out of the navigation, which differ from each other only in their title, address, content and table of
contents. So the theme renders one page per folder depth with markers where those parts go, and each archive
page is that frame with its own parts put in: a string join instead of a template rendering.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

import jinja2
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc

from .pagestore import fingerprint

_MARK = "policy-archive-frame-"
TITLE = _MARK + "title"
SKIP = _MARK + "skip"
TOC = f"<!--{_MARK}toc-->"
HEAD = f"<!--{_MARK}head-->"
# Material adds a heading of its own when the content has none ("<h1" not in page.content); the content put in
# always has one (`with_heading`), and the marker says so.
CONTENT = f"<!--{_MARK}content <h1-->"
# The table of contents is rendered per page, apart from the frame, with the theme's own partial.
_TOC_PARTIAL = "partials/toc.html"
_TOC_ALONE = '{% import "partials/language.html" as lang with context %}{% include "partials/toc.html" %}'


class FramePage(Page):
    """The stand-in page a frame is rendered for: markers for its title, content and address."""


def with_heading(title: str, html: str) -> str:
    """Content with a first-level heading, as a page's content must have: the title when it has none."""
    return html if "<h1" in html else f"<h1>{escape(title)}</h1>\n{html}"


class Frames:
    """The theme's page frames of one build, made as pages ask for them."""

    def __init__(self, env: jinja2.Environment, config: MkDocsConfig, nav: Navigation, files: Files) -> None:
        self.env, self.config, self.nav, self.files = env, config, nav, files
        self._frames: dict[tuple[str, bool], list[str]] = {}
        self._contexts: dict[str, dict[str, Any]] = {}
        self._tocs: dict[tuple[str, tuple[Any, ...]], str] = {}
        try:
            env.get_template(_TOC_PARTIAL)
        except jinja2.TemplateNotFound:
            self._toc_alone = None
        else:
            self._toc_alone = env.from_string(_TOC_ALONE)
            # Frames are rendered with a marker where the theme includes its table of contents.
            self._frame_env = env.overlay(
                loader=jinja2.ChoiceLoader([jinja2.DictLoader({_TOC_PARTIAL: TOC}), env.loader])  # type: ignore[list-item]
            )

    def page(
        self,
        *,
        url: str,
        title: str,
        content: str,
        toc: TableOfContents,
        head: str = "",
        skip_to: str | None = None,
    ) -> str:
        """The full HTML of a page at `url` (relative to the site's root, as `File.url`). The theme's "Skip to
        content" link leads to the first heading, or to the element with the id `skip_to`."""
        pattern = url_pattern(url)
        parts = self._frame(pattern, bool(toc))
        values = {
            pattern: url,
            TITLE: escape(title),
            SKIP: skip_to or (next(iter(toc)).id if toc else ""),
            TOC: self._toc_html(pattern, toc),
            HEAD: head,
            CONTENT: content,
        }
        return "".join(values.get(part, part) for part in parts)

    def state(self, patterns: Iterable[str]) -> str:
        """A fingerprint of the frames for pages at these address shapes, and of the theme's table of contents."""
        # A frame with a table of contents differs from one without only by the theme's skip link, the same at
        # every depth: one such frame stands for all of them, so a build that makes no page renders few frames.
        patterns = list(patterns)
        frames = [self._frame(pattern, False) for pattern in patterns] + [
            self._frame(p, True) for p in patterns[:1]
        ]
        templates = []
        if self._toc_alone is not None:
            for name in (_TOC_PARTIAL, "partials/toc-item.html"):
                with contextlib.suppress(jinja2.TemplateNotFound):
                    templates.append(self.env.loader.get_source(self.env, name)[0])  # type: ignore[union-attr]
        return fingerprint(frames, templates)

    def _frame(self, pattern: str, has_toc: bool) -> list[str]:
        """The frame for pages whose address has the shape `pattern`, cut at its markers."""
        key = (pattern, has_toc)
        if key not in self._frames:
            page = self._stand_in(pattern, has_toc)
            env = getattr(self, "_frame_env", self.env)
            html = env.get_template("main.html").render(self._context(pattern, page))
            html = html.replace("</head>", HEAD + "\n</head>", 1)
            # Other plugins see the frame as any page (to minify it, or keep its assets on the site).
            html = self.config.plugins.on_post_page(html, page=page, config=self.config)
            markers = (pattern, TITLE, SKIP, TOC, HEAD, CONTENT)
            self._frames[key] = re.split("(" + "|".join(map(re.escape, markers)) + ")", html)
        return self._frames[key]

    def _stand_in(self, pattern: str, has_toc: bool) -> FramePage:
        file = File(f"{_MARK}page.md", None, self.config.site_dir, self.config.use_directory_urls)
        # Before the page is made: its canonical address comes from it.
        file.url = pattern
        file.dest_uri = pattern + "index.html" if pattern.endswith("/") else pattern
        page = FramePage(TITLE, file, self.config)
        page.meta = {"title": TITLE, "search": {"exclude": True}}
        page.content = CONTENT
        page.toc = TableOfContents([AnchorLink(TITLE, SKIP, 1)] if has_toc else [])
        return page

    def _context(self, pattern: str, page: Page) -> dict[str, Any]:
        """The theme's context for a page at an address shaped like `pattern` (the same for all of them)."""
        if pattern not in self._contexts:
            self._contexts[pattern] = dict(get_context(self.nav, self.files, self.config, page))
        return {**self._contexts[pattern], "page": page}

    def _toc_html(self, pattern: str, toc: TableOfContents) -> str:
        """The theme's table of contents, rendered once per distinct one: most pages have the same few."""
        if self._toc_alone is None:
            return ""
        key = (pattern, _toc_key(toc))
        if key not in self._tocs:
            page = self._stand_in(pattern, True)
            page.toc = toc
            self._tocs[key] = self._toc_alone.render(self._context(pattern, page))
        return self._tocs[key]


def _toc_key(items: Iterable[AnchorLink]) -> tuple[Any, ...]:
    return tuple((item.title, item.id, item.level, _toc_key(item.children)) for item in items)


def url_pattern(url: str) -> str:
    """A stand-in address with the same folders as `url`, so the frame's relative links fit every such page."""
    *folders, name = url.split("/")
    stand_in = [f"{_MARK}{i}" for i in range(len(folders))]
    if name:
        stand_in.append(f"{_MARK}name.html")
    else:
        stand_in.append("")
    return "/".join(stand_in)


def toc_of(tokens: Sequence[dict[str, Any]]) -> TableOfContents:
    """MkDocs' table of contents from heading tokens."""
    return get_toc(list(tokens))  # type: ignore[arg-type]
