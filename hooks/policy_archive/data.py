"""The archive as data: `versions.json` per policy, `policies.json` for the site, a unified diff per change.

The formats are documented by the JSON Schemas in `schema/` (`versions.schema.json`, `policies.schema.json`).
Nothing here imports MkDocs: pages are given as source paths, which a `url` callable turns into URLs relative
to the site's root (see `directory_url` for MkDocs' rule). URLs in the data are absolute when `site_url` is
given, else relative to the site's root (starting with `/`).

Where the files go, relative to the docs folder:

- `<policy>/<segment>/versions.json` (`versions_file`)
- `policies.json` (`POLICIES_FILE`)
- `<policy>/<segment>/raw/<version slug>.diff`, the unified diff of the raw Markdown from the previous version
  to this one (`unified_diff_file`; only when raw Markdown is published)
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache, partial
from importlib import resources
from typing import Any
from urllib.parse import urljoin

from . import feeds
from .dates import DateFormatter
from .diff import DiffStats, diff_stats, unified_diff
from .pages import Layout
from .versions import Policy, PublishedRevision, Version

Url = Callable[[str], str]
StatsFunction = Callable[[str, str], DiffStats]
UnifiedDiffFunction = Callable[[str, str, str, str], str]
"""(old text, new text, old label, new label) → the unified diff."""
"""Maps a source path (relative to the docs folder) to its URL relative to the site's root."""

FORMAT = 1
"""The version of the data format; it changes only when a change could break a reader."""

POLICIES_FILE = "policies.json"


def versions_file(policy: Policy, layout: Layout) -> str:
    """Where a policy's `versions.json` is published: `privacy/archive/versions.json`."""
    return f"{layout.archive_dir(policy)}/versions.json"


def unified_diff_file(policy: Policy, layout: Layout, version: Version) -> str | None:
    """Where the unified diff from the previous version to `version` is published, if it is."""
    return layout.unified_diff_file(policy, version) if version.number > 1 else None


def version_unified_diff(
    policy: Policy, layout: Layout, version: Version, compute: UnifiedDiffFunction = unified_diff
) -> str:
    """The unified diff of the raw Markdown, from the previous version's text to this version's."""
    previous = policy.versions[version.number - 2].latest if version.number > 1 else None
    return compute(
        previous.text if previous else "",
        version.latest.text,
        _label(policy, layout, previous) if previous else "/dev/null",
        _label(policy, layout, version.latest),
    )


def revision_diffs(policy: Policy) -> list[tuple[PublishedRevision, PublishedRevision]]:
    """Each revision with the one before it, oldest first: every change a commit or snapshot made."""
    revisions = [revision for version in policy.versions for revision in version.revisions]
    return list(itertools.pairwise(revisions))


def revision_unified_diff(
    policy: Policy,
    layout: Layout,
    old: PublishedRevision,
    new: PublishedRevision,
    compute: UnifiedDiffFunction = unified_diff,
) -> str:
    """The unified diff of the raw Markdown from one revision to the next."""
    return compute(old.text, new.text, _label(policy, layout, old), _label(policy, layout, new))


def _label(policy: Policy, layout: Layout, revision: PublishedRevision) -> str:
    return layout.raw_file(policy, revision) or f"{policy.path}@{revision.slug}"


def git_blob_id(content: bytes) -> str:
    """The id git gives these bytes as a blob (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def directory_url(src_path: str, use_directory_urls: bool = True) -> str:
    """The URL MkDocs gives a source path, relative to the site's root, without MkDocs.

    `privacy/archive/2024-01-15.md` → `privacy/archive/2024-01-15/`; `privacy/archive/index.md` →
    `privacy/archive/`; other files keep their path.
    """
    if not src_path.endswith(".md"):
        return src_path
    stem = src_path[: -len(".md")]
    parent, _, name = stem.rpartition("/")
    folder = f"{parent}/" if parent else ""
    if name in ("index", "README"):
        return f"{folder}index.html" if not use_directory_urls else folder or "./"
    return f"{stem}.html" if not use_directory_urls else f"{stem}/"


def status(policy: Policy, version: Version) -> str:
    """`upcoming`, `current` (in force today), or `past`."""
    if version.upcoming:
        return "upcoming"
    if version is policy.current and not policy.withdrawn_on:
        return "current"
    return "past"


def versions_json(
    policy: Policy,
    layout: Layout,
    url: Url,
    dates: DateFormatter,
    *,
    site_url: str | None = None,
    diff_path: feeds.DiffPage | None = None,
    count: StatsFunction = diff_stats,
) -> dict[str, Any]:
    """Every version of `policy` and every revision of each, as documented by `versions.schema.json`.

    `count` measures a change (the site passes a cached one)."""
    link = _Linker(url, site_url)
    stats = _Stats(count)
    versions = []
    previous_revision: PublishedRevision | None = None
    for version in policy.versions:
        revisions = []
        for revision in version.revisions:
            diff_file = layout.revision_diff_file(policy, revision) if previous_revision else None
            words = stats.between(previous_revision, revision)
            revisions.append(_revision(policy, layout, link, dates, revision, words, diff_file))
            previous_revision = revision
        previous = policy.versions[version.number - 2].latest if version.number > 1 else None
        added, removed = stats.between(previous, version.latest)
        diff = diff_path(policy, version) if diff_path else feeds.diff_page(policy, version, layout)
        versions.append(
            {
                "slug": version.slug,
                "number": version.number,
                "status": status(policy, version),
                "effective": version.starts.isoformat(),
                "effective_stated": version.effective,
                "starts": version.starts.isoformat(),
                "ends": _iso(
                    version.ends or (policy.withdrawn_on if version is policy.versions[-1] else None)
                ),
                "changes": version.changes,
                "last_updated": version.last_updated.isoformat(),
                "words_added": added,
                "words_removed": removed,
                "url": link(layout.version_page(policy, version)),
                "raw_url": link(layout.raw_file(policy, version.latest)),
                "diff_url": link(diff),
                "unified_diff_url": link(unified_diff_file(policy, layout, version)),
                "revisions": revisions,
            }
        )
    current = policy.current if not policy.withdrawn_on else None
    return {
        "format": FORMAT,
        "policy": _policy_info(policy, layout, link),
        "current": current.slug if current else None,
        "upcoming": [version.slug for version in policy.upcoming],
        "versions": versions,
    }


def _revision(
    policy: Policy,
    layout: Layout,
    link: _Linker,
    dates: DateFormatter,
    revision: PublishedRevision,
    words: tuple[int | None, int | None],
    diff_file: str | None,
) -> dict[str, Any]:
    snapshot = revision.snapshot
    commit = revision.origin if revision.commit else None
    return {
        "slug": revision.slug,
        "kind": "snapshot" if snapshot else "commit",
        "day": revision.day.isoformat(),
        "commit": revision.commit,
        "committed_at": commit.committed_at.astimezone(dates.zone).isoformat() if commit else None,  # type: ignore[union-attr]
        "path": revision.source_path,
        "subject": revision.subject,
        "effective": _iso(revision.meta.get("effective")),
        "changes": revision.meta.get("changes"),
        "blob": commit.blob if commit else git_blob_id(revision.content),  # type: ignore[union-attr]
        "sha256": hashlib.sha256(revision.content).hexdigest(),
        "size": len(revision.content),
        "words_added": words[0],
        "words_removed": words[1],
        "raw_url": link(layout.raw_file(policy, revision)),
        "unified_diff_url": link(diff_file),
        "snapshot": (
            {
                "file": snapshot.file,
                "source": revision.meta.get("source"),
                "captured": _iso(revision.meta.get("captured", snapshot.day)),
                "capture_source": revision.capture_source,
                "note": revision.meta.get("note"),
            }
            if snapshot
            else None
        ),
    }


def policies_json(
    policies: Iterable[Policy],
    layout: Layout,
    url: Url,
    dates: DateFormatter,
    *,
    site_url: str | None = None,
) -> dict[str, Any]:
    """The site's policies, their current and upcoming versions, as documented by `policies.schema.json`."""
    link = _Linker(url, site_url)
    listed = []
    for policy in sorted(policies, key=lambda p: p.path):
        current = policy.current if not policy.withdrawn_on else None
        listed.append(
            {
                **_policy_info(policy, layout, link),
                "versions": len(policy.versions),
                "current": _version_summary(policy, layout, link, current) if current else None,
                "upcoming": [_version_summary(policy, layout, link, version) for version in policy.upcoming],
            }
        )
    return {"format": FORMAT, "feed_url": link.absolute(feeds.SITE_FEED), "policies": listed}


def _policy_info(policy: Policy, layout: Layout, link: _Linker) -> dict[str, Any]:
    return {
        "path": policy.path,
        "title": policy.title,
        "former_paths": list(policy.former_paths),
        "withdrawn": _iso(policy.withdrawn_on),
        "url": link(policy.path),
        "archive_url": link(layout.list_page(policy)),
        "feed_url": link(feeds.feed_file(policy, layout)),
        "versions_url": link(versions_file(policy, layout)),
    }


def _version_summary(policy: Policy, layout: Layout, link: _Linker, version: Version) -> dict[str, Any]:
    return {
        "slug": version.slug,
        "effective": version.starts.isoformat(),
        "effective_stated": version.effective,
        "changes": version.changes,
        "last_updated": version.last_updated.isoformat(),
        "url": link(layout.version_page(policy, version)),
    }


def dump(data: dict[str, Any]) -> bytes:
    """The JSON as published: UTF-8, indented, keys in a fixed order, ending with a newline."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def data_files(
    policies: Iterable[Policy],
    layout: Layout,
    url: Url,
    dates: DateFormatter,
    *,
    site_url: str | None,
    site_title: str = "Policies",
    diff_path: feeds.DiffPage | None = None,
    count: StatsFunction = diff_stats,
    unified: UnifiedDiffFunction = unified_diff,
) -> dict[str, bytes]:
    """Every data file of the archive, by source path: JSON, unified diffs and (with a `site_url`) feeds."""
    policies = [policy for policy in policies if policy.versions]
    files: dict[str, bytes] = {}
    for policy in policies:
        makers = policy_data_makers(
            policy,
            layout,
            url,
            dates,
            site_url=site_url,
            site_title=site_title,
            diff_path=diff_path,
            count=count,
            unified=unified,
        )
        files.update((path, make()) for path, make in makers.items())
    files.update(
        site_data_files(
            policies, layout, url, dates, site_url=site_url, site_title=site_title, diff_path=diff_path
        )
    )
    return files


def policy_data_makers(
    policy: Policy,
    layout: Layout,
    url: Url,
    dates: DateFormatter,
    *,
    site_url: str | None,
    site_title: str = "Policies",
    diff_path: feeds.DiffPage | None = None,
    count: StatsFunction = diff_stats,
    unified: UnifiedDiffFunction = unified_diff,
) -> dict[str, Callable[[], bytes]]:
    """The data files of one policy's archive (its versions.json, unified diffs, feed and sitemap), each as a
    function that makes it: a site can list the files at once and make each only when it writes it."""

    def versions() -> bytes:
        return dump(
            versions_json(policy, layout, url, dates, site_url=site_url, diff_path=diff_path, count=count)
        )

    def version_diff(version: Version) -> bytes:
        return version_unified_diff(policy, layout, version, unified).encode("utf-8")

    def revision_diff(old: PublishedRevision, new: PublishedRevision) -> bytes:
        return revision_unified_diff(policy, layout, old, new, unified).encode("utf-8")

    makers: dict[str, Callable[[], bytes]] = {versions_file(policy, layout): versions}
    for version in policy.versions:
        path = unified_diff_file(policy, layout, version)
        if path:
            makers[path] = partial(version_diff, version)
    for old, new in revision_diffs(policy):
        path = layout.revision_diff_file(policy, new)
        if path:
            makers[path] = partial(revision_diff, old, new)
    if site_url:
        makers[feeds.feed_file(policy, layout)] = partial(
            feeds.policy_feed, policy, layout, url, site_url, dates, author=site_title, diff_path=diff_path
        )
        makers[feeds.sitemap_file(policy, layout)] = partial(
            feeds.archive_sitemap, policy, layout, url, site_url
        )
    return makers


def site_data_files(
    policies: list[Policy],
    layout: Layout,
    url: Url,
    dates: DateFormatter,
    *,
    site_url: str | None,
    site_title: str = "Policies",
    diff_path: feeds.DiffPage | None = None,
) -> dict[str, bytes]:
    """The site's own data files: policies.json and (with a `site_url`) the feed of every policy."""
    files = {POLICIES_FILE: dump(policies_json(policies, layout, url, dates, site_url=site_url))}
    if site_url:
        files[feeds.SITE_FEED] = feeds.site_feed(
            policies, layout, url, site_url, dates, title=site_title, author=site_title, diff_path=diff_path
        )
    return files


@cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema of this package: `versions` or `policies`."""
    text = (resources.files(__package__) / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


class _Linker:
    """Source paths to the URLs written in the data: absolute with a site_url, else from the site's root."""

    def __init__(self, url: Url, site_url: str | None) -> None:
        self.url = url
        self.base = (site_url if site_url.endswith("/") else site_url + "/") if site_url else "/"

    def __call__(self, src_path: str | None) -> str | None:
        return None if src_path is None else self.absolute(self.url(src_path))

    def absolute(self, site_relative: str) -> str:
        return urljoin(self.base, site_relative.lstrip("/"))


class _Stats:
    """Words added and removed between two texts, each pair counted once."""

    def __init__(self, count: StatsFunction) -> None:
        self.count = count
        self.known: dict[tuple[str, str], tuple[int, int]] = {}

    def between(self, old: PublishedRevision | None, new: PublishedRevision) -> tuple[int | None, int | None]:
        if old is None:
            return None, None
        key = (old.body, new.body)
        if key not in self.known:
            stats = self.count(old.body, new.body)
            self.known[key] = (stats.words_added, stats.words_removed)
        return self.known[key]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
