"""The plugin's options in mkdocs.yml, each checked before the build starts."""

from __future__ import annotations

import re
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c

from .dates import DateFormatter


class _TimeZone(c.Type):
    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        value = super().run_validation(value)
        try:
            DateFormatter(time_zone=value)
        except ValueError as error:
            raise base.ValidationError(str(error)) from None
        return value


class _Locale(c.Type):
    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        value = super().run_validation(value)
        try:
            DateFormatter(locale=value)
        except ValueError as error:
            raise base.ValidationError(str(error)) from None
        return value


class _UrlSegment(c.Type):
    _SAFE = re.compile(r"^[a-z0-9][a-z0-9._-]*$", re.IGNORECASE)

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        value = super().run_validation(value)
        if not self._SAFE.match(value):
            raise base.ValidationError(
                f"expected one URL path segment of letters, digits, '.', '_' or '-' (such as 'archive'), "
                f"got {value!r}"
            )
        return value


EFFECTIVE_IN_TEXT = (
    r"(?i)\b(?:effective(?:\s+date)?|last\s+(?:updated|modified|revised))\b[\s*_:]*(?:on\s+|as\s+of\s+)?"
    r"(?P<date>\d{4}-\d{2}-\d{2}|[^\W\d_]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\.?\s+[^\W\d_]+\.?,?\s+\d{4})"
)
"""A pattern for the usual ways policies state their date in the text: 'Effective: January 1, 2026'."""


class _Pattern(c.BaseConfigOption[re.Pattern[str]]):
    def run_validation(self, value: object) -> re.Pattern[str]:
        if value is True:
            value = EFFECTIVE_IN_TEXT
        if not isinstance(value, str):
            raise base.ValidationError(f"expected true or a regular expression, got {value!r}")
        try:
            pattern = re.compile(value, re.MULTILINE)
        except re.error as error:
            raise base.ValidationError(f"not a valid regular expression: {error}") from None
        if "date" not in pattern.groupindex and pattern.groups == 0:
            raise base.ValidationError("the pattern needs a group around the date, such as (?P<date>...)")
        return pattern


class PolicyArchiveConfig(base.Config):
    policies = c.ListOfItems(c.Type(str), default=["*.md", "!index.md", "!README.md"])
    """Which Markdown files under `docs_dir` are policies, as gitignore-style patterns (`!` excludes).

    The default takes every page except index pages."""

    time_zone = _TimeZone(default="UTC")
    """The IANA time zone in which commit times become the dates readers see (and permalinks use)."""

    locale = c.Optional(_Locale())
    """The language dates are written in, such as `en` or `de_CH`; defaults to the theme's `language`."""

    archive_segment = _UrlSegment(default="archive")
    """The URL segment under each policy where its versions live: `privacy/<segment>/2024-01-31/`."""

    publish_raw = c.Type(bool, default=True)
    """Publish each revision's Markdown, byte for byte as git holds it, at `<segment>/raw/<date>.md`."""

    effective_pattern = c.Optional(_Pattern())
    """Find a policy's effective date in its text when its front matter has none: `true` for the usual
    'Effective: January 1, 2026' or 'Last updated 1 December 2025', or a regular expression with the date in a
    group named `date`. Unset, only front matter counts."""

    snapshots_dir = c.Type(str, default="archive")
    """The folder, next to mkdocs.yml, of snapshots from before git: `<folder>/<policy>/<YYYY-MM-DD>.md`."""

    publish_withdrawn = c.Type(bool, default=True)
    """Keep publishing a policy deleted from `docs_dir`, marked withdrawn, with its archive."""

    check_since = c.Optional(c.Type(str))
    """A commit (such as `a1b2c3d` or a tag): problems found in it and in older commits are noted instead of
    warned about, so that `mkdocs build --strict` passes. A past commit cannot be fixed without rewriting the
    history readers rely on; `policy-archive check --since` does the same for the command line."""

    publish_drafts = c.Type(bool, default=False)
    """Publish uncommitted edits of policies as an unpublished draft in their archive. `mkdocs serve` always
    shows drafts to the writer; `mkdocs build` leaves them out unless this is on."""

    cache_dir = c.Type(str, default=".cache/policy-archive")
    """Where computed diffs are kept between builds, relative to mkdocs.yml; safe to delete at any time.
    An empty string keeps nothing on disk."""

    def site_locale(self, theme: Any) -> str:
        """This option if set, else the theme's language (Material's `language`, MkDocs' `locale`)."""
        if self.locale:
            return self.locale
        language = theme.get("language") or theme.get("locale")
        return str(language) if language else "en"
