"""Split a Markdown file into its YAML front matter and its body."""

from __future__ import annotations

import re
from typing import Any

import yaml

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class FrontMatterError(ValueError):
    """The front matter is not a YAML mapping; the message says what the parser saw."""


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (front matter, body); a file without front matter has an empty mapping.

    Raises FrontMatterError when a front matter block is there but is not a YAML mapping.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    body = text[match.end() :]
    try:
        meta = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(f"front matter is not valid YAML{where}: {problem}") from None
    if meta is None:
        return {}, body
    if not isinstance(meta, dict):
        raise FrontMatterError(f"front matter must be a YAML mapping of keys to values, not {type(meta).__name__}")
    return meta, body
