"""The version model: from the raw revisions of a policy to the versions readers and the law care about.

A commit is not a version. A version is a distinct effective date; commits that keep the effective date are
editorial revisions of it. A revision without an effective date is its own version, dated by its commit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import babel.dates

from .dates import DateFormatter
from .frontmatter import FrontMatterError, check_keys, split_front_matter
from .gitlog import FileHistory, Revision
from .snapshots import Snapshot

_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
POLICY_KEYS = {"effective": "date", "changes": "text", "title": "text"}
SNAPSHOT_KEYS = {**POLICY_KEYS, "source": "url", "captured": "date", "note": "text"}


@dataclass(frozen=True)
class Draft:
    """A policy's uncommitted text in the working tree, shown to its writer before anyone else sees it."""

    path: str
    content: bytes


DRAFT_SLUG = "draft"


@dataclass(frozen=True)
class PublishedRevision:
    """One text of a policy exactly as it was committed or captured, with a permanent slug for its raw form."""

    slug: str
    origin: Revision | Snapshot | Draft
    text: str
    """The bytes decoded as UTF-8; invalid bytes become U+FFFD so the page can still be shown."""
    body: str
    """The text without its front matter."""
    meta: dict[str, Any]
    """The front matter keys this project reads, validated."""
    day: date
    """The day it was committed (in the site's time zone) or captured."""
    encodes_content: bool = False
    """Whether `text` encoded as UTF-8 gives the bytes back exactly; the origin then keeps no copy of them."""

    @property
    def content(self) -> bytes:
        """The bytes as git (or the snapshot file) holds them."""
        return self.text.encode("utf-8") if self.encodes_content else self.origin.content

    @property
    def snapshot(self) -> Snapshot | None:
        return self.origin if isinstance(self.origin, Snapshot) else None

    @property
    def commit(self) -> str | None:
        return self.origin.commit if isinstance(self.origin, Revision) else None

    @property
    def draft(self) -> bool:
        return isinstance(self.origin, Draft)

    @property
    def source_path(self) -> str:
        """Where the text's relative links pointed from: the policy's path at that time."""
        return self.origin.policy if isinstance(self.origin, Snapshot) else self.origin.path

    @property
    def subject(self) -> str:
        if isinstance(self.origin, Revision):
            return self.origin.subject
        if isinstance(self.origin, Draft):
            return "Uncommitted changes in the working tree"
        return self.meta.get("note") or f"Snapshot captured {self.capture_source or 'before the repository'}"

    @property
    def capture_source(self) -> str | None:
        """Who captured a snapshot, from its source URL: 'the Wayback Machine', or the site's host."""
        source = self.meta.get("source")
        if not source:
            return None
        host = urlsplit(source).hostname or source
        return "the Wayback Machine" if host.endswith("archive.org") else host


@dataclass(frozen=True)
class Version:
    """A text in force from `starts` until `ends` (the next version's start), with its editorial revisions."""

    slug: str
    number: int
    revisions: tuple[PublishedRevision, ...]
    starts: date
    ends: date | None
    effective: bool
    """Whether `starts` is a stated effective date rather than the day of the commit."""
    upcoming: bool
    """Takes effect after the build date: announced, not yet in force."""
    draft: bool = False
    """Not committed yet: shown only to the writer previewing the site."""

    @property
    def latest(self) -> PublishedRevision:
        """The text a reader of this version sees: its newest revision."""
        return self.revisions[-1]

    @property
    def changes(self) -> str | None:
        """The writer's note on what this version changed."""
        note = self.latest.meta.get("changes")
        return note if isinstance(note, str) else None

    @property
    def last_updated(self) -> date:
        return self.latest.day


@dataclass
class Policy:
    """A policy page and its whole published timeline, oldest version first."""

    path: str
    title: str
    versions: list[Version]
    problems: list[str] = field(default_factory=list)
    """What the build should warn about, each naming the file, the commit and the fix."""
    former_paths: list[str] = field(default_factory=list)
    withdrawn_on: date | None = None
    """The day the policy was removed from the docs, if it was."""

    @property
    def current(self) -> Version | None:
        """The version in force on the build date (the newest one not upcoming)."""
        in_force = [version for version in self.versions if not (version.upcoming or version.draft)]
        return in_force[-1] if in_force else None

    @property
    def upcoming(self) -> list[Version]:
        return [version for version in self.versions if version.upcoming]

    @property
    def stem(self) -> str:
        """The path without `.md`, under which the policy's archive lives."""
        return stem(self.path)


def stem(path: str) -> str:
    return path[: -len(".md")] if path.endswith(".md") else path


def build_policy(
    path: str,
    history: FileHistory | None,
    dates: DateFormatter,
    *,
    today: date,
    snapshots: Sequence[Snapshot] = (),
    effective_pattern: re.Pattern[str] | None = None,
    draft: Draft | None = None,
) -> Policy:
    """Turn a file's git history and snapshots into its timeline of versions as of `today`.

    A `draft` (the working tree's text, when it differs from the last commit) comes last, as its own version.
    """
    problems: list[str] = []
    reader = _RevisionReader(path, dates, effective_pattern, problems)
    taken: set[str] = set()
    # Git revisions take their slugs first, so importing an old snapshot later never renames one of them.
    committed = [reader.revision(revision, taken) for revision in (history.revisions if history else [])]
    captured = [reader.snapshot(snapshot, taken) for snapshot in snapshots]
    timeline = _merge(captured, committed)
    removals = [dates.day(moment) for moment in history.removals] if history else []
    versions = _versions(timeline, today, removals, problems)
    if draft is not None:
        versions.append(_draft_version(reader.draft(draft, today), len(versions) + 1, today))
    title = _title(timeline[-1], path) if timeline else _title_from_path(path)
    policy = Policy(path=path, title=title, versions=versions, problems=problems)
    if history:
        policy.former_paths = history.former_paths
        policy.withdrawn_on = dates.day(history.deleted_at) if history.deleted_at else None
    return policy


def _merge(captured: list[PublishedRevision], committed: list[PublishedRevision]) -> list[PublishedRevision]:
    """Snapshots go before the first commit made after their day; commits keep git's order."""
    timeline: list[PublishedRevision] = []
    pending = sorted(captured, key=lambda revision: revision.day)
    for revision in committed:
        while pending and pending[0].day <= revision.day:
            timeline.append(pending.pop(0))
        timeline.append(revision)
    return timeline + pending


@dataclass
class _RevisionReader:
    path: str
    dates: DateFormatter
    effective_pattern: re.Pattern[str] | None
    problems: list[str]

    def revision(self, revision: Revision, taken: set[str]) -> PublishedRevision:
        day = self.dates.day(revision.committed_at)
        where = f"{self.path} at commit {revision.commit[:12]} ({day.isoformat()})"
        return self._read(revision, where, day, POLICY_KEYS, taken)

    def snapshot(self, snapshot: Snapshot, taken: set[str]) -> PublishedRevision:
        return self._read(snapshot, snapshot.file, snapshot.day, SNAPSHOT_KEYS, taken)

    def draft(self, draft: Draft, today: date) -> PublishedRevision:
        return self._read(draft, f"{self.path} (uncommitted)", today, POLICY_KEYS, set())

    def _read(
        self,
        origin: Revision | Snapshot | Draft,
        where: str,
        day: date,
        schema: dict[str, str],
        taken: set[str],
    ) -> PublishedRevision:
        try:
            text = origin.content.decode("utf-8")
        except UnicodeDecodeError as error:
            text = origin.content.decode("utf-8", errors="replace")
            self.problems.append(
                f"{where} is not valid UTF-8 (byte {error.start}): its raw Markdown is published byte for "
                "byte and its page shows \ufffd where the bytes could not be read. Re-save the file as UTF-8 "
                "in a new commit to fix the current version."
            )
        text = text.removeprefix("\ufeff")
        try:
            raw_meta, body = split_front_matter(text)
        except FrontMatterError as error:
            self.problems.append(f"{where}: {error}. The text is published with its front matter as text.")
            raw_meta, body = {}, text
        meta, errors = check_keys(raw_meta, schema)
        for error in errors:
            fallback = (
                " The commit date is used instead."
                if error.startswith("front matter key 'effective'")
                else ""
            )
            self.problems.append(f"{where}: {error}.{fallback}")
        if "effective" not in meta and self.effective_pattern is not None:
            meta["effective"] = self._effective_from_text(body, where)
        if meta.get("effective") is None:
            meta.pop("effective", None)
        slug = DRAFT_SLUG if isinstance(origin, Draft) else unique_slug(day.isoformat(), taken)
        # A long history holds every text; most are valid UTF-8 and need no second copy as bytes.
        encodes_content = text.encode("utf-8") == origin.content
        if encodes_content:
            origin = replace(origin, content=b"")
        return PublishedRevision(
            slug=slug,
            origin=origin,
            text=text,
            body=body,
            meta=meta,
            day=day,
            encodes_content=encodes_content,
        )

    def _effective_from_text(self, body: str, where: str) -> date | None:
        assert self.effective_pattern is not None
        match = self.effective_pattern.search(body)
        if not match:
            return None
        written = match.group("date") if "date" in self.effective_pattern.groupindex else match.group(1)
        day = parse_written_date(written, self.dates)
        if day is None:
            self.problems.append(
                f"{where}: the effective date {written!r} found in the text is not a date this site can read; "
                "write it like 'January 1, 2026', '1 January 2026' or 2026-01-01. The commit date is used instead."
            )
        return day


_PROBLEM_COMMIT = re.compile(r" at commit ([0-9a-f]{12})\b")


def problem_commit(problem: str) -> str | None:
    """The (abbreviated) commit a problem found in a policy's history is about, if it is about one."""
    found = _PROBLEM_COMMIT.search(problem)
    return found[1] if found else None


def parse_written_date(written: str, dates: DateFormatter) -> date | None:
    """A date as policies write it in their text, in the site's language or in English."""
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", written.strip().rstrip("."))
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    for locale in dict.fromkeys([str(dates.locale), "en"]):
        months = {
            name.casefold(): number
            for width in ("wide", "abbreviated")
            for number, name in babel.dates.get_month_names(width, locale=locale).items()
        }
        numbers = re.findall(r"\d+", cleaned)
        words = [w.casefold().rstrip(".") for w in re.findall(r"[^\W\d_]+\.?", cleaned)]
        month = next((months[w] for w in words if w in months), None)
        if month and len(numbers) == 2:
            day_text, year_text = sorted(numbers, key=len)
            try:
                return date(int(year_text), month, int(day_text))
            except ValueError:
                return None
    return None


def _versions(
    timeline: list[PublishedRevision], today: date, removals: list[date], problems: list[str]
) -> list[Version]:
    groups: list[list[PublishedRevision]] = []
    for revision in timeline:
        effective = revision.meta.get("effective")
        if groups and effective is not None and groups[-1][-1].meta.get("effective") == effective:
            groups[-1].append(revision)
        else:
            groups.append([revision])
    starts, named = _starts(groups, today, problems)
    # Versions made from commits claim their slugs before those made only from snapshots (see build_policy).
    taken: set[str] = set()
    slugs: dict[int, str] = {}
    for number in sorted(range(len(groups)), key=lambda n: groups[n][0].snapshot is not None):
        slugs[number] = unique_slug(named[number].isoformat(), taken)
    versions = []
    for number, group in enumerate(groups):
        stated = group[0].meta.get("effective") is not None
        following = starts[number + 1] if number + 1 < len(groups) else None
        # A removal between this version and the next (the file was deleted, then re-created) ends it early.
        gap = [day for day in removals if group[-1].day <= day and (following is None or day < following)]
        ends = gap[0] if gap and following is not None else following
        versions.append(
            Version(
                slug=slugs[number],
                number=number + 1,
                revisions=tuple(group),
                starts=starts[number],
                ends=ends,
                effective=stated,
                upcoming=stated and starts[number] > today,
            )
        )
    return versions


def _starts(
    groups: list[list[PublishedRevision]], today: date, problems: list[str]
) -> tuple[list[date], list[date]]:
    """When each version took effect, and the day its permalink is named after.

    A version starts on its stated effective date, else the day of its first commit. Only a stated date may lie
    ahead or go back in time. A commit dated before the one it follows, or after the build, says more about a
    clock than about the policy: its version starts with the one before it (or today). A permalink must not
    change with the build date, so a commit dated ahead keeps its own day in its name."""
    starts: list[date] = []
    named: list[date] = []
    last_commit_day: date | None = None
    for group in groups:
        first = group[0]
        stated = first.meta.get("effective")
        if stated is not None:
            starts.append(stated)
            named.append(stated)
            continue
        day = first.day
        if first.commit and last_commit_day is not None and day < last_commit_day:
            problems.append(
                f"{first.source_path} at commit {first.commit[:12]}: the commit is dated {day.isoformat()}, before "
                f"the commit it follows ({last_commit_day.isoformat()}), so its version is dated "
                f"{last_commit_day.isoformat()}. Check the clock of the machine that made it, or state `effective:`."
            )
            day = last_commit_day
        named.append(day)
        if first.commit and day > today:
            problems.append(
                f"{first.source_path} at commit {first.commit[:12]}: the commit is dated {day.isoformat()}, in the "
                f"future (the build date is {today.isoformat()}); it is treated as in force from today. To announce "
                "a version ahead of time, state its date as `effective:` in the front matter."
            )
            day = today
        if first.commit:
            last_commit_day = day
        starts.append(day)
    return starts, named


def _draft_version(revision: PublishedRevision, number: int, today: date) -> Version:
    effective = revision.meta.get("effective")
    return Version(
        slug=DRAFT_SLUG,
        number=number,
        revisions=(revision,),
        starts=effective or today,
        ends=None,
        effective=effective is not None,
        upcoming=False,
        draft=True,
    )


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


def build_date(source_date_epoch: str | None, dates: DateFormatter) -> date:
    """The day of the build: SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    if source_date_epoch:
        try:
            return dates.day(datetime.fromtimestamp(int(source_date_epoch), tz=dates.zone))
        except ValueError:
            raise ValueError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {source_date_epoch!r}"
            ) from None
    return dates.day(datetime.now(tz=dates.zone))


def _title(revision: PublishedRevision, path: str) -> str:
    title = revision.meta.get("title")
    if title:
        return str(title)
    heading = _HEADING.search(revision.body)
    return heading.group(1).strip() if heading else _title_from_path(path)


def _title_from_path(path: str) -> str:
    name = path.rsplit("/", 1)[-1].removesuffix(".md")
    return name.replace("-", " ").replace("_", " ").strip().capitalize() or path
