"""Split a Markdown file into its YAML front matter and its body."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import yaml

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps dates as written, so an impossible date becomes a message, not a crash."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


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
        meta = yaml.load(match.group(1) or "", Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(f"front matter is not valid YAML{where}: {problem}") from None
    if meta is None:
        return {}, body
    if not isinstance(meta, dict):
        raise FrontMatterError(
            f"front matter must be a YAML mapping of keys to values, not {type(meta).__name__}"
        )
    return meta, body


def as_date(value: object) -> date | None:
    """A YAML date, or an ISO string of one; None when it is neither."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def check_keys(meta: dict[str, Any], schema: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Keep the keys of `schema` whose values have the expected kind ("date", "text" or "url").

    Returns the valid values and one message per bad key, saying what was expected. Other keys are left alone:
    themes and other plugins read front matter too.
    """
    valid: dict[str, Any] = {}
    errors = []
    for key, kind in schema.items():
        if key not in meta or meta[key] is None:
            continue
        value = meta[key]
        if kind == "date":
            checked: object = as_date(value)
            expected = "a date written as YYYY-MM-DD, such as 2024-01-31"
        elif kind == "url":
            checked = value if isinstance(value, str) and value.startswith(("http://", "https://")) else None
            expected = "an http(s) URL"
        else:
            checked = value.strip() if isinstance(value, str) and value.strip() else None
            expected = "a line of text"
        if checked is None:
            errors.append(f"front matter key '{key}': expected {expected}, got {value!r}")
        else:
            valid[key] = checked
    return valid, errors
