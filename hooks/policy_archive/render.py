"""Markdown to HTML, one distinct block at a time.

The versions of a policy share most of their paragraphs, and a diff shows mostly unchanged ones, so each
distinct piece of Markdown is converted once per build (and per process, across `mkdocs serve` rebuilds) and
reused by every version page and every diff that shows it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import markdown

_SPLIT = "<!-- policy-archive-split -->"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONTINUES = re.compile(r"^(?:[ \t]|[-*+][ \t]|\d+[.)][ \t]|\||>)")
# Constructs whose meaning depends on other parts of the document: such documents are converted whole.
_WHOLE = re.compile(r"^ {0,3}(?:\[[^\]]+\]:|\[\^[^\]]+\]:|\*\[[^\]]+\]:|<[a-zA-Z!])", re.MULTILINE)
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: list[dict[str, Any]]
    """Heading tokens as Python-Markdown's toc extension gives them: level, id, name, children."""


class BlockRenderer:
    """Converts Markdown with one set of extensions, remembering each block's HTML."""

    # Per process, by settings: blocks converted, and the converter (building one costs milliseconds).
    _known: ClassVar[dict[str, dict[str, str]]] = {}
    _converters: ClassVar[dict[str, markdown.Markdown]] = {}

    def __init__(self, extensions: Sequence[Any], extension_configs: Mapping[str, Any] | None = None) -> None:
        settings = repr(
            (list(extensions), sorted((extension_configs or {}).items(), key=lambda item: item[0]))
        )
        if settings not in self._converters:
            self._converters[settings] = markdown.Markdown(
                extensions=list(extensions), extension_configs=dict(extension_configs or {})
            )
        self.md = self._converters[settings]
        self.known = self._known.setdefault(settings, {})

    def pieces(self, sources: Sequence[str], *, standalone: bool = True) -> list[str]:
        """The HTML of each piece, converting in one pass only those not seen before.

        Pieces that are not `standalone` (a reference, footnote or abbreviation of one is defined in another)
        are converted together every time, and not remembered."""
        if not standalone:
            return self._convert(sources)
        missing = [source for source in dict.fromkeys(sources) if source not in self.known]
        for source, html in zip(missing, self._convert(missing), strict=True):
            self.known[source] = html
        return [self.known[source] for source in sources]

    def _convert(self, sources: Sequence[str]) -> list[str]:
        if not sources:
            return []
        output = self.md.reset().convert(("\n\n" + _SPLIT + "\n\n").join(sources)).split(_SPLIT)
        if len(output) != len(
            sources
        ):  # a construct (an unclosed fence) swallowed a separator: one at a time
            output = [self.md.reset().convert(source) for source in sources]
        return [html.strip("\n") for html in output]

    def document(self, text: str) -> Rendered:
        """A whole page: from cached blocks when its parts stand alone, else converted whole."""
        if not standalone(text):
            html = self.md.reset().convert(text)
        else:
            html = "\n".join(self.pieces(split_blocks(text)))
        html = _unique_heading_ids(html)
        return Rendered(html=html, toc=_toc(html))


def standalone(text: str) -> bool:
    """Whether each block of `text` means the same converted on its own (no references, footnotes,
    abbreviations or raw HTML blocks that tie blocks together)."""
    return _WHOLE.search(text) is None


def split_blocks(text: str) -> list[str]:
    """Cut a document where a new top-level block starts after a blank line, never inside a fence, a list,
    a table, a quote or indented content (those continue on lines that start with a marker or a space)."""
    pieces: list[str] = []
    current: list[str] = []
    fence: str | None = None
    blank = False
    for line in text.splitlines():
        opening = _FENCE.match(line)
        if fence is None and blank and current and line.strip() and not _CONTINUES.match(line):
            pieces.append("\n".join(current).strip("\n"))
            current = []
        if opening and (
            fence is None or (opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence))
        ):
            fence = None if fence else opening.group(1)
        current.append(line)
        blank = not line.strip()
    if current and "\n".join(current).strip():
        pieces.append("\n".join(current).strip("\n"))
    return pieces


def _unique_heading_ids(html: str) -> str:
    """Blocks converted apart do not see each other's headings: give repeated ids the toc extension's suffixes."""
    seen: dict[str, int] = {}

    def rename(match: re.Match[str]) -> str:
        anchor = match[2]
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        if not count:
            return match[0]
        unique = f"{anchor}_{count}"
        return (
            match[0]
            .replace(f'id="{anchor}"', f'id="{unique}"', 1)
            .replace(f'href="#{anchor}"', f'href="#{unique}"')
        )

    return _HEADING.sub(rename, html)


def _toc(html: str) -> list[dict[str, Any]]:
    """Nested heading tokens, read back from the HTML (what MkDocs builds its table of contents from)."""
    root: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []
    for match in _HEADING.finditer(html):
        level = int(match[1])
        name = _TAG.sub("", _HEADERLINK.sub("", match[3])).strip()
        token: dict[str, Any] = {"level": level, "id": match[2], "name": name, "html": name, "children": []}
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root
