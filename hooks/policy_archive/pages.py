"""Page content for the archive: where each generated file lives, and the Markdown and HTML it holds.

Everything here is plain text in, plain text out. Links between pages are given as source paths (`privacy.md`)
and turned into URLs by a `link` callable that the site engine supplies, so the same code serves any engine.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from html import escape, unescape

import yaml

from .dates import DateFormatter
from .diff import DiffStats
from .versions import Policy, PublishedRevision, Version, stem

Link = Callable[[str], str]
"""Maps a source path (relative to the docs folder) to a URL relative to the page being rendered."""

PLACEHOLDER = "<!-- policy-archive:{} -->"
BANNER = PLACEHOLDER.format("banner")
POLICY_LIST = PLACEHOLDER.format("policies")
BANNER_ID = "pa-banner"
"""The banner of an archived version: where "Skip to content" leads, so no reader misses that it is old."""


@dataclass(frozen=True)
class Layout:
    """Where a policy's archive lives: `<policy path without .md>/<segment>/…`."""

    segment: str = "archive"
    publish_raw: bool = True

    def archive_dir(self, policy: Policy) -> str:
        return f"{policy.stem}/{self.segment}"

    def moves(self, policy: Policy, former_path: str) -> list[tuple[str, str]]:
        """(old source path, new source path) for each page a rename of the policy moved."""
        old_dir = f"{stem(former_path)}/{self.segment}"
        return [
            (former_path, policy.path),
            (f"{old_dir}/index.md", self.list_page(policy)),
            *((f"{old_dir}/{v.slug}.md", self.version_page(policy, v)) for v in policy.versions),
        ]

    def list_page(self, policy: Policy) -> str:
        return f"{self.archive_dir(policy)}/index.md"

    def version_page(self, policy: Policy, version: Version) -> str:
        return f"{self.archive_dir(policy)}/{version.slug}.md"

    def diff_page(self, policy: Policy, version: Version) -> str:
        """What `version` changed since the version before it, inline."""
        return f"{self.archive_dir(policy)}/{version.slug}/changes.md"

    def side_by_side_page(self, policy: Policy, version: Version) -> str:
        return f"{self.archive_dir(policy)}/{version.slug}/side-by-side.md"

    def to_current_page(self, policy: Policy, version: Version) -> str:
        """What changed from `version` to the version in force now."""
        return f"{self.archive_dir(policy)}/{version.slug}/to-current.md"

    def compare_page(self, policy: Policy) -> str:
        return f"{self.archive_dir(policy)}/compare.md"

    def unified_diff_file(self, policy: Policy, version: Version) -> str | None:
        """The change to the Markdown as a unified diff, published with the raw files."""
        return f"{self.archive_dir(policy)}/raw/{version.slug}.diff" if self.publish_raw else None

    def revision_diff_file(self, policy: Policy, revision: PublishedRevision) -> str | None:
        """The unified diff from the revision before it (an editorial fix, say) to this revision's Markdown."""
        raw = self.raw_file(policy, revision)
        return f"{raw}.diff" if raw else None

    def raw_file(self, policy: Policy, revision: PublishedRevision) -> str | None:
        """Where the revision's Markdown is published as it is, unless that is turned off."""
        return f"{self.archive_dir(policy)}/raw/{revision.slug}.md" if self.publish_raw else None


def version_page_title(policy: Policy, version: Version) -> str:
    return f"{policy.title} ({version.slug})"


def list_page_title(policy: Policy) -> str:
    return f"{policy.title}: all versions"


def heading_markdown(title: str) -> str:
    """The first-level heading of a generated page, in Markdown."""
    return f"# {markdown_text(title)}\n"


def withdrawn_page_markdown(policy: Policy, layout: Layout, exists: Callable[[str], bool]) -> str:
    """A withdrawn policy keeps its page: its last text under a notice saying it no longer applies."""
    last = policy.versions[-1].latest
    body = rebase_links(last.body, last.source_path, policy.path, exists)
    meta = {"title": escape(f"{policy.title} (withdrawn)"), "search": {"exclude": True}}
    return front_matter(meta) + BANNER + "\n\n" + body


def redirect_html(target_url: str) -> str:
    """A page that sends readers of an old address (before a rename) to the new one."""
    url = escape(target_url)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Moved</title>\n'
        f'<link rel="canonical" href="{url}">\n<meta http-equiv="refresh" content="0; url={url}">\n'
        f'<meta name="robots" content="noindex">\n</head>\n<body>\n<p>This page has moved to <a href="{url}">{url}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def front_matter(meta: dict[str, object]) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def markdown_text(text: str) -> str:
    """`text` written so Markdown shows it as it is: HTML escaped, Markdown's own signs backslashed.

    Front matter titles need only `html.escape`: themes print a page's title as HTML."""
    return re.sub(r"([\\`*_{}\[\]#|!])", r"\\\1", escape(text, quote=False))


def banner_html(
    policy: Policy,
    version: Version,
    layout: Layout,
    link: Link,
    dates: DateFormatter,
    permalink: str | None = None,
) -> str:
    """The Wayback-style notice at the top of an archived version: what, when in force, where to go next.

    `permalink`, the page's absolute address, is printed too: a printed page keeps no link targets."""
    number, versions = version.number, policy.versions
    current = policy.current
    if version.draft:
        status, kind = "Unpublished draft", "draft"
    elif version.upcoming:
        status, kind = "Upcoming version", "upcoming"
    elif version is current and not policy.withdrawn_on:
        status, kind = "Current version", "current"
    else:
        status, kind = "Archived version", "archived"
    nav = []
    if number > 1:
        previous = versions[number - 2]
        nav.append(
            _a(
                link(layout.version_page(policy, previous)),
                f"← Previous: {dates.long(previous.starts)}",
                "prev",
            )
        )
    nav.append(_a(link(layout.list_page(policy)), f"All versions ({len(versions)})"))
    if number < len(versions):
        following = versions[number]
        nav.append(
            _a(
                link(layout.version_page(policy, following)),
                f"Next: {dates.long(following.starts)} →",
                "next",
            )
        )
    if number > 1:
        nav.append(_a(link(layout.diff_page(policy, version)), "What changed"))
    if current is not None and version.number < current.number - 1:
        nav.append(_a(link(layout.to_current_page(policy, version)), "Changes since"))
    if version is not current:
        nav.append(_a(link(policy.path), "Withdrawn policy" if policy.withdrawn_on else "Current version"))
    raw = layout.raw_file(policy, version.latest)
    if raw:
        nav.append(_a(link(raw), "Raw Markdown"))
    lines = [
        f'<p class="pa-banner__what"><strong>{escape(status)}</strong> of '
        f'<a href="{escape(link(policy.path))}">{escape(policy.title)}</a></p>',
        f'<p class="pa-banner__when">{_period(policy, version, dates)}</p>',
        *_provenance(version, dates),
    ]
    if version.changes:
        lines.append(f'<p class="pa-banner__changes">What changed: {escape(version.changes)}</p>')
    lines.append(f'<nav class="pa-banner__nav" aria-label="Versions">{" ".join(nav)}</nav>')
    if permalink and not version.draft:
        lines.append(
            f'<p class="pa-banner__permalink">Permalink: <a href="{escape(permalink)}">{escape(permalink)}</a></p>'
        )
    if len(version.revisions) > 1:
        lines.append(_editorial_revisions(policy, version, layout, link, dates))
    return (
        f'<aside class="pa-banner pa-banner--{kind}" id="{BANNER_ID}" aria-label="{escape(status)}">\n'
        + "\n".join(lines)
        + "\n</aside>\n"
    )


def withdrawn_banner_html(policy: Policy, layout: Layout, link: Link, dates: DateFormatter) -> str:
    assert policy.withdrawn_on is not None
    return (
        '<aside class="pa-banner pa-banner--withdrawn" aria-label="Withdrawn policy">\n'
        f'<p class="pa-banner__what"><strong>Withdrawn.</strong> {escape(policy.title)} no longer applies: it was '
        f"withdrawn on {time_html(policy.withdrawn_on, dates)}. Its last version is shown below.</p>\n"
        f'<nav class="pa-banner__nav" aria-label="Versions">{_a(link(layout.list_page(policy)), f"All versions ({len(policy.versions)})")}</nav>\n'
        "</aside>\n"
    )


def _provenance(version: Version, dates: DateFormatter) -> list[str]:
    revision = version.revisions[0]
    snapshot = revision.snapshot
    if snapshot is None:
        return []
    captured = revision.meta.get("captured", snapshot.day)
    who = revision.capture_source
    text = (
        f"Captured by {escape(who)} on {time_html(captured, dates)}"
        if who
        else f"Captured on {time_html(captured, dates)}"
    )
    source = revision.meta.get("source")
    if source:
        text += f' · <a href="{escape(source)}">original snapshot</a>'
    return [f'<p class="pa-banner__source">{text}</p>']


def _editorial_revisions(
    policy: Policy, version: Version, layout: Layout, link: Link, dates: DateFormatter
) -> str:
    items = []
    first = policy.versions[0].revisions[0]
    for revision in reversed(version.revisions):
        raw = layout.raw_file(policy, revision)
        diff = layout.revision_diff_file(policy, revision) if revision is not first else None
        files = [f'<a href="{escape(link(raw))}">raw</a>'] if raw else []
        if diff:
            files.append(f'<a href="{escape(link(diff))}">diff</a>')
        raw_link = f" ({', '.join(files)})" if files else ""
        shown = " — shown here" if revision is version.latest else ""
        items.append(
            f"<li>{time_html(revision.day, dates)}: {escape(revision.subject)}{raw_link}{shown}</li>"
        )
    return (
        f'<details class="pa-banner__revisions"><summary>{len(version.revisions)} revisions of this version '
        f"(editorial changes that kept its effective date)</summary>\n<ul>\n"
        + "\n".join(items)
        + "\n</ul>\n</details>"
    )


def _period(policy: Policy, version: Version, dates: DateFormatter) -> str:
    start = time_html(version.starts, dates)
    if version.draft:
        return (
            "Uncommitted changes in your working tree, shown because you are previewing the site. "
            "Readers see them only once they are committed and published."
        )
    if version.upcoming:
        return f"Takes effect on {start}."
    end = version.ends or policy.withdrawn_on
    if end is None:
        return f"In force since {start}."
    return f"In force from {start} to {time_html(end, dates)}."


def time_html(day: date, dates: DateFormatter) -> str:
    """A day as readers read it, marked up for machines."""
    return f'<time datetime="{dates.iso(day)}">{escape(dates.long(day))}</time>'


def _a(href: str, text: str, rel: str | None = None) -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a class="pa-banner__link" href="{escape(href)}"{rel_attr}>{escape(text)}</a>'


def counts_html(stats: DiffStats) -> str:
    """'+12 −3', with what the numbers mean spelled out for screen readers."""
    return (
        f'<span class="pa-count pa-count--added" title="words added">+{stats.words_added}'
        f'<span class="pa-visually-hidden"> words added</span></span> '
        f'<span class="pa-count pa-count--removed" title="words removed">−{stats.words_removed}'
        f'<span class="pa-visually-hidden"> words removed</span></span>'
    )


def version_list_html(
    policy: Policy, stats: Mapping[str, DiffStats], layout: Layout, link: Link, dates: DateFormatter
) -> str:
    """Every version, newest first: its date, status, change note, how much it changed and where it came from."""
    items = []
    for version in reversed(policy.versions):
        latest = version.latest
        labels = []
        if version.draft:
            labels.append("draft")
        elif version.upcoming:
            labels.append("upcoming")
        elif version is policy.current and not policy.withdrawn_on:
            labels.append("current")
        if latest.snapshot is not None:
            labels.append("snapshot")
        label = "".join(f' <span class="pa-label pa-label--{name}">{name}</span>' for name in labels)
        note = escape(version.changes or latest.subject)
        edits = len(version.revisions) - 1
        edits_text = f", {edits} editorial revision{'s' if edits > 1 else ''}" if edits else ""
        origin = (
            f"<code>{latest.commit[:7]}</code>"
            if latest.commit
            else "uncommitted"
            if latest.draft
            else "captured"
        )
        raw = layout.raw_file(policy, latest)
        raw_link = f', <a href="{escape(link(raw))}">raw</a>' if raw else ""
        changed = stats.get(version.slug)
        change_link = (
            f' <span class="pa-list__changes">{counts_html(changed)} '
            f'<a href="{escape(link(layout.diff_page(policy, version)))}">what changed</a></span>'
            if changed
            else ""
        )
        items.append(
            "<li>"
            f'<a href="{escape(link(layout.version_page(policy, version)))}">{time_html(version.starts, dates)}</a>'
            f"{label} — {note}{change_link} "
            f'<span class="pa-list__meta">({origin}{edits_text}{raw_link})</span>'
            "</li>"
        )
    return f'<ol class="pa-list" reversed>\n{chr(10).join(items)}\n</ol>\n'


def current_summary_html(policy: Policy, layout: Layout, link: Link, dates: DateFormatter) -> str:
    """Under a current policy's title: when it took effect, when it last changed, and its other versions."""
    current = policy.current
    if current is None:
        return ""
    earlier = current.number - 1
    noun = "earlier version" if earlier == 1 else "earlier versions"
    parts = []
    if current.effective:
        parts.append(f"Effective {time_html(current.starts, dates)}")
    parts.append(f"Last updated {time_html(current.last_updated, dates)}")
    parts.append(f'<a href="{escape(link(layout.list_page(policy)))}">{earlier} {noun}</a>')
    html = f'<p class="pa-summary">{" · ".join(parts)}</p>\n'
    for upcoming in policy.upcoming:
        html += (
            '<p class="pa-upcoming" role="note"><strong>A new version takes effect on '
            f"{time_html(upcoming.starts, dates)}.</strong> "
            f'<a href="{escape(link(layout.version_page(policy, upcoming)))}">Read the new version</a> or '
            f'<a href="{escape(link(layout.diff_page(policy, upcoming)))}">see what changes</a>'
            + (f" — {escape(upcoming.changes)}" if upcoming.changes else "")
            + "</p>\n"
        )
    return html


def policy_list_html(policies: Iterable[Policy], link: Link, dates: DateFormatter) -> str:
    """A table of the site's policies: when each took effect and last changed, and which were withdrawn."""
    rows = []
    for policy in sorted(policies, key=lambda p: (p.withdrawn_on is not None, p.title.casefold())):
        current = policy.current
        if policy.withdrawn_on:
            status = f"withdrawn on {time_html(policy.withdrawn_on, dates)}"
        elif current:
            status = time_html(current.last_updated, dates)
        else:
            status = "not yet in force" if policy.versions else "not yet committed"
        upcoming = ", ".join(time_html(version.starts, dates) for version in policy.upcoming) or "—"
        rows.append(
            f'<tr><td><a href="{escape(link(policy.path))}">{escape(policy.title)}</a></td>'
            f"<td>{status}</td><td>{upcoming}</td></tr>"
        )
    return (
        '<div class="pa-policies"><table>\n<thead><tr><th>Policy</th><th>Last updated</th><th>Upcoming version</th></tr></thead>\n'
        f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table></div>\n"
    )


_INLINE_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<target><[^>]*>|[^)\s]+)(?P<rest>[^)]*)\)"
)
_REFERENCE = re.compile(r"^(?P<lead> {0,3}\[[^\]]+\]:[ \t]*)(?P<target><[^>]*>|\S+)", re.MULTILINE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def rebase_links(markdown: str, source: str, destination: str, exists: Callable[[str], bool]) -> str:
    """Rewrite relative links of a text written at `source` so they work from `destination`.

    A link whose target no longer exists keeps its text but loses the link: an archived version must not
    send readers (or the link checker) to a page that is gone.
    """

    def resolve(target: str) -> tuple[str, bool]:
        bare = target[1:-1] if target.startswith("<") else target
        if not bare or _SCHEME.match(bare) or bare.startswith(("#", "/")):
            return target, True
        path, sep, fragment = _split_fragment(bare)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if resolved.startswith("../") or not exists(resolved):
            return target, False
        rebased = posixpath.relpath(resolved, posixpath.dirname(destination) or ".") + sep + fragment
        return (f"<{rebased}>" if target.startswith("<") else rebased), True

    def inline(match: re.Match[str]) -> str:
        target, found = resolve(match["target"])
        if not found:
            return match["text"]
        return f"{match['bang']}[{match['text']}]({target}{match['rest']})"

    def reference(match: re.Match[str]) -> str:
        target, found = resolve(match["target"])
        return match["lead"] + (target if found else "#")

    return _REFERENCE.sub(reference, _INLINE_LINK.sub(inline, markdown))


# Only relative addresses: anchors, absolute paths and URLs with a scheme need nothing. One pattern per
# attribute, each starting with its literal name, which the regex engine looks for quickly: diffs are long.
_RELATIVE_URL = r'="(?P<url>(?![#/"]|[a-zA-Z][a-zA-Z0-9+.-]*:)[^"]*)"'
_HTML_URLS = [re.compile(f"(?P<attr>{name}){_RELATIVE_URL}") for name in ("href", "src")]


def relink_html(html: str, source: str, link: Link, exists: Callable[[str], bool]) -> str:
    """Point the relative links of HTML rendered from a text written at `source` to the pages they name.

    Diffs are rendered outside the site engine, so their `terms.md` links are still source paths."""

    def relink(match: re.Match[str]) -> str:
        if match.start() and not match.string[match.start() - 1].isspace():
            return match[0]  # part of another attribute's name, such as data-href
        url = unescape(match["url"])
        if not url or _SCHEME.match(url) or url.startswith(("#", "/")):
            return match[0]
        path, sep, fragment = _split_fragment(url)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if not exists(resolved):
            return match[0]
        return f'{match["attr"]}="{escape(link(resolved) + sep + fragment)}"'

    for pattern in _HTML_URLS:
        html = pattern.sub(relink, html)
    return html


def _split_fragment(target: str) -> tuple[str, str, str]:
    for i, char in enumerate(target):
        if char in "#?":
            return target[:i], char, target[i + 1 :]
    return target, "", ""
