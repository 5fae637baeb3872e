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

    def site_locale(self, theme: Any) -> str:
        """This option if set, else the theme's language (Material's `language`, MkDocs' `locale`)."""
        if self.locale:
            return self.locale
        language = theme.get("language") or theme.get("locale")
        return str(language) if language else "en"
