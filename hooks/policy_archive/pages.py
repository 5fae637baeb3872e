"""Page content for the archive: where each generated file lives, and the Markdown and HTML it holds.

Everything here is plain text in, plain text out. Links between pages are given as source paths (`privacy.md`)
and turned into URLs by a `link` callable that the site engine supplies, so the same code serves any engine.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

import yaml

from .dates import DateFormatter
from .versions import Policy, PublishedRevision, Version

Link = Callable[[str], str]
"""Maps a source path (relative to the docs folder) to a URL relative to the page being rendered."""

PLACEHOLDER = "<!-- policy-archive:{} -->"
BANNER = PLACEHOLDER.format("banner")
VERSION_LIST = PLACEHOLDER.format("versions")
POLICY_LIST = PLACEHOLDER.format("policies")


@dataclass(frozen=True)
class Layout:
    """Where a policy's archive lives: `<policy path without .md>/<segment>/…`."""

    segment: str = "archive"
    publish_raw: bool = True

    def archive_dir(self, policy: Policy) -> str:
        return f"{policy.stem}/{self.segment}"

    def list_page(self, policy: Policy) -> str:
        return f"{self.archive_dir(policy)}/index.md"

    def version_page(self, policy: Policy, version: Version) -> str:
        return f"{self.archive_dir(policy)}/{version.slug}.md"

    def raw_file(self, policy: Policy, revision: PublishedRevision) -> str | None:
        """Where the revision's Markdown is published as it is, unless that is turned off."""
        return f"{self.archive_dir(policy)}/raw/{revision.slug}.md" if self.publish_raw else None


def version_page_markdown(
    policy: Policy, version: Version, layout: Layout, exists: Callable[[str], bool]
) -> str:
    """The archived version as a page: front matter, the banner's placeholder, then the text of that day."""
    revision = version.latest
    body = rebase_links(revision.body, revision.revision.path, layout.version_page(policy, version), exists)
    meta = {
        "title": f"{policy.title} ({version.slug})",
        "search": {"exclude": True},
        "policy_archive": {"policy": policy.path, "version": version.slug},
    }
    return _front_matter(meta) + BANNER + "\n\n" + body


def list_page_markdown(policy: Policy) -> str:
    meta = {"title": f"{policy.title}: all versions", "search": {"exclude": True}}
    return _front_matter(meta) + f"# {_escape_markdown(policy.title)}: all versions\n\n{VERSION_LIST}\n"


def _front_matter(meta: dict[str, object]) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def _escape_markdown(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


def banner_html(policy: Policy, version: Version, layout: Layout, link: Link, dates: DateFormatter) -> str:
    """The Wayback-style notice at the top of an archived version: what, when in force, where to go next."""
    number, versions = version.number, policy.versions
    current = policy.current
    status = "Current version" if version is current else "Archived version"
    period = _period(version, dates)
    nav = []
    if number > 1:
        previous = versions[number - 2]
        nav.append(_a(link(layout.version_page(policy, previous)), f"← Previous: {dates.long(previous.starts)}", "prev"))
    nav.append(_a(link(layout.list_page(policy)), f"All versions ({len(versions)})"))
    if number < len(versions):
        following = versions[number]
        nav.append(_a(link(layout.version_page(policy, following)), f"Next: {dates.long(following.starts)} →", "next"))
    if version is not current:
        nav.append(_a(link(policy.path), "Current version"))
    raw = layout.raw_file(policy, version.latest)
    if raw:
        nav.append(_a(link(raw), "Raw Markdown"))
    return (
        f'<aside class="pa-banner{" pa-banner--current" if version is current else ""}" '
        f'aria-label="{escape(status)}">\n'
        f'<p class="pa-banner__what"><strong>{escape(status)}</strong> of '
        f'<a href="{escape(link(policy.path))}">{escape(policy.title)}</a></p>\n'
        f'<p class="pa-banner__when">{period}</p>\n'
        f'<nav class="pa-banner__nav" aria-label="Versions">{" ".join(nav)}</nav>\n'
        "</aside>\n"
    )


def _period(version: Version, dates: DateFormatter) -> str:
    start = _time(version.starts, dates)
    if version.ends is None:
        return f"In force since {start}."
    return f"In force from {start} to {_time(version.ends, dates)}."


def _time(day: date, dates: DateFormatter) -> str:
    return f'<time datetime="{dates.iso(day)}">{escape(dates.long(day))}</time>'


def _a(href: str, text: str, rel: str | None = None) -> str:
    rel_attr = f' rel="{rel}"' if rel else ""
    return f'<a class="pa-banner__link" href="{escape(href)}"{rel_attr}>{escape(text)}</a>'


def version_list_html(policy: Policy, layout: Layout, link: Link, dates: DateFormatter) -> str:
    """Every version, newest first, each with its dates and the commit it came from."""
    items = []
    for version in reversed(policy.versions):
        revision = version.latest
        label = " <strong>(current)</strong>" if version is policy.current else ""
        raw = layout.raw_file(policy, revision)
        raw_link = f', <a href="{escape(link(raw))}">raw</a>' if raw else ""
        items.append(
            "<li>"
            f'<a href="{escape(link(layout.version_page(policy, version)))}">{_time(version.starts, dates)}</a>'
            f"{label} — {escape(revision.revision.subject)} "
            f'<span class="pa-list__meta">(<code>{revision.revision.commit[:7]}</code>{raw_link})</span>'
            "</li>"
        )
    return f'<ol class="pa-list" reversed>\n{chr(10).join(items)}\n</ol>\n'


def current_summary_html(policy: Policy, layout: Layout, link: Link, dates: DateFormatter) -> str:
    """The line under a current policy's title: when it last changed, and the way to its earlier versions."""
    current = policy.current
    if current is None:
        return ""
    earlier = len(policy.versions) - 1
    noun = "earlier version" if earlier == 1 else "earlier versions"
    return (
        '<p class="pa-summary">'
        f"Last updated {_time(current.starts, dates)} · "
        f'<a href="{escape(link(layout.list_page(policy)))}">{earlier} {noun}</a></p>\n'
    )


def policy_list_html(policies: Iterable[Policy], link: Link, dates: DateFormatter) -> str:
    """A table of the site's policies with the day each last changed."""
    rows = []
    for policy in sorted(policies, key=lambda p: p.title.casefold()):
        updated = _time(policy.current.starts, dates) if policy.current else "not yet committed"
        rows.append(
            f'<tr><td><a href="{escape(link(policy.path))}">{escape(policy.title)}</a></td><td>{updated}</td></tr>'
        )
    return (
        '<table class="pa-policies">\n<thead><tr><th>Policy</th><th>Last updated</th></tr></thead>\n'
        f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>\n"
    )


_INLINE_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<target><[^>]*>|[^)\s]+)(?P<rest>[^)]*)\)")
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


def _split_fragment(target: str) -> tuple[str, str, str]:
    for i, char in enumerate(target):
        if char in "#?":
            return target[:i], char, target[i + 1 :]
    return target, "", ""
