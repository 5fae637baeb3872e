"""The version model: from the raw revisions of a policy to the dated versions readers browse."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .dates import DateFormatter
from .frontmatter import FrontMatterError, split_front_matter
from .gitlog import FileHistory, Revision

_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


@dataclass(frozen=True)
class PublishedRevision:
    """One text of a policy exactly as it was committed, with a permanent slug for its raw Markdown."""

    slug: str
    revision: Revision
    text: str
    """The bytes decoded as UTF-8; invalid bytes become U+FFFD so the page can still be shown."""
    body: str
    """The text without its front matter."""
    meta: dict[str, Any]

    @property
    def published_at(self) -> datetime:
        return self.revision.committed_at


@dataclass(frozen=True)
class Version:
    """A text that was in force from `starts` until `ends` (the next version's start, if any)."""

    slug: str
    number: int
    revisions: tuple[PublishedRevision, ...]
    starts: date
    ends: date | None

    @property
    def latest(self) -> PublishedRevision:
        """The text a reader of this version sees: its newest revision."""
        return self.revisions[-1]


@dataclass
class Policy:
    """A policy page and its whole published timeline, oldest version first."""

    path: str
    title: str
    versions: list[Version]
    problems: list[str] = field(default_factory=list)
    """What the build should warn about, each naming the file, the commit and the fix."""

    @property
    def current(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def stem(self) -> str:
        """The path without `.md`, under which the policy's archive lives."""
        return self.path[: -len(".md")] if self.path.endswith(".md") else self.path


def build_policy(path: str, history: FileHistory | None, dates: DateFormatter) -> Policy:
    """Turn a file's git history into its timeline of versions."""
    problems: list[str] = []
    published = _publish(path, history.revisions if history else [], dates, problems)
    versions = _versions(published, dates)
    title = _title(published[-1], path) if published else _title_from_path(path)
    return Policy(path=path, title=title, versions=versions, problems=problems)


def _publish(
    path: str, revisions: list[Revision], dates: DateFormatter, problems: list[str]
) -> list[PublishedRevision]:
    taken: set[str] = set()
    published = []
    for revision in revisions:
        where = f"{path} at commit {revision.commit[:12]} ({dates.iso(revision.committed_at)})"
        try:
            text = revision.content.decode("utf-8")
        except UnicodeDecodeError as error:
            text = revision.content.decode("utf-8", errors="replace")
            problems.append(
                f"{where} is not valid UTF-8 (byte {error.start}): its raw Markdown is published byte for "
                "byte and its page shows \ufffd where the bytes could not be read. Re-save the file as UTF-8 "
                "in a new commit to fix the current version."
            )
        text = text.removeprefix("\ufeff")
        try:
            meta, body = split_front_matter(text)
        except FrontMatterError as error:
            problems.append(f"{where}: {error}. The revision is published with its front matter as text.")
            meta, body = {}, text
        slug = unique_slug(dates.iso(revision.committed_at), taken)
        published.append(PublishedRevision(slug=slug, revision=revision, text=text, body=body, meta=meta))
    return published


def _versions(published: list[PublishedRevision], dates: DateFormatter) -> list[Version]:
    starts = [dates.day(revision.published_at) for revision in published]
    return [
        Version(
            slug=revision.slug,
            number=number,
            revisions=(revision,),
            starts=starts[number - 1],
            ends=starts[number] if number < len(starts) else None,
        )
        for number, revision in enumerate(published, start=1)
    ]


def unique_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`… when taken; records the result.

    Slugs are handed out oldest first, so a later commit never changes an earlier one's slug.
    """
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _title(revision: PublishedRevision, path: str) -> str:
    title = revision.meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    heading = _HEADING.search(revision.body)
    return heading.group(1).strip() if heading else _title_from_path(path)


def _title_from_path(path: str) -> str:
    name = path.rsplit("/", 1)[-1].removesuffix(".md")
    return name.replace("-", " ").replace("_", " ").strip().capitalize() or path
