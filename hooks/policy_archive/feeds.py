"""Atom feeds of a policy's versions, and of every policy of the site, made with feedgen.

One entry per version, upcoming versions included as soon as they are announced. Every date in a feed comes
from git (or from a snapshot's day), never from the clock, so building twice gives the same bytes.

Entry ids are `tag:` URIs (RFC 4151) that never change once a version is published:

    tag:<host of site_url>,<YYYY-MM-DD>:<policy path>/<version slug>

- `<YYYY-MM-DD>` is the day (in the site's time zone) of the version's first commit; for a version made only
  of snapshots, the day of its first snapshot. Adding commits never changes it: a new commit either joins the
  newest version (its first commit stays first) or starts a new version.
- `<policy path>` is the path the policy had when it was first committed (its oldest path), so renaming the
  policy keeps the ids of its versions.
- `<version slug>` is the version's permanent slug (its start date; `-2`, `-3`… when two versions start the
  same day).

The feed's own id is its absolute URL.

Nothing here imports MkDocs: pages are given as source paths (`privacy/archive/2024-01-15.md`), which a `url`
callable turns into site-relative URLs (`privacy/archive/2024-01-15/`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timezone
from html import escape
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedEntry, FeedGenerator
from feedgen.util import xml_elem

from .dates import DateFormatter
from .pages import Layout
from .versions import Policy, PublishedRevision, Version

Url = Callable[[str], str]
"""Maps a source path (relative to the docs folder) to its URL relative to the site's root."""

DiffPage = Callable[[Policy, Version], "str | None"]
"""The source path of a version's diff page, or None when it has none (the first version)."""

SITE_FEED = "feed.xml"
"""Where the site-wide feed is published, relative to the site's root."""

ATOM_TYPE = "application/atom+xml"

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_TAG_SAFE = "/-._~!$&'()*+,;=:@"


def feed_file(policy: Policy, layout: Layout) -> str:
    """Where a policy's feed is published: `privacy/archive/feed.xml`."""
    return f"{layout.archive_dir(policy)}/feed.xml"


def diff_page(policy: Policy, version: Version, layout: Layout) -> str | None:
    """The source path of the page showing what `version` changed, as `Layout.diff_page` places it.

    The first version changed nothing, so it has none.
    """
    return layout.diff_page(policy, version) if version.number > 1 else None


def entry_id(policy: Policy, version: Version, site_url: str, dates: DateFormatter) -> str:
    """The version's permanent `tag:` id (see the module's documentation)."""
    host = _host(site_url)
    day = _first_recorded(version).day.isoformat()
    original = policy.former_paths[0] if policy.former_paths else policy.path
    return f"tag:{host},{day}:{quote(original, safe=_TAG_SAFE)}/{quote(version.slug, safe=_TAG_SAFE)}"


def entry_title(policy: Policy, version: Version, dates: DateFormatter) -> str:
    """'Privacy Policy — effective 15 January 2024', or '… — version of …' when the date is a commit's."""
    when = dates.long(version.starts)
    kind = "effective" if version.effective else "version of"
    title = f"{policy.title} — {kind} {when}"
    return title + " (upcoming)" if version.upcoming else title


def revision_datetime(revision: PublishedRevision, dates: DateFormatter) -> datetime:
    """When the revision was made: its commit's time, or the start of a snapshot's day in the site's zone."""
    if revision.commit:
        return revision.origin.committed_at  # type: ignore[union-attr]
    return datetime.combine(revision.day, time(0), tzinfo=dates.zone)


def autodiscovery_link(title: str, href: str) -> str:
    """The `<link>` for a page's head that lets browsers and feed readers find a feed."""
    return f'<link rel="alternate" type="{ATOM_TYPE}" title="{escape(title)}" href="{escape(href)}">'


def archive_sitemap(policy: Policy, layout: Layout, url: Callable[[str], str], site_url: str) -> bytes:
    """A sitemap of a policy's archive, published next to its feed.

    Material for MkDocs fetches `sitemap.xml` from the folder of every `<link rel="alternate">` in a page's head
    (to map pages between languages), so the feed's autodiscovery link would cost every reader a 404 without it.
    """
    base = site_url if site_url.endswith("/") else site_url + "/"
    pages = [layout.list_page(policy)] + [layout.version_page(policy, version) for version in policy.versions]
    entries = "".join(f"<url><loc>{escape(urljoin(base, url(page)))}</loc></url>" for page in pages)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'
    ).encode()


def sitemap_file(policy: Policy, layout: Layout) -> str:
    return f"{layout.archive_dir(policy)}/sitemap.xml"


def subscribe_link_html(href: str, text: str = "Subscribe to changes (Atom feed)") -> str:
    """A visible link to a feed, for the archive page."""
    return (
        f'<p class="pa-subscribe"><a class="pa-subscribe__link" type="{ATOM_TYPE}" '
        f'href="{escape(href)}">{escape(text)}</a></p>'
    )


def policy_feed(
    policy: Policy,
    layout: Layout,
    url: Url,
    site_url: str,
    dates: DateFormatter,
    *,
    author: str | None = None,
    diff_path: DiffPage | None = None,
) -> bytes:
    """The Atom feed of one policy: an entry per version, newest first.

    `author` names who publishes the feed (the site's name; its host by default). `diff_path` overrides where
    a version's diff page is (default: `diff_page`).
    """
    feed = _Feed(layout, url, site_url, dates, diff_path)
    self_url = feed.absolute(feed_file(policy, layout))
    generator = feed.start(
        title=f"{policy.title}: versions",
        subtitle=f"Every version of {policy.title}, with what changed.",
        feed_url=self_url,
        page_url=feed.absolute(layout.list_page(policy)),
        author=author,
    )
    return feed.finish(generator, [feed.entry(policy, version) for version in policy.versions])


def site_feed(
    policies: Iterable[Policy],
    layout: Layout,
    url: Url,
    site_url: str,
    dates: DateFormatter,
    *,
    title: str = "Policies",
    author: str | None = None,
    home: str = "index.md",
    diff_path: DiffPage | None = None,
) -> bytes:
    """The Atom feed of every version of every policy of the site, newest first.

    Entries have the same ids as in each policy's own feed. `home` is the source path of the page the feed
    belongs to (the site's home page by default).
    """
    feed = _Feed(layout, url, site_url, dates, diff_path)
    generator = feed.start(
        title=f"{title}: versions",
        subtitle=f"Every version of the policies of {title}, with what changed.",
        feed_url=urljoin(feed.base, SITE_FEED),
        page_url=feed.absolute(home),
        author=author,
    )
    entries = [feed.entry(policy, version) for policy in policies for version in policy.versions]
    return feed.finish(generator, entries)


@dataclass
class _Entry:
    id: str
    title: str
    summary: str
    published: datetime
    updated: datetime
    links: list[dict[str, str]]
    category: str


class _Links(BaseEntryExtension):  # type: ignore[misc]
    """Writes an entry's links with their attributes: feedgen 1.0 drops all but `href` of an entry's link."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        for element in entry.findall("link"):
            entry.remove(element)
        for link in self.links:
            xml_elem("link", entry, **link)
        return entry


@dataclass
class _Feed:
    layout: Layout
    url: Url
    site_url: str
    dates: DateFormatter
    diff_path: DiffPage | None

    def __post_init__(self) -> None:
        _host(self.site_url)  # fail early, with the explanation
        self.base = self.site_url if self.site_url.endswith("/") else self.site_url + "/"

    def absolute(self, src_path: str) -> str:
        return urljoin(self.base, self.url(src_path).lstrip("/"))

    def start(
        self, *, title: str, subtitle: str, feed_url: str, page_url: str, author: str | None
    ) -> FeedGenerator:
        generator = FeedGenerator()
        generator.id(feed_url)
        generator.title(title)
        generator.subtitle(subtitle)
        generator.author(name=author or _host(self.site_url))
        generator.link(href=feed_url, rel="self", type=ATOM_TYPE)
        generator.link(href=page_url, rel="alternate", type="text/html")
        return generator

    def entry(self, policy: Policy, version: Version) -> _Entry:
        page = self.absolute(self.layout.version_page(policy, version))
        links = [{"href": page, "rel": "alternate", "type": "text/html"}]
        diff = self.diff_path(policy, version) if self.diff_path else diff_page(policy, version, self.layout)
        if diff:
            changes = self.absolute(diff)
            links.append({"href": changes, "rel": "related", "type": "text/html", "title": "What changed"})
        return _Entry(
            id=entry_id(policy, version, self.site_url, self.dates),
            title=entry_title(policy, version, self.dates),
            summary=version.changes or version.latest.subject,
            published=revision_datetime(version.revisions[0], self.dates),
            updated=_updated(version, self.dates),
            links=links,
            category="upcoming" if version.upcoming else "version",
        )

    def finish(self, generator: FeedGenerator, entries: Sequence[_Entry]) -> bytes:
        ordered = sorted(entries, key=lambda entry: (entry.updated, entry.published, entry.id), reverse=True)
        generator.updated(max((entry.updated for entry in ordered), default=_EPOCH))
        for entry in ordered:
            item: FeedEntry = generator.add_entry(order="append")
            item.id(entry.id)
            item.title(entry.title)
            item.summary(entry.summary)
            item.published(entry.published)
            item.updated(entry.updated)
            item.category(term=entry.category)
            item.link(href=entry.links[0]["href"], rel="alternate")
            item.register_extension("policy_archive_links", _Links, atom=True, rss=False)
            item.policy_archive_links.links = entry.links
        return bytes(generator.atom_str(pretty=True))


def _updated(version: Version, dates: DateFormatter) -> datetime:
    """When the entry last changed: its latest revision, or the day an announced version took effect (its
    title and category change then), whichever is later."""
    updated = revision_datetime(version.latest, dates)
    if version.effective and not version.upcoming:
        updated = max(updated, datetime.combine(version.starts, time(0), tzinfo=dates.zone))
    return updated


def _first_recorded(version: Version) -> PublishedRevision:
    """The version's first commit, or its first snapshot when it has no commit."""
    return next((revision for revision in version.revisions if revision.commit), version.revisions[0])


def _host(site_url: str) -> str:
    host = urlsplit(site_url or "").hostname
    if not host:
        raise ValueError(
            f"feeds need the site's absolute address: set site_url in mkdocs.yml (such as "
            f"https://policies.example.org/), got {site_url!r}"
        )
    return host
