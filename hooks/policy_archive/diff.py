"""Show what changed between two versions of a policy, inside the rendered page.

Readers of an archived policy want to see *what changed*, not a patch of Markdown
source.  A character diff of the whole document is too slow for a real history
(hundreds of versions of ~40 KB) and unreadable once rendered, so comparison works
in two stages:

1. Both versions are split into blocks (headings, paragraphs, list items, table
   rows, code blocks, ...) and the block sequences are aligned with difflib.
2. Blocks that were edited rather than replaced are paired by word similarity and
   compared token by token (words, whitespace, punctuation), where every token
   also remembers the emphasis and link it sits in.  Re-wrapped lines and
   renumbered list items compare equal at this level, so they are not changes.

The merged result is written back as Markdown with ``<ins>``/``<del>`` placed only
where they cannot break Markdown syntax (never across a table pipe, a list marker
or a blank line; always inside emphasis and link text) and rendered by
Python-Markdown with the site's own extensions, so the diff looks like the page.
For that the tokenizer reads blocks and emphasis as Python-Markdown does: asterisks
and underscores that are text are written escaped, so that no mark next to them
makes them emphasis, and a block whose emphasis it cannot be sure of is shown
removed and added rather than marked word by word.

Nothing here imports MkDocs: callers pass plain strings and extension names.
Front matter is the caller's business and must be stripped before calling.
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from markdown.util import BLOCK_LEVEL_ELEMENTS

from .render import BlockRenderer, standalone

__all__ = [
    "ChangedSection",
    "DiffStats",
    "DocumentDiff",
    "diff_documents",
    "diff_stats",
    "side_by_side_html",
    "unified_diff",
]


@dataclass(frozen=True)
class DiffStats:
    """How much changed, cheap enough to compute for every pair in an archive list.

    Words are counted as readers see them (link URLs and Markdown syntax do not
    count); a block is a paragraph, heading, list item, table row or similar.
    """

    words_added: int
    words_removed: int
    blocks_added: int
    blocks_removed: int
    blocks_changed: int


@dataclass(frozen=True)
class ChangedSection:
    """A section that contains changes, so a summary can offer jump links to it."""

    title: str
    """Plain heading text, or "" for changes before the first heading."""
    anchor: str
    """Id of the first change in the section, e.g. ``pa-change-3``."""


@dataclass(frozen=True)
class DocumentDiff:
    """The inline view of a change: the whole page with the changes marked in it."""

    stats: DiffStats
    sections: list[ChangedSection]
    html: str
    changes: int
    """Number of change anchors ``pa-change-1`` .. ``pa-change-N`` in ``html``, in order."""


# --------------------------------------------------------------------------- blocks
#
# The block splitter follows Python-Markdown's rules (not CommonMark's) because the
# marked-up blocks are rendered by Python-Markdown: nested list content needs four
# spaces, list markers do not interrupt a paragraph, quotes and headings do.

_TAB_LENGTH = 4

_ITEM_RE = re.compile(r"[ ]*(?:[*+-]|\d+\.)[ ]+")
_FENCE_RE = re.compile(r"[ ]*(`{3,}|~{3,})")
_ATX_RE = re.compile(r"[ ]{0,3}#{1,6}(?:[ ]|$)")
_SETEXT_RE = re.compile(r"[ ]{0,3}(?:=+|-+)[ ]*$")
_RULE_RE = re.compile(r"[ ]{0,3}(?:(?:\*[ ]*){3,}|(?:-[ ]*){3,}|(?:_[ ]*){3,})$")
_QUOTE_RE = re.compile(r"[ ]{0,3}>")
# Admonitions (!!!), collapsible details (???) and content tabs (===) of Material.
_CONTAINER_RE = re.compile(r'(?:!!!|\?\?\?\+?)[ ]+\S|===\+?[ ]+"')
# Link reference, footnote and abbreviation definitions: they render as nothing.
_DEFINITION_RE = re.compile(r"[ ]{0,3}\*?\[[^\]]+\]:")
_TABLE_DELIMITER_RE = re.compile(r"[ ]*\|?[ ]*:?-+:?[ ]*(?:\|[ ]*:?-+:?[ ]*)*\|?[ ]*$")
_HTML_BLOCK_RE = re.compile(r"<(?:!--|([A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$))")
_BLOCK_TAGS = frozenset(BLOCK_LEVEL_ELEMENTS)
_VOID_TAGS = frozenset({"hr", "br", "img", "input", "meta", "link", "source", "embed", "wbr"})

BlockKind = Literal[
    "heading",
    "paragraph",
    "item",
    "table_head",
    "table_row",
    "quote",
    "container",
    "code",
    "html",
    "rule",
    "definition",
]
# Blocks whose text can carry inline <ins>/<del>; the others are marked whole.
_INLINE_KINDS = frozenset({"heading", "paragraph", "item", "table_head", "table_row", "quote", "container"})


class _Block(NamedTuple):  # a tuple, not a dataclass: documents have thousands of blocks
    """One Markdown block as written in the source, the unit of alignment."""

    kind: BlockKind
    text: str
    key: str
    """What must be equal for two blocks to count as unchanged (kind and text)."""
    group: Literal["list", "table"] | None
    """Blocks of a group must be rendered together to stay one list or one table."""
    nested: bool
    """Part of the previous block's list item (a sub-item or a continuation paragraph)."""
    blank_before: bool
    inline: bool
    table_head: str = ""
    """For table rows: the header and delimiter rows, to restart the table after a fold."""
    columns: int = 0
    """For tables: how many columns the header has; a row shows as many cells, whatever it has."""


@lru_cache(maxsize=16)
def _split_blocks(text: str) -> tuple[_Block, ...]:
    """The blocks of a document; cached because consecutive pairs of a history share a version."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(_TAB_LENGTH).split("\n")
    return _BlockSplitter(lines).split()


class _BlockSplitter:
    """One pass over the lines; each ``_scan_*`` method adds a block and returns the next line."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.blocks: list[_Block] = []
        self.blank_before = True
        self.in_list = False
        self.list_detab = 0
        """Indentation Python-Markdown strips from the lines of the list block being read."""
        self.table_head = ""

    def split(self) -> tuple[_Block, ...]:
        index = 0
        while index < len(self.lines):
            if not self.lines[index].strip():
                self.blank_before = True
                index += 1
                continue
            index = self._scan_block(index)
            self.blank_before = False
        return tuple(self.blocks)

    def _add(
        self,
        kind: BlockKind,
        start: int,
        end: int,
        group: Literal["list", "table"] | None = None,
        nested: bool = False,
    ) -> int:
        text = "\n".join(self.lines[start:end])
        has_fence = ("```" in text or "~~~" in text) and any(
            _FENCE_RE.match(line.lstrip(" >")) for line in text.split("\n")
        )
        columns = _cell_count(self.table_head.split("\n")[0]) if group == "table" else 0
        # The key is the raw text: blocks that differ only in wrapping or numbering are
        # paired as similar, and their word diff then finds them equal.  A table row is
        # the same only in a table of as many columns: it shows that many cells.
        self.blocks.append(
            _Block(
                kind,
                text,
                f"{kind}{columns or ''}\x1f{text}",
                group,
                nested,
                self.blank_before,
                kind in _INLINE_KINDS and not has_fence,  # marks inside code would show as text
                self.table_head if kind == "table_row" else "",
                columns,
            )
        )
        return end

    def _scan_block(self, index: int) -> int:
        """Add the block starting at a non-blank line, trying the block syntaxes in turn."""
        line = self.lines[index]
        indent = len(line) - len(line.lstrip(" "))
        if self.in_list:
            if _ITEM_RE.match(line) and not _RULE_RE.match(line):  # "- - -" is a rule, as outside lists
                if self.blank_before:
                    # Python-Markdown gives an indented block to the item at its depth, less that indentation.
                    self.list_detab = indent - indent % _TAB_LENGTH
                return self._scan_item(index, nested=indent >= _TAB_LENGTH)
            if indent >= _TAB_LENGTH:
                return self._scan_list_continuation(index)
            self.in_list = False
        if line[indent].isalpha() and indent < _TAB_LENGTH and "|" not in line:
            return self._scan_paragraph(index)  # the common case, without trying each block start
        if indent >= _TAB_LENGTH:
            return self._add("code", index, self._indented_end(index))
        if _FENCE_RE.match(line):
            return self._add("code", index, self._fence_end(index))
        if _ATX_RE.match(line):
            return self._add("heading", index, index + 1)
        if _CONTAINER_RE.match(line) or _DEFINITION_RE.match(line):
            kind: BlockKind = "container" if _CONTAINER_RE.match(line) else "definition"
            return self._add(kind, index, self._indented_end(index + 1))
        if _RULE_RE.match(line):
            return self._add("rule", index, index + 1)
        if _ITEM_RE.match(line):
            self.in_list = True
            self.list_detab = 0
            return self._scan_item(index, nested=False)
        if self._starts_table(index):
            return self._scan_table(index)
        if _QUOTE_RE.match(line):
            return self._add("quote", index, self._paragraph_end(index, lazy=True))
        tag = _HTML_BLOCK_RE.match(line)
        if tag and (tag.group(1) is None or tag.group(1).lower() in _BLOCK_TAGS):
            return self._add("html", index, self._html_end(index, tag.group(1)))
        return self._scan_paragraph(index)

    def _scan_item(self, index: int, *, nested: bool) -> int:
        """An item, up to the next item line, except one that Python-Markdown makes text of this item.

        That is an item line indented two tab stops more than the item (after the
        indentation of its block is stripped): no list, since none is one stop deeper.
        """
        item_indent = self._list_indent(self.lines[index])
        end = index + 1
        while end < len(self.lines) and self.lines[end].strip():
            line = self.lines[end]
            if _ITEM_RE.match(line) and self._list_indent(line) < item_indent + 2 * _TAB_LENGTH:
                break
            end += 1
        return self._add("item", index, end, "list", nested)

    def _list_indent(self, line: str) -> int:
        """A line's indentation in its list block, as Python-Markdown reads it after stripping the block's."""
        indent = len(line) - len(line.lstrip(" "))
        return indent - self.list_detab if indent >= self.list_detab else indent

    def _scan_list_continuation(self, index: int) -> int:
        """Indented content after a blank line inside a list item stays in the item.

        It is a paragraph up to the next blank line: as anywhere in Python-Markdown, a
        list marker on a following line does not interrupt the paragraph but is its text.
        """
        if _FENCE_RE.match(self.lines[index]):
            return self._add("code", index, self._fence_end(index), "list", True)
        end = index + 1
        while end < len(self.lines) and self.lines[end].strip():
            end += 1
        return self._add("paragraph", index, end, "list", True)

    def _scan_paragraph(self, index: int) -> int:
        """A paragraph, or a Setext heading (a line underlined with ``===`` or ``---``)."""
        end = self._paragraph_end(index, lazy=False)
        if end < len(self.lines) and _SETEXT_RE.match(self.lines[end]) and self.lines[end].strip():
            # Python-Markdown makes only the line above the underline a heading.
            if end - 1 > index:
                self._add("paragraph", index, end - 1)
                self.blank_before = False
            return self._add("heading", end - 1, end + 1)
        return self._add("paragraph", index, end)

    def _paragraph_end(self, index: int, *, lazy: bool) -> int:
        """First line after a paragraph; a quote (``lazy``) also continues over plain lines."""
        end = index + 1
        while end < len(self.lines):
            line = self.lines[end]
            if line.lstrip()[:1].isalpha():
                end += 1  # plain text: no block syntax starts with a letter
                continue
            if not line.strip() or _ATX_RE.match(line) or _FENCE_RE.match(line):
                break
            if not lazy and (
                _QUOTE_RE.match(line) or _SETEXT_RE.match(line) or (_RULE_RE.match(line) and "-" not in line)
            ):
                break
            end += 1
        return end

    def _starts_table(self, index: int) -> bool:
        """A row and a delimiter row, where Python-Markdown starts a block (tables must)."""
        if index + 1 >= len(self.lines) or "|" not in self.lines[index]:
            return False
        delimiter = self.lines[index + 1]
        after_heading = bool(self.blocks) and self.blocks[-1].kind == "heading"
        # With fewer or more cells in the header than in the delimiter row, the tables extension sees text.
        same_columns = _cell_count(self.lines[index]) == _cell_count(delimiter)
        return (
            "|" in delimiter
            and _TABLE_DELIMITER_RE.match(delimiter) is not None
            and (self.blank_before or after_heading)
            and same_columns
        )

    def _scan_table(self, index: int) -> int:
        """The header row with its delimiter row, then one block per row."""
        self.table_head = "\n".join(self.lines[index : index + 2])
        self._add("table_head", index, index + 2, "table")
        row = index + 2
        while row < len(self.lines) and self.lines[row].strip():
            self.blank_before = False
            row = self._add("table_row", row, row + 1, "table")
        return row

    def _fence_end(self, index: int) -> int:
        """After the closing fence, or the end of the document if there is none."""
        opening = _FENCE_RE.match(self.lines[index])
        assert opening is not None
        fence = opening.group(1)
        for end in range(index + 1, len(self.lines)):
            closing = _FENCE_RE.match(self.lines[end])
            if closing and closing.group(1).startswith(fence) and not self.lines[end].strip(" `~"):
                return end + 1
        return len(self.lines)

    def _indented_end(self, index: int) -> int:
        """End of lines indented by a tab stop (blank lines inside included, trailing ones not)."""
        end = index
        last_text = index
        while end < len(self.lines):
            line = self.lines[end]
            if line.strip():
                if len(line) - len(line.lstrip(" ")) < _TAB_LENGTH:
                    break
                last_text = end + 1
            end += 1
        return max(last_text, index)

    def _html_end(self, index: int, tag: str | None) -> int:
        """Python-Markdown keeps a raw HTML block until its element closes, blank lines or not."""
        if tag is None:  # a comment
            ends = (end + 1 for end in range(index, len(self.lines)) if "-->" in self.lines[end])
            return next(ends, len(self.lines))
        if tag.lower() in _VOID_TAGS or re.match(r"[^>]*/>", self.lines[index]):
            return self._paragraph_end(index, lazy=True)
        opening = re.compile(rf"<{re.escape(tag)}(?=[\s/>]|$)", re.IGNORECASE)
        closing = re.compile(rf"</{re.escape(tag)}\s*>", re.IGNORECASE)
        depth = 0
        for end in range(index, len(self.lines)):
            depth += len(opening.findall(self.lines[end])) - len(closing.findall(self.lines[end]))
            if depth <= 0:
                return end + 1
        return len(self.lines)


# --------------------------------------------------------------------------- tokens

_WORD, _SPACE, _PUNCT, _LITERAL, _UNSURE, _ATOM, _MARKUP, _STRUCT = range(8)
# _LITERAL: asterisks or underscores that are text, written escaped so that no mark next
# to them can make them emphasis.  _UNSURE: a run of them whose pairing the tokenizer
# cannot tell; a block with one is not compared word by word.
# Tokens a reader sees change; whitespace alone is never worth a mark.
_SIGNIFICANT = frozenset({_WORD, _PUNCT, _LITERAL, _UNSURE, _ATOM})
# Tokens that must never sit inside <ins>/<del>: Markdown structure and raw HTML tags.
# They are written from the version being shown, unmarked.
_UNMARKABLE = frozenset({_MARKUP, _STRUCT})

_WORD_RE = re.compile(r"\w+")
_WORD_CHARACTER_RE = re.compile(r"\w")
_INLINE_RE = re.compile(
    r"""
      (?P<escape>\\[!-/:-@\[-`{-~])
    | (?P<code>(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`))
    | (?P<autolink><(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>)
    | (?P<markup></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->)
    | (?P<entity>&(?:\#[0-9]{1,7}|\#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)
    | (?P<image>!\[(?:[^\[\]\\]|\\.)*\]
                (?:\((?:[^()\s]|\([^()\s]*\))*(?:[ ]+(?:"[^"]*"|'[^']*'))?[ ]*\)|\[[^\]]*\]))
    | (?P<footnote>\[\^[^\]\s]+\])
    | (?P<empty_link>\[\]\([^()\s]*\))
    | (?P<open>\[)
    | (?P<close>\](?:\([ ]*(?:<[^<>]*>|(?:[^()\s]|\([^()\s]*\))*)(?:[ ]+(?:"[^"]*"|'[^']*'))?[ ]*\)
                   |\[[^\]]*\])?)
    | (?P<delimiter>\*+|_+|~+|=+|\^+)
    | (?P<word>[^\W_]+(?:_+[^\W_]+)*)  # underscores at a word's ends can be emphasis
    | (?P<space>\s+)
    | (?P<punct>[^\w\s\\`<&!\[\]*_~=^]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ATOM_GROUPS = frozenset({"escape", "code", "autolink", "entity", "image", "footnote", "empty_link"})
# Inline spans the diff keeps intact; the value is what must match for two spans to be the same.
_EMPHASIS = {
    "*": "em",
    "_": "em",
    "**": "strong",
    "__": "strong",
    "***": "strong-em",
    "___": "strong-em",
    "~": "sub",
    "~~": "delete",
    "==": "mark",
    "^": "sup",
    "^^": "insert",
}

# Per-line Markdown syntax that a mark must not swallow.
_ATX_PARTS_RE = re.compile(
    r"(?P<pre>[ ]{0,3}#{1,6}[ ]*)(?P<body>.*?)(?P<post>(?:[ ]*\{[^{}]*\})?[ ]*#*[ ]*)$"  # "{#id}": attr_list
)
_CONTAINER_PARTS_RE = re.compile(r'(?P<pre>[^"]*"?)(?P<body>[^"]*)(?P<post>.*)$')
# An item's text that starts with a list marker is a list inside the item ("1.  *   text"): both are structure.
_ITEM_PREFIX_RE = re.compile(r"[ ]*(?:(?:[*+-]|\d+\.)[ ]+)+(?:\[[ xX]\][ ]+)?")
_LINE_PREFIX_RE = re.compile(
    r"[ ]*(?:>[ ]?)*[ ]*(?P<marker>(?:[*+-]|\d+\.)[ ]+(?:\[[ xX]\][ ]+)?|#{1,6}[ ]+)?"
)
# Inside a paragraph a list marker is text (Python-Markdown lets no list interrupt one); a heading is not.
_CONTINUATION_PREFIX_RE = re.compile(r"[ ]*(?:>[ ]?)*[ ]*(?P<marker>#{1,6}[ ]+)?")
_CELL_BOUNDARY_RE = re.compile(r"\\.|`+|\|")


class _Span(NamedTuple):
    """Emphasis or a link around tokens, written once around a run of marked tokens."""

    key: str
    opener: str
    closer: str


class _Token(NamedTuple):
    """A word, whitespace, punctuation, an atom (code span, image, ...) or structure."""

    kind: int
    text: str
    key: tuple[str, tuple[str, ...]]
    """Text (whitespace collapsed) and enclosing span keys: a word that became bold changed."""
    spans: tuple[_Span, ...]
    words: int
    """Words a reader sees in this token (a link URL or image has none)."""


@lru_cache(maxsize=4096)
def _tokenize(kind: BlockKind, text: str) -> tuple[_Token, ...]:
    """Tokens of one block; cached, as an edited block is compared again in the next pair."""
    tokens: list[_Token] = []
    segment: list[tuple[str, str]] = []
    structure = ""
    for part_kind, part_text in _layout(kind, text):
        if part_kind == "struct":
            structure += part_text
            continue
        # A block starts with structure, if only an empty one, so that its leading
        # structure ("### ", "- ") aligns with the other version's and is written first.
        if structure or not tokens:
            tokens.extend(_tokenize_segment(segment))
            segment = []
            tokens.append(_structure_token(structure))
            structure = ""
        if part_kind == "soft":
            segment.append(("space", part_text))
        else:
            segment.extend(
                (match.lastgroup or "punct", match.group()) for match in _INLINE_RE.finditer(part_text)
            )
    tokens.extend(_tokenize_segment(segment))
    tokens.append(_structure_token(structure))  # and ends with it: a Setext underline aligns with none
    return tuple(tokens)


def _structure_token(text: str) -> _Token:
    """Markdown structure (list marker, cell pipe, blank line...): never inside a mark.

    All structure compares equal, so it aligns position by position and each view
    writes its own version's structure: "- x" -> "1. y" keeps the new list marker in
    front of the marked words instead of after the deleted ones.
    """
    return _Token(_STRUCT, text, ("", ()), (), 0)


def _layout(kind: BlockKind, text: str) -> Iterator[tuple[Literal["struct", "soft", "body"], str]]:
    """Split a block into Markdown structure, soft line breaks and inline text."""
    lines = text.split("\n")
    if kind in ("table_head", "table_row"):
        yield from _row_layout(lines[0])
        for line in lines[1:]:
            yield "struct", "\n" + line
        return
    if kind == "heading" and len(lines) == 2:
        yield "body", lines[0]
        yield "struct", "\n" + lines[1]
        return
    first_line_re = {
        "heading": _ATX_PARTS_RE,
        "container": _CONTAINER_PARTS_RE,
        "item": _ITEM_PREFIX_RE,
    }.get(kind, _LINE_PREFIX_RE)
    first = first_line_re.match(lines[0])
    assert first is not None
    if "body" in first.groupdict():
        yield "struct", first.group("pre")
        yield "body", first.group("body")
        yield "struct", first.group("post")
    else:
        yield "struct", first.group()
        yield "body", lines[0][first.end() :]
    # A new line continues the paragraph unless it follows a blank line, starts a
    # list item or heading, or is the first line of an admonition's body.
    pending_break = ""
    starts_block = kind == "container"
    for line in lines[1:]:
        prefix = (_LINE_PREFIX_RE if starts_block or pending_break else _CONTINUATION_PREFIX_RE).match(line)
        assert prefix is not None
        body = line[prefix.end() :]
        if not body.strip():
            pending_break += "\n" + line
            starts_block = True
            continue
        separator = pending_break + "\n" + prefix.group()
        if starts_block or pending_break or prefix.group("marker"):
            yield "struct", separator
        else:
            yield "soft", separator
        yield "body", body
        pending_break = ""
        starts_block = False
    if pending_break:
        yield "struct", pending_break


def _cell_pipes(line: str) -> list[int]:
    """Positions of the pipes that separate a table row's cells (not those in code or escaped)."""
    pipes = []
    position = 0
    while (match := _CELL_BOUNDARY_RE.search(line, position)) is not None:
        position = match.end()
        if match.group() == "|":
            pipes.append(match.start())
        elif match.group().startswith("`"):
            closing = line.find(match.group(), position)
            if closing >= 0:
                position = closing + len(match.group())
    return pipes


def _cell_count(line: str) -> int:
    """Cells in a table row, not counting the empty ones outside its border pipes."""
    row = line.strip(" ")
    pipes = _cell_pipes(row)
    leading = bool(pipes) and pipes[0] == 0
    trailing = bool(pipes) and pipes[-1] == len(row) - 1 and (len(pipes) > 1 or not leading)
    return len(pipes) + 1 - leading - trailing


def _row_layout(line: str) -> Iterator[tuple[Literal["struct", "body"], str]]:
    """Cells of a table row; pipes in code spans or escaped pipes are cell text."""
    cell_start = 0
    for pipe in [*_cell_pipes(line), len(line)]:
        cell = line[cell_start:pipe]
        stripped = cell.strip()
        if stripped:
            lead = cell[: len(cell) - len(cell.lstrip())]
            yield "struct", lead
            yield "body", stripped
            yield "struct", cell[len(lead) + len(stripped) :]
        else:
            yield "struct", cell
        if pipe < len(line):
            yield "struct", "|"
        cell_start = pipe + 1


def _tokenize_segment(pieces: list[tuple[str, str]]) -> list[_Token]:
    """Turn lexed pieces into tokens, pairing brackets and emphasis into enclosing spans."""
    links = _pair_links(pieces)
    emphasis, unsure = _pair_emphasis(pieces, links)
    likely = links | emphasis
    # Unsure of the emphasis, keep every piece as written and in order, without spans:
    # a mark then runs over the whole text as the source has it, links and all.
    partner = {} if unsure else likely
    tokens: list[_Token] = []
    open_spans: list[_Span] = []
    after_word = False  # a word right after another, with only emphasis or a bracket between, reads as one
    for index, (group, text) in enumerate(pieces):
        other = partner.get(index)
        if other is not None:
            if other > index:
                closer = pieces[other][1]
                key = _EMPHASIS.get(text) or "link" + "".join(closer.split())
                open_spans.append(_Span(key, text, closer))
            else:
                open_spans.pop()
            continue
        if not text:
            continue
        spans = tuple(open_spans)
        span_keys = tuple(span.key for span in spans)
        glued = after_word
        if index not in likely:  # what is likely emphasis does not show (if unsure, as counting goes)
            after_word = group == "word"
        if group == "space":
            tokens.append(_Token(_SPACE, text, (" ", span_keys), spans, 0))
        elif group == "word":
            tokens.append(_Token(_WORD, text, (text, span_keys), spans, 0 if glued else 1))
        elif group == "markup":
            tokens.append(_Token(_MARKUP, text, (text, span_keys), spans, 0))
        elif group in _ATOM_GROUPS:
            visible = text.strip("`") if group == "code" else text[1:-1] if group == "autolink" else ""
            tokens.append(_Token(_ATOM, text, (text, span_keys), spans, len(_WORD_RE.findall(visible))))
        elif group == "delimiter" and text[0] in "*_":
            kind, written = (_UNSURE, text) if unsure else (_LITERAL, "\\" + "\\".join(text))
            tokens.append(_Token(kind, written, (text, span_keys), spans, 0))
        else:
            tokens.append(_Token(_PUNCT, text, (text, span_keys), spans, 0))
    return tokens


def _pair_links(pieces: list[tuple[str, str]]) -> dict[int, int]:
    """Matching ``[`` and ``](target)`` positions: the link text becomes a span."""
    partner: dict[int, int] = {}
    openers: list[int] = []
    for index, (group, text) in enumerate(pieces):
        if group == "open":
            openers.append(index)
        elif group == "close" and openers:
            opener = openers.pop()
            if len(text) > 1 and opener + 1 < index:  # a target, and some link text
                partner[opener] = index
                partner[index] = opener
    return partner


def _pair_emphasis(pieces: list[tuple[str, str]], links: dict[int, int]) -> tuple[dict[int, int], bool]:
    """Pair emphasis delimiters as Python-Markdown does, and say whether unsure of any.

    Emphasis pairs within the text outside links and within each link's text apart.
    """
    partner: dict[int, int] = {}
    unsure = False
    for frame in _frames(pieces, links):
        frame_partner, frame_unsure = _pair_frame(pieces, links, frame)
        partner.update(frame_partner)
        unsure = unsure or frame_unsure
    return partner, unsure


def _frames(pieces: list[tuple[str, str]], links: dict[int, int]) -> list[list[int]]:
    """Indexes of the pieces outside links, then of each link's text (without its brackets)."""
    frames: list[list[int]] = [[]]
    open_frames = [frames[0]]
    for index in range(len(pieces)):
        if index not in links:
            open_frames[-1].append(index)
        elif links[index] > index:
            frames.append([])
            open_frames.append(frames[-1])
        else:
            open_frames.pop()
    return frames


def _pair_frame(
    pieces: list[tuple[str, str]], links: dict[int, int], frame: list[int]
) -> tuple[dict[int, int], bool]:
    """Pair the delimiter runs of one text, and whether Python-Markdown might read them otherwise.

    A closing run pairs with the latest open run of its character, which drops the
    runs opened after that one.  Runs of ``*`` or ``_`` of different lengths pair in
    Python-Markdown in ways of its own ("rule of 3"): the text is then unsure.
    """
    partner: dict[int, int] = {}
    unsure = False
    stack: list[int] = []
    for index in frame:
        group, text = pieces[index]
        if group != "delimiter":
            continue
        can_open, can_close = _delimiter_roles(
            text[0], _neighbour(pieces, links, index, -1), _neighbour(pieces, links, index, 1)
        )
        if text[0] in "*_" and (
            _next_to_line_break(pieces, index, -1) or _next_to_line_break(pieces, index, 1)
        ):
            unsure = True  # a hard line break is a tag to Python-Markdown, or not, after the indentation
            continue
        if text not in _EMPHASIS:  # "****": Python-Markdown may pair parts of it
            unsure = unsure or (text[0] in "*_" and (can_open or can_close))
            continue
        if can_close:
            same_character = (
                position
                for position in reversed(range(len(stack)))
                if pieces[stack[position]][1][0] == text[0]
            )
            opener_position = next(same_character, None)
            if opener_position is not None and pieces[stack[opener_position]][1] == text:
                partner[stack[opener_position]] = index
                partner[index] = stack[opener_position]
                del stack[opener_position:]
                continue
            unsure = unsure or (opener_position is not None and text[0] in "*_")
        if can_open:
            stack.append(index)
    return partner, unsure or _garbled(pieces, frame, partner, stack)


def _garbled(
    pieces: list[tuple[str, str]], frame: list[int], partner: dict[int, int], unpaired: list[int]
) -> bool:
    """Whether Python-Markdown (3.11) mangles this text's emphasis: it loses or moves characters.

    After a run that stays unpaired, it finds the emphasis that follows in one pass
    and then expects each next ``*`` or ``_`` to start the next emphasis: another
    asterisk or underscore before the last one (``_a **b** c_d **e**``) upsets it.
    """
    first = next((index for index in unpaired if pieces[index][1][0] in "*_"), None)
    if first is None:
        return False
    outermost: list[int] = []
    for index in frame:
        if (
            index > first
            and partner.get(index, -1) > index
            and (not outermost or index > partner[outermost[-1]])
        ):
            outermost.append(index)
    return len(outermost) > 1 and any(
        first < index < outermost[-1]
        and index not in partner
        and pieces[index][0] in ("delimiter", "word")
        and ("*" in pieces[index][1] or "_" in pieces[index][1])
        for index in frame
    )


# What Python-Markdown's inline patterns leave of a code span, link, tag or entity when
# they reach emphasis: a placeholder, neither space nor part of a word.
_PLACEHOLDER = "\x03"
_PLACEHOLDER_GROUPS = _ATOM_GROUPS | {"markup"}


def _neighbour(pieces: list[tuple[str, str]], links: dict[int, int], index: int, step: int) -> str:
    """The character before (``step=-1``) or after a piece as emphasis sees it; "" at the text's edge."""
    at = index + step
    if not 0 <= at < len(pieces):
        return ""
    group, text = pieces[at]
    if at in links:  # the bracket of the link around the piece is an edge; another link is a placeholder
        return "" if (links[at] > at) == (step < 0) else _PLACEHOLDER
    if group in _PLACEHOLDER_GROUPS:
        return _PLACEHOLDER
    return text[-1:] if step < 0 else text[:1]


def _next_to_line_break(pieces: list[tuple[str, str]], index: int, step: int) -> bool:
    """Whether the whitespace before (``step=-1``) or after a piece holds a hard line break."""
    spaces = []
    at = index + step
    while 0 <= at < len(pieces) and pieces[at][0] == "space":
        spaces.append(pieces[at][1])
        at += step
    return "  \n" in "".join(spaces[::step])


def _delimiter_roles(character: str, before: str, after: str) -> tuple[bool, bool]:
    """Whether a delimiter run can open and close emphasis, by Python-Markdown's rules.

    Asterisks open before anything but space and close after anything but space;
    underscores ("smart") also never open after, or close before, a letter or digit.
    """
    can_open = bool(after) and not after.isspace()
    can_close = bool(before) and not before.isspace()
    if character == "_":
        can_open = can_open and not _WORD_CHARACTER_RE.match(before)
        can_close = can_close and not _WORD_CHARACTER_RE.match(after)
    return can_open, can_close


def _plain_text(tokens: Sequence[_Token]) -> str:
    """Heading text as a reader sees it, for the list of changed sections."""
    parts = []
    for token in tokens:
        if token.kind in (_WORD, _SPACE, _PUNCT, _UNSURE):
            parts.append(token.text)
        elif token.kind == _LITERAL:
            parts.append(token.key[0])  # as written, not escaped
        elif token.kind == _ATOM:
            if token.text.startswith("`"):
                parts.append(token.text.strip("`").strip())
            elif token.text.startswith("\\"):
                parts.append(token.text[1:])
            elif token.text.startswith("&"):
                parts.append(html.unescape(token.text))
            elif token.text.startswith("<"):
                parts.append(token.text[1:-1])
    return " ".join("".join(parts).split())


# --------------------------------------------------------------------------- alignment

_SIMILARITY_THRESHOLD = 0.5
# Beyond this many candidate pairs in one replaced region, pair greedily in a window.
_OPTIMAL_PAIRING_LIMIT = 2500
_GREEDY_PAIRING_WINDOW = 30
_MIN_MOVED_WORDS = 3

EditOp = Literal["equal", "delete", "insert"]


class _Edit(NamedTuple):
    """One token of a changed block: kept, deleted (old only) or inserted (new only)."""

    op: EditOp
    old: _Token | None
    new: _Token | None
    quiet: bool
    """A whitespace-only change: shown unmarked, as in the version being shown."""


@dataclass(slots=True)
class _Entry:
    """One block of the merged document."""

    status: Literal["equal", "changed", "added", "removed"]
    old: _Block | None
    new: _Block | None
    edits: tuple[_Edit, ...] = ()
    moved: bool = False

    @property
    def block(self) -> _Block:
        """The version the inline view shows: the new one unless the block was removed."""
        block = self.new or self.old
        assert block is not None
        return block


@lru_cache(maxsize=4)
def _align(old: str, new: str) -> tuple[_Entry, ...]:
    """The merged document: both versions' blocks in reading order, each with its status.

    Remembered for the few latest pairs: the inline view, the side-by-side view and the counts of one change
    are usually asked for one after the other, and aligning is the larger part of each. Nothing changes the
    entries once aligned."""
    old_blocks = _split_blocks(old)
    new_blocks = _split_blocks(new)
    matcher = difflib.SequenceMatcher(
        None, [block.key for block in old_blocks], [block.key for block in new_blocks], autojunk=False
    )
    entries: list[_Entry] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            entries.extend(
                _Entry("equal", old_block, new_block)
                for old_block, new_block in zip(
                    old_blocks[old_start:old_end], new_blocks[new_start:new_end], strict=True
                )
            )
        else:
            entries.extend(_pair_region(old_blocks[old_start:old_end], new_blocks[new_start:new_end]))
    _mark_moves(entries)
    return tuple(entries)


def _pair_region(old: Sequence[_Block], new: Sequence[_Block]) -> list[_Entry]:
    """Merge a replaced region: similar blocks become one edited block, the rest whole."""
    if len(old) * len(new) <= _OPTIMAL_PAIRING_LIMIT:
        pairs = _pair_optimally(old, new)
    else:
        pairs = _pair_greedily(old, new)
    entries: list[_Entry] = []
    old_next = new_next = 0
    for old_index, new_index in [*pairs, (len(old), len(new))]:
        entries.extend(_Entry("removed", block, None) for block in old[old_next:old_index])
        entries.extend(_Entry("added", None, block) for block in new[new_next:new_index])
        if old_index < len(old):
            entries.extend(_compare_pair(old[old_index], new[new_index]))
        old_next, new_next = old_index + 1, new_index + 1
    return entries


def _pair_optimally(old: Sequence[_Block], new: Sequence[_Block]) -> list[tuple[int, int]]:
    """Order-preserving pairing with the largest total similarity (dynamic programming)."""
    similarity = [[_similarity(old_block, new_block) for new_block in new] for old_block in old]
    best = [[0.0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i in range(len(old) - 1, -1, -1):
        for j in range(len(new) - 1, -1, -1):
            paired = best[i + 1][j + 1] + similarity[i][j] if similarity[i][j] else 0.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], paired)
    pairs = []
    i = j = 0
    while i < len(old) and j < len(new):
        if similarity[i][j] and best[i][j] == best[i + 1][j + 1] + similarity[i][j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _pair_greedily(old: Sequence[_Block], new: Sequence[_Block]) -> list[tuple[int, int]]:
    """Pairing for large rewritten regions, where the quadratic optimum costs too much."""
    pairs = []
    new_next = 0
    for i, old_block in enumerate(old):
        window = range(new_next, min(len(new), new_next + _GREEDY_PAIRING_WINDOW))
        scored = [(_similarity(old_block, new[j]), j) for j in window]
        score, j = max(scored, default=(0.0, -1))
        if score:
            pairs.append((i, j))
            new_next = j + 1
    return pairs


@lru_cache(maxsize=8192)
def _word_profile(text: str) -> tuple[list[str], Counter[str]]:
    """Lower-cased words of a block, for similarity; cached as regions compare blocks often."""
    words = [word.lower() for word in _WORD_RE.findall(text)]
    return words, Counter(words)


def _similarity(old: _Block, new: _Block) -> float:
    """Word similarity of two blocks, or 0.0 when they should not be shown as one edit.

    Headings and table headers of a replaced region always pair: a renamed heading
    reads better than a removed and an added one, and a table needs one header row.
    """
    if old.kind != new.kind or old.columns != new.columns or not (old.inline and new.inline):
        return 0.0
    floor = _SIMILARITY_THRESHOLD if old.kind in ("heading", "table_head") else 0.0
    old_words, old_counts = _word_profile(old.text)
    new_words, new_counts = _word_profile(new.text)
    total = len(old_words) + len(new_words)
    if not total:
        return 1.0
    # Cheap upper bounds first, as SequenceMatcher.real_quick_ratio/quick_ratio do.
    if 2 * min(len(old_words), len(new_words)) < _SIMILARITY_THRESHOLD * total:
        return floor
    if 2 * sum((old_counts & new_counts).values()) < _SIMILARITY_THRESHOLD * total:
        return floor
    ratio = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).ratio()
    return max(ratio, floor) if ratio >= _SIMILARITY_THRESHOLD else floor


def _compare_pair(old: _Block, new: _Block) -> list[_Entry]:
    """An edited block, or an equal one if only spacing or Markdown structure changed.

    Words are marked only where the tokenizer knows the emphasis: else the old block
    is shown removed and the new one added.
    """
    old_tokens, new_tokens = _tokenize(old.kind, old.text), _tokenize(new.kind, new.text)
    edits = _diff_tokens(old_tokens, new_tokens)
    if not any(edit.op != "equal" and not edit.quiet for edit in edits):
        return [_Entry("equal", old, new)]
    if any(token.kind == _UNSURE for token in (*old_tokens, *new_tokens)):
        return [_Entry("removed", old, None), _Entry("added", None, new)]
    return [_Entry("changed", old, new, edits)]


def _diff_tokens(old: Sequence[_Token], new: Sequence[_Token]) -> tuple[_Edit, ...]:
    """Word-level edits between two versions of a block."""
    # Whitespace stays out of the comparison: it is half of all tokens and all alike,
    # which makes SequenceMatcher slow, and a change of spacing alone is not a change.
    old_at = [index for index, token in enumerate(old) if token.kind != _SPACE]
    new_at = [index for index, token in enumerate(new) if token.kind != _SPACE]
    old_keys = [old[index].key for index in old_at]
    new_keys = [new[index].key for index in new_at]
    # Trim the common ends first: edits are local, and the matcher is quadratic in
    # the number of repeated words.
    prefix = 0
    while prefix < min(len(old_keys), len(new_keys)) and old_keys[prefix] == new_keys[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(old_keys), len(new_keys)) - prefix
        and old_keys[len(old_keys) - 1 - suffix] == new_keys[len(new_keys) - 1 - suffix]
    ):
        suffix += 1
    matcher = difflib.SequenceMatcher(
        None,
        old_keys[prefix : len(old_keys) - suffix],
        new_keys[prefix : len(new_keys) - suffix],
        autojunk=False,
    )
    opcodes = [
        ("equal", 0, prefix, 0, prefix),
        *(
            (tag, i1 + prefix, i2 + prefix, j1 + prefix, j2 + prefix)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        ),
        ("equal", len(old_keys) - suffix, len(old_keys), len(new_keys) - suffix, len(new_keys)),
    ]
    edits: list[_Edit] = []
    for tag, i1, i2, j1, j2 in opcodes:
        # Back to token positions: a word takes the whitespace after it along.
        removed = old[_token_position(old_at, len(old), i1) : _token_position(old_at, len(old), i2)]
        added = new[_token_position(new_at, len(new), j1) : _token_position(new_at, len(new), j2)]
        if tag == "equal":
            edits.extend(_equal_edits(removed, added))
            continue
        # The whitespace after a change stays outside its marks: "<del>a</del><ins>b</ins> c",
        # unless only the old text has it: then the inline view needs it to keep words apart.
        added_spacing = _trailing_spaces(added)
        removed_spacing = _trailing_spaces(removed) if added_spacing else removed[len(removed) :]
        removed = removed[: len(removed) - len(removed_spacing)]
        added = added[: len(added) - len(added_spacing)]
        quiet_removal = not any(token.kind in _SIGNIFICANT for token in removed)
        quiet_addition = not any(token.kind in _SIGNIFICANT for token in added)
        edits.extend(_Edit("delete", token, None, quiet_removal) for token in removed)
        edits.extend(_Edit("insert", None, token, quiet_addition) for token in added)
        edits.extend(_equal_edits(removed_spacing, added_spacing))
    return tuple(edits)


def _trailing_spaces(tokens: Sequence[_Token]) -> Sequence[_Token]:
    """The whitespace tokens at the end of a run."""
    end = len(tokens)
    while end and tokens[end - 1].kind == _SPACE:
        end -= 1
    return tokens[end:]


def _token_position(word_positions: list[int], token_count: int, word: int) -> int:
    """Where the ``word``-th non-space token starts among all tokens."""
    if word == 0:
        return 0  # leading whitespace goes with the first word
    return word_positions[word] if word < len(word_positions) else token_count


def _equal_edits(old: Sequence[_Token], new: Sequence[_Token]) -> list[_Edit]:
    """Edits for runs with the same words; whitespace that differs is a quiet change."""
    edits: list[_Edit] = []
    old_runs, new_runs = _spacing_runs(old), _spacing_runs(new)
    for (old_word, old_space), (new_word, new_space) in zip(old_runs, new_runs, strict=True):
        if old_word is not None and new_word is not None:
            edits.append(_Edit("equal", old_word, new_word, False))
        if len(old_space) == len(new_space):
            edits.extend(_Edit("equal", o, n, False) for o, n in zip(old_space, new_space, strict=True))
        else:
            edits.extend(_Edit("delete", token, None, True) for token in old_space)
            edits.extend(_Edit("insert", None, token, True) for token in new_space)
    return edits


def _spacing_runs(tokens: Sequence[_Token]) -> list[tuple[_Token | None, list[_Token]]]:
    """Each word with the whitespace after it; leading whitespace comes first, without a word."""
    runs: list[tuple[_Token | None, list[_Token]]] = [(None, [])]
    for token in tokens:
        if token.kind == _SPACE:
            runs[-1][1].append(token)
        else:
            runs.append((token, []))
    return runs


def _mark_moves(entries: list[_Entry]) -> None:
    """Flag a removed block that reappears unchanged elsewhere, so readers see a move."""
    removed: dict[str, list[_Entry]] = {}
    for entry in entries:
        if entry.status != "removed" or entry.old is None:
            continue
        if len(_word_profile(entry.old.text)[0]) >= _MIN_MOVED_WORDS:
            removed.setdefault(entry.old.key, []).append(entry)
    for entry in entries:
        if entry.status == "added" and entry.new and removed.get(entry.new.key):
            removed[entry.new.key].pop(0).moved = True
            entry.moved = True


# --------------------------------------------------------------------------- statistics


def _block_words(block: _Block) -> int:
    """Words a reader sees in a whole added or removed block."""
    if block.inline:
        return sum(token.words for token in _tokenize(block.kind, block.text))
    lines = block.text.split("\n")
    if block.kind == "code" and _FENCE_RE.match(lines[0]):
        lines = lines[1:-1] if len(lines) > 1 and _FENCE_RE.match(lines[-1]) else lines[1:]
    elif block.kind == "html":
        lines = [re.sub(r"<[^>]*>", " ", line) for line in lines]
    elif block.kind == "rule":
        return 0
    return len(_WORD_RE.findall("\n".join(lines)))


def _stats(entries: Sequence[_Entry]) -> DiffStats:
    """Counts from the merged document, the same ones the marks of the inline view show."""
    counts = Counter[str]()
    for entry in entries:
        if entry.status == "added":
            counts["blocks_added"] += 1
            counts["words_added"] += _block_words(entry.block)
        elif entry.status == "removed":
            counts["blocks_removed"] += 1
            counts["words_removed"] += _block_words(entry.block)
        elif entry.status == "changed":
            counts["blocks_changed"] += 1
            for edit in entry.edits:
                if edit.quiet:
                    continue
                if edit.old is not None and edit.op == "delete":
                    counts["words_removed"] += edit.old.words
                elif edit.new is not None and edit.op == "insert":
                    counts["words_added"] += edit.new.words
    return DiffStats(
        words_added=counts["words_added"],
        words_removed=counts["words_removed"],
        blocks_added=counts["blocks_added"],
        blocks_removed=counts["blocks_removed"],
        blocks_changed=counts["blocks_changed"],
    )


# --------------------------------------------------------------------------- marked Markdown

Side = Literal["inline", "old", "new"]
"""Which view a block is written for: both versions merged, or one column of side-by-side."""

_MARK_TAGS = {"insert": "ins", "delete": "del"}


def _emit(edits: Sequence[_Edit], side: Side, first_mark_attributes: str = "") -> str:
    """Write edited tokens back as Markdown with ``<ins>``/``<del>`` around changed runs.

    Marks always sit *inside* emphasis and link spans: when the span changes, the
    mark is closed, the span is closed or opened, and the mark reopened.  So
    ``**a b**`` -> ``**a c**`` becomes ``**a <del>b</del><ins>c</ins>**``, and a link
    whose target changed is written twice, old (deleted) and new (inserted).
    Unmarked whitespace goes between the spans that close and those that open
    around it: emphasis never ends after a space nor starts before one.  A span
    continues over tokens of the other version with a span of the same kind, but
    not over the next span of its own version (``__a__ **b**`` stays two).
    """
    out: list[str] = []
    spacing: list[str] = []
    open_spans: list[_Span] = []
    opened_by_new: list[bool] = []
    open_mark: str | None = None
    last_kind: int | None = None
    for edit in edits:
        token = edit.new if edit.op == "insert" or (edit.op == "equal" and side != "old") else edit.old
        plain = edit.quiet or token is None or token.kind in _UNMARKABLE
        hidden_side = "insert" if side == "old" else "delete"
        if edit.op == hidden_side and (side != "inline" or plain):
            if side == "inline" and token is not None and token.kind == _STRUCT:
                spacing.append(" ")  # the words of two removed cells stay apart without their pipe
            continue
        assert token is not None
        mark = None if edit.op == "equal" or plain else _MARK_TAGS[edit.op]
        if token.kind == _SPACE and mark is None:
            spacing.append(token.text)
            continue
        from_new = token is edit.new
        shared = 0
        while (
            shared < min(len(open_spans), len(token.spans))
            and open_spans[shared].key == token.spans[shared].key
            and (open_spans[shared] is token.spans[shared] or opened_by_new[shared] != from_new)
        ):
            shared += 1
        if open_mark and (open_mark != mark or shared < len(open_spans) or shared < len(token.spans)):
            out.append(_edge_padding(last_kind, token.kind) + f"</{open_mark}>")
            open_mark = None
        while len(open_spans) > shared:
            out.append(open_spans.pop().closer)
            opened_by_new.pop()
        out.extend(spacing)
        spacing.clear()
        for span in token.spans[shared:]:
            if any(outer.opener[0] == span.opener[0] for outer in open_spans) and not _ends_in_space(out):
                # "**a **b** c**": after a mark instead of a space, the inner "**" would close the outer.
                out.append(" ")
            out.append(span.opener)
            open_spans.append(span)
            opened_by_new.append(from_new)
        if mark and not open_mark:
            out.append(
                f'<{mark} class="pa-mark"{first_mark_attributes}>' + _edge_padding(token.kind, last_kind)
            )
            first_mark_attributes = ""
            open_mark = mark
        out.append(token.text)
        last_kind = token.kind
    if open_mark:
        out.append(_edge_padding(last_kind, None) + f"</{open_mark}>")
    out.extend(span.closer for span in reversed(open_spans))
    out.extend(spacing)
    return "".join(out)


def _ends_in_space(out: list[str]) -> bool:
    """Whether the Markdown written so far ends with whitespace (or is empty)."""
    last = next((text for text in reversed(out) if text), " ")
    return last[-1].isspace()


def _edge_padding(inside: int | None, outside: int | None) -> str:
    """A space between a mark and unsure asterisks or underscores at the edge of their text.

    Python-Markdown reads a run at the start or end of a text (``outside`` is
    structure or nothing) as it reads one next to a space, not as one next to a tag.
    """
    return " " if inside == _UNSURE and outside in (None, _STRUCT) else ""


def _whole_block_edits(block: _Block, op: EditOp) -> tuple[_Edit, ...]:
    """A block added or removed as a whole, as edits (its structure stays unmarked)."""
    return tuple(
        _Edit("equal" if token.kind in _UNMARKABLE else op, token, token, False)
        for token in _tokenize(block.kind, block.text)
    )


def _visible(entry: _Entry, side: Side) -> bool:
    """Whether a block appears in a view: a column of side by side shows one version only."""
    hidden_status = {"inline": None, "old": "added", "new": "removed"}[side]
    return entry.status != hidden_status


def _entry_markdown(entry: _Entry, side: Side, *, wrapped: bool, first_mark_attributes: str) -> str:
    """The block's Markdown for one view; ``wrapped`` blocks are marked whole after rendering."""
    block = entry.old if side == "old" else entry.block
    assert block is not None
    if entry.status == "changed":
        return _emit(entry.edits, side, first_mark_attributes)
    if entry.status == "equal" or wrapped or not block.inline:
        return block.text
    op: EditOp = "insert" if entry.status == "added" else "delete"
    return _emit(_whole_block_edits(block, op), side, first_mark_attributes)


# --------------------------------------------------------------------------- rendering

_FOLD_SUMMARY = "{count} unchanged paragraphs"
_FOLD_SUMMARY_ONE = "1 unchanged paragraph"
_LIST_ITEM_TAG_RE = re.compile(r"<li\b[^>]*>")
_TABLE_ROW_TAG_RE = re.compile(r"<tr\b[^>]*>")
_ORDERED_LIST_TAG_RE = re.compile(r"<ol\b")
_HEADING_ID_RE = re.compile(r"(<h[1-6]\b[^>]*?) id=\"[^\"]*\"")
# The toc extension's permalinks point at those ids: without them they lead nowhere.
_HEADERLINK_RE = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
# Side by side, removed blocks share a row with the added blocks that follow them.
_SHARED_ROW_STATES = frozenset({("removed", "removed"), ("removed", "added"), ("added", "added")})


@dataclass(slots=True)
class _Chunk:
    """Consecutive entries rendered as one piece: one block, or part of one list or table."""

    entries: list[_Entry]
    standalone: bool
    """One block outside any list or table: wrapped whole when it changed."""
    fold: int | None
    """Index of the fold this chunk is hidden in, if any."""
    items_before: int = 0
    """Top-level list items of the same list in earlier chunks (to continue numbering)."""
    dedent: bool = False
    """Nested content shown away from its list item (the item moved): rendered unindented."""


def _chunks(entries: Sequence[_Entry], folds: Sequence[int | None]) -> list[_Chunk]:
    """Group the merged document into pieces that render on their own and can be marked whole."""
    chunks: list[_Chunk] = []
    items_in_list = 0
    for entry, fold in zip(entries, folds, strict=True):
        block = entry.block
        previous = chunks[-1] if chunks else None
        detached = previous is not None and _detached(previous.entries[-1], entry)
        continues = (
            previous is not None
            and not previous.standalone
            and previous.fold == fold
            and block.group == previous.entries[-1].block.group
            and block.kind != "table_head"
            and not detached
        )
        if continues:
            assert previous is not None
            previous.entries.append(entry)
        else:
            # Nested content continues a list, not a paragraph of a list shown on its own.
            follows_list = (
                previous is not None
                and not previous.standalone
                and previous.entries[-1].block.group == "list"
            )
            if block.group != "list" or not follows_list:
                items_in_list = 0
            orphan = block.nested and (detached or not follows_list)
            chunks.append(
                _Chunk(
                    [entry],
                    standalone=block.group is None or (orphan and block.kind != "item"),
                    fold=fold,
                    items_before=items_in_list,
                    dedent=orphan,
                )
            )
        if block.kind == "item" and not block.nested:
            items_in_list += 1
    return chunks


def _detached(before: _Entry, entry: _Entry) -> bool:
    """Whether a nested block, written after a block of the other version, would lose its list.

    Nested more than one level below that block, Python-Markdown would read it as
    code or as text of that block: it is then shown on its own.
    """
    if not entry.block.nested or _written_versions(before) & _written_versions(entry):
        return False
    allowed = _indentation(before.block.text) // _TAB_LENGTH * _TAB_LENGTH + _TAB_LENGTH
    return _indentation(entry.block.text) > allowed


def _indentation(text: str) -> int:
    """Spaces before a block's first line."""
    return len(text) - len(text.lstrip(" "))


def _anchor_carrier(chunk: _Chunk, entry: _Entry) -> Literal["wrapper", "tag", "mark"] | None:
    """What carries a change's id: the block's wrapper, its <li>/<tr>, or its first mark.

    A code block nested in a list item has none of these and gets no anchor.
    """
    if chunk.standalone:
        return "wrapper"
    if entry.block.kind in ("item", "table_head", "table_row"):
        return "tag"
    return "mark" if entry.block.inline else None


def _anchors(chunks: Sequence[_Chunk]) -> dict[int, str]:
    """Change ids ``pa-change-N`` in document order, keyed by ``id(entry)``."""
    anchors: dict[int, str] = {}
    for chunk in chunks:
        for entry in chunk.entries:
            if entry.status != "equal" and _anchor_carrier(chunk, entry):
                anchors[id(entry)] = f"pa-change-{len(anchors) + 1}"
    return anchors


def _chunk_markdown(chunk: _Chunk, side: Side, anchors: Mapping[int, str]) -> str:
    """The Markdown of a chunk for one view, with marks, joined as in the source."""
    visible = [entry for entry in chunk.entries if _visible(entry, side)]
    if not visible:
        return ""
    parts = []
    first = visible[0].old if side == "old" else visible[0].block
    assert first is not None
    if first.kind == "table_row":
        parts.append(first.table_head + "\n")  # a table cut by a fold needs its header again
    previous: _Entry | None = None
    for entry in visible:
        block = entry.old if side == "old" else entry.block
        assert block is not None
        if previous:
            # A paragraph takes the lines after it in (a removed one the items added after it), and
            # an item may take an item of the other version that is indented less.
            separate = (
                block.blank_before
                or (previous.old if side == "old" else previous.block).kind == "paragraph"
                or (side == "inline" and not _written_versions(previous) & _written_versions(entry))
            )
            parts.append("\n\n" if separate and block.group != "table" else "\n")
        previous = entry
        anchor = anchors.get(id(entry)) if _anchor_carrier(chunk, entry) == "mark" else None
        # A block without an element of its own says on its first mark what happened to it.
        attributes = f' id="{anchor}" data-pa-block="{entry.status}"' if anchor else ""
        parts.append(_entry_markdown(entry, side, wrapped=chunk.standalone, first_mark_attributes=attributes))
    text = "".join(parts)
    # Nested content first in a chunk has no item before it: in the inline view its item
    # moved or is of the other version, in a column it may be missing (removed), or the
    # old block may be nested where the new is not.  Unindented, it renders as a list.
    if not (chunk.dedent or first.nested):
        return text
    spaces = max(
        _indentation(first.text), _TAB_LENGTH
    )  # a tab stop at least: the other version's may be nested
    return re.sub(rf"^ {{1,{spaces}}}", "", text, flags=re.MULTILINE)


def _written_versions(entry: _Entry) -> set[str]:
    """Which versions the inline view writes a block as: both where its text did not change."""
    if entry.status == "removed":
        return {"old"}
    if entry.status == "equal" and entry.old is not None and entry.old.text == entry.block.text:
        return {"old", "new"}
    return {"new"}


def _set_attributes(tag: str, classes: str, anchor: str | None) -> str:
    """Add an id and classes to a rendered start tag (which may have classes already)."""
    attributes = f' id="{anchor}"' if anchor else ""
    if ' class="' in tag:
        return tag.replace(' class="', f'{attributes} class="{classes} ', 1)
    return f'{tag[:-1]}{attributes} class="{classes}">'


def _decorate(chunk: _Chunk, side: Side, rendered: str, anchors: Mapping[int, str]) -> str:
    """Mark rendered blocks: wrap standalone ones, add classes to list items and table rows."""
    visible = [entry for entry in chunk.entries if _visible(entry, side)]
    if not visible:
        return ""
    block = visible[0].old if side == "old" else visible[0].block
    assert block is not None
    if chunk.standalone:
        return _wrap_block(visible[0], block, rendered, anchors.get(id(visible[0])))
    marked: list[_Entry | None]
    if block.group == "list":
        rendered = _continue_numbering(chunk, rendered, side)
        pattern, prefix = _LIST_ITEM_TAG_RE, "pa-item"
        # An item that starts with two markers ("1.  *   text") renders as two <li>: mark the outer one.
        marked = [
            slot
            for entry in visible
            if entry.block.kind == "item"
            for slot in [entry, *[None] * (_list_markers(entry.old if side == "old" else entry.block) - 1)]
        ]
    else:
        pattern, prefix = _TABLE_ROW_TAG_RE, "pa-row"
        marked = list(visible)
    repeated_head = block.kind == "table_row"  # _chunk_markdown repeated the table's header
    tags = pattern.findall(rendered)
    body_tags = tags[repeated_head:]
    # Python-Markdown gives a table without body rows an empty one, which keeps its tag;
    # any other difference means the blocks did not render as split: leave them unmarked.
    if len(body_tags) - len(marked) not in ((0, 1) if prefix == "pa-row" else (0,)):
        return rendered
    decorated = [
        tag
        if entry is None or entry.status == "equal"
        else _set_attributes(tag, _classes(prefix, entry), anchors.get(id(entry)))
        for tag, entry in zip(body_tags, marked, strict=False)  # a spare empty row stays as it is
    ]
    if repeated_head:
        decorated.insert(0, _set_attributes(tags[0], "pa-row pa-row--repeated", None))
    replacements = iter(decorated + body_tags[len(marked) :])
    return pattern.sub(lambda _: next(replacements), rendered)


def _list_markers(block: _Block | None) -> int:
    """How many list markers an item starts with: each opens a list item."""
    assert block is not None
    prefix = _ITEM_PREFIX_RE.match(block.text)
    assert prefix is not None
    return len(_ITEM_RE.findall(prefix.group()))


def _classes(prefix: str, entry: _Entry) -> str:
    """E.g. ``pa-item pa-item--added pa-item--moved``: the CSS hooks of a changed block."""
    moved = f" {prefix}--moved" if entry.moved else ""
    return f"{prefix} {prefix}--{entry.status}{moved}"


def _continue_numbering(chunk: _Chunk, rendered: str, side: Side) -> str:
    """An ordered list split by a fold continues its numbers after the fold."""
    if chunk.items_before and side == "inline":
        return _ORDERED_LIST_TAG_RE.sub(f'<ol start="{chunk.items_before + 1}"', rendered, count=1)
    return rendered


def _wrap_block(entry: _Entry, block: _Block, rendered: str, anchor: str | None) -> str:
    """Wrap a changed standalone block; an added or removed one in an ``<ins>``/``<del>`` too."""
    if entry.status == "equal":
        return rendered
    if block.kind == "definition":  # renders as nothing, so show its source
        rendered = f'<p class="pa-definition"><code>{html.escape(block.text)}</code></p>'
    id_attribute = f' id="{anchor}"' if anchor else ""
    classes = _classes("pa-block", entry)
    if entry.status == "changed":
        return f'<div class="{classes}"{id_attribute}>\n{rendered}\n</div>'
    tag = "ins" if entry.status == "added" else "del"
    content = f'<{tag} class="pa-block__content">\n{rendered}\n</{tag}>'
    return f'<div class="{classes}"{id_attribute}>{content}</div>'


def _folds(entries: Sequence[_Entry], context: int | None) -> tuple[list[int | None], list[int]]:
    """Which fold (if any) hides each entry, and how many blocks each fold hides."""
    unit_of: list[int] = []
    unit_changed: list[bool] = []
    for entry in entries:
        if not unit_of or not entry.block.nested:
            unit_changed.append(False)
        unit_of.append(len(unit_changed) - 1)
        unit_changed[-1] = unit_changed[-1] or entry.status != "equal"
    fold_of_unit: list[int | None] = [None] * len(unit_changed)
    sizes: list[int] = []
    if context is not None:
        start = 0
        while start < len(unit_changed):
            if unit_changed[start]:
                start += 1
                continue
            end = start
            while end < len(unit_changed) and not unit_changed[end]:
                end += 1
            hide_from = start + (context if start > 0 else 0)
            hide_to = end - (context if end < len(unit_changed) else 0)
            if hide_to - hide_from >= 2:  # folding a single block saves nothing
                fold_of_unit[hide_from:hide_to] = [len(sizes)] * (hide_to - hide_from)
                sizes.append(hide_to - hide_from)
            start = end
    return [fold_of_unit[unit] for unit in unit_of], sizes


def _fold(count: int, content: list[str]) -> str:
    """Unchanged blocks behind a ``<details>``, which opens without JavaScript."""
    summary = _FOLD_SUMMARY_ONE if count == 1 else _FOLD_SUMMARY.format(count=count)
    return f'<details class="pa-fold"><summary>{summary}</summary>\n' + "\n".join(content) + "\n</details>"


def _sections(entries: Sequence[_Entry], anchors: Mapping[int, str]) -> list[ChangedSection]:
    """Each heading's section that has a change, with the first change's anchor."""
    sections: list[ChangedSection] = []
    title = ""
    listed = False
    for entry in entries:
        block = entry.block
        if block.kind == "heading":
            title = _plain_text(_tokenize(block.kind, block.text))
            listed = False
        anchor = anchors.get(id(entry))
        if anchor and not listed:
            sections.append(ChangedSection(title=title, anchor=anchor))
            listed = True
    return sections


# --------------------------------------------------------------------------- public API


def diff_stats(old: str, new: str) -> DiffStats:
    """Count the changes between two versions without rendering anything.

    Cheap enough for every consecutive pair of a long history (archive lists show it).
    """
    return _stats(_align(old, new))


def diff_documents(
    old: str,
    new: str,
    *,
    extensions: Sequence[str] = (),
    extension_configs: Mapping[str, Any] | None = None,
    fold_context: int | None = None,
) -> DocumentDiff:
    """Render ``new`` as a page with the changes since ``old`` marked inside it.

    ``extensions``/``extension_configs`` are the site's Python-Markdown settings, so
    the diff renders like the page.  With ``fold_context=None`` every block is shown;
    with an int, runs of unchanged blocks longer than ``2 * fold_context + 1`` are
    folded into ``<details class="pa-fold">``, keeping ``fold_context`` blocks of
    context next to each change ("changes only" mode that works without JavaScript).
    """
    entries = _align(old, new)
    folds, fold_sizes = _folds(entries, fold_context)
    chunks = _chunks(entries, folds)
    anchors = _anchors(chunks)
    rendered = BlockRenderer(extensions, extension_configs).pieces(
        [_chunk_markdown(chunk, "inline", anchors) for chunk in chunks],
        standalone=standalone(old + "\n\n" + new),
    )
    parts: list[str] = []
    folded: list[str] = []
    for index, (chunk, piece) in enumerate(zip(chunks, rendered, strict=True)):
        html_piece = _decorate(chunk, "inline", piece, anchors)
        if chunk.fold is None:
            parts.append(html_piece)
            continue
        folded.append(html_piece)
        if index + 1 == len(chunks) or chunks[index + 1].fold != chunk.fold:
            parts.append(_fold(fold_sizes[chunk.fold], folded))
            folded = []
    return DocumentDiff(
        stats=_stats(entries),
        sections=_sections(entries, anchors),
        html='<div class="pa-diff pa-diff--inline">\n' + "\n".join(filter(None, parts)) + "\n</div>",
        changes=len(anchors),
    )


def side_by_side_html(
    old: str,
    new: str,
    *,
    extensions: Sequence[str] = (),
    extension_configs: Mapping[str, Any] | None = None,
    old_label: str = "Before",
    new_label: str = "After",
) -> str:
    """Render both versions in two columns, aligned block by block.

    Deletions are marked in the left column, insertions in the right.  A row holds
    one block, or a whole list or table (so each column stays valid HTML); a run of
    removed blocks shares a row with the run of added blocks that replaced it.  The
    columns carry no change anchors, heading ids or permalinks to them, so this view
    can share a page with the inline view without duplicate ids.  The column headings are
    ``old_label``/``new_label`` (plain text, e.g. the versions' dates).
    """
    entries = _align(old, new)
    chunks = _chunks(entries, [None] * len(entries))
    renderer = BlockRenderer(extensions, extension_configs)
    alone = standalone(old + "\n\n" + new)
    columns = {
        side: [
            _HEADERLINK_RE.sub("", _HEADING_ID_RE.sub(r"\1", _decorate(chunk, side, piece, {})))
            for chunk, piece in zip(
                chunks,
                renderer.pieces([_chunk_markdown(chunk, side, {}) for chunk in chunks], standalone=alone),
                strict=True,
            )
        ]
        for side in ("old", "new")
    }
    # A row per chunk, except that a run of removed blocks shares its row with the
    # run of added blocks that follows it (a replacement reads best side by side).
    rows: list[list[int]] = []
    row_states: list[str] = []
    for index, chunk in enumerate(chunks):
        statuses = {entry.status for entry in chunk.entries}
        state = statuses.pop() if len(statuses) == 1 else "changed"
        if rows and (row_states[-1], state) in _SHARED_ROW_STATES:
            rows[-1].append(index)
            row_states[-1] = state
        else:
            rows.append([index])
            row_states.append(state)
    body = []
    for indexes, row_state in zip(rows, row_states, strict=True):
        cells = "".join(
            f'<td class="pa-sbs__{side}">'
            + "\n".join(filter(None, (columns[side][i] for i in indexes)))
            + "</td>"
            for side in ("old", "new")
        )
        row_class = "equal" if row_state == "equal" else "changed"
        body.append(f'<tr class="pa-sbs__row pa-sbs__row--{row_class}">{cells}</tr>')
    headings = "".join(f'<th scope="col">{html.escape(label)}</th>' for label in (old_label, new_label))
    return (
        '<div class="pa-diff pa-diff--side-by-side">\n<table class="pa-sbs">\n'
        f"<thead><tr>{headings}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>\n</div>"
    )


def unified_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    """The Markdown source change as a unified diff, for readers who want the exact text."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm=""
    )
    text = "\n".join(lines)
    return text + "\n" if text else ""
