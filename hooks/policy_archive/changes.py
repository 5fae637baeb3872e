"""Pages about changes: what each version changed, the timeline of versions, and the compare page.

Plain text in, plain text out, like `pages`: the diffs themselves come from `diff`, links from a `link` callable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from html import escape

from .dates import DateFormatter
from .diff import DiffStats, DocumentDiff
from .pages import Layout, Link, counts_html, time_html
from .versions import Policy, Version


@dataclass(frozen=True)
class DiffView:
    """One pre-rendered view of a change: which versions it compares and how it shows them."""

    kind: str
    """"changes" (inline, from the previous version), "side-by-side", or "to-current"."""
    old: Version
    new: Version


def views(policy: Policy) -> list[DiffView]:
    """The diff pages worth rendering ahead: each version against its predecessor (inline and side by side),
    and each older version against the current one. Their number grows with the versions, not their square."""
    found = []
    current = policy.current
    for old, new in zip(policy.versions, policy.versions[1:], strict=False):
        found += [DiffView("changes", old, new), DiffView("side-by-side", old, new)]
    if current is not None:
        found += [DiffView("to-current", old, current) for old in policy.versions[: current.number - 2]]
    return found


def view_page(layout: Layout, policy: Policy, view: DiffView) -> str:
    if view.kind == "changes":
        return layout.diff_page(policy, view.new)
    if view.kind == "side-by-side":
        return layout.side_by_side_page(policy, view.new)
    return layout.to_current_page(policy, view.old)


def diff_page_title(policy: Policy, view: DiffView, dates: DateFormatter) -> str:
    if view.kind == "to-current":
        return f"{policy.title}: changes from {dates.long(view.old.starts)} to now"
    return f"{policy.title}: what changed on {dates.long(view.new.starts)}"


def diff_summary_html(
    policy: Policy,
    view: DiffView,
    stats: DiffStats,
    diff: DocumentDiff | None,
    layout: Layout,
    link: Link,
    dates: DateFormatter,
) -> str:
    """Above a diff: which versions, how much changed and where, the other views, and a legend."""
    old_link = f'<a href="{escape(link(layout.version_page(policy, view.old)))}">{time_html(view.old.starts, dates)}</a>'
    new_link = f'<a href="{escape(link(layout.version_page(policy, view.new)))}">{time_html(view.new.starts, dates)}</a>'
    lines = [
        f'<p class="pa-diff-summary__versions">From the version of {old_link} to the version of {new_link}.</p>',
        f'<p class="pa-diff-summary__counts">{counts_html(stats)}'
        + (f" in {diff.changes} place{'s' if diff.changes != 1 else ''}" if diff else "")
        + ".</p>",
    ]
    if view.new.changes and view.kind == "changes":
        lines.append(
            f'<p class="pa-diff-summary__note">What changed, in the writer\'s words: {escape(view.new.changes)}</p>'
        )
    if diff and diff.sections:
        items = "".join(
            f'<li><a href="#{escape(section.anchor)}">{escape(section.title or "Introduction")}</a></li>'
            for section in diff.sections
        )
        lines.append(
            f'<nav class="pa-diff-summary__sections" aria-label="Changed sections"><p>Changed sections:</p><ul>{items}</ul></nav>'
        )
    lines.append(_view_links(policy, view, layout, link))
    folded = diff is not None and 'class="pa-fold"' in diff.html
    lines.append(
        '<p class="pa-diff-legend pa-diff">Marks: <ins class="pa-mark">added text</ins> '
        '<del class="pa-mark">removed text</del>.'
        + (" Unchanged passages are folded: open them to read the whole text." if folded else "")
        + "</p>"
    )
    return '<div class="pa-diff-summary">\n' + "\n".join(lines) + "\n</div>\n"


def change_steps_html(diff: DocumentDiff) -> str:
    """After the diff, kept in sight at the bottom of the window while reading: the way from change to change
    (previous and next buttons once the script runs; a link to the first change without it)."""
    if not diff.changes:
        return ""
    return (
        f'<nav class="pa-diff-steps" aria-label="Changes" data-pa-changes="{diff.changes}">'
        '<a href="#pa-change-1">First change ↑</a></nav>\n'
    )


def _view_links(policy: Policy, view: DiffView, layout: Layout, link: Link) -> str:
    choices = []
    if view.kind != "to-current":
        choices.append(("changes", "Inline", layout.diff_page(policy, view.new)))
        choices.append(("side-by-side", "Side by side", layout.side_by_side_page(policy, view.new)))
        unified = layout.unified_diff_file(policy, view.new)
        if unified:
            choices.append(("unified", "Unified diff of the Markdown", unified))
    choices.append(("compare", "Compare other versions", layout.compare_page(policy)))
    items = []
    for kind, label, target in choices:
        current = ' aria-current="page"' if kind == view.kind else ""
        items.append(f'<a href="{escape(link(target))}"{current}>{label}</a>')
    return '<nav class="pa-diff-views" aria-label="Views of this change">' + " · ".join(items) + "</nav>"


def timeline_svg(
    policy: Policy,
    stats: Mapping[str, DiffStats],
    layout: Layout,
    link: Link,
    dates: DateFormatter,
    today: date,
) -> str:
    """The versions over the years as a picture: a mark per version, sized by how much it changed,
    linked to its diff (or, for the first one, to the version itself)."""
    if not policy.versions:
        return ""
    first = policy.versions[0].starts
    last = max(today, policy.versions[-1].starts)
    years = list(range(first.year, last.year + 2))
    width, height, margin = 800, 90, 30
    span = (date(years[-1], 1, 1) - date(years[0], 1, 1)).days or 1

    def x(day: date) -> float:
        return margin + (width - 2 * margin) * (day - date(years[0], 1, 1)).days / span

    step = max(1, math.ceil(len(years) / 12))
    ticks = "".join(
        f'<line x1="{x(date(year, 1, 1)):.1f}" y1="52" x2="{x(date(year, 1, 1)):.1f}" y2="58" class="pa-timeline__tick"/>'
        f'<text x="{x(date(year, 1, 1)):.1f}" y="78" class="pa-timeline__year">{year}</text>'
        for year in years[::step]
    )
    marks = []
    for version in policy.versions:
        changed = stats.get(version.slug)
        words = changed.words_added + changed.words_removed if changed else 0
        radius = 4 + min(16.0, math.sqrt(words) / 2)
        target = layout.diff_page(policy, version) if changed else layout.version_page(policy, version)
        label = f"{dates.long(version.starts)}: " + (
            f"{changed.words_added} words added, {changed.words_removed} removed"
            if changed
            else "first version"
        )
        kind = "upcoming" if version.upcoming else "current" if version is policy.current else "past"
        marks.append(
            f'<a href="{escape(link(target))}" aria-label="{escape(label)}"><title>{escape(label)}</title>'
            f'<circle cx="{x(version.starts):.1f}" cy="30" r="{max(radius, 12):.1f}" class="pa-timeline__target"/>'
            f'<circle cx="{x(version.starts):.1f}" cy="30" r="{radius:.1f}" class="pa-timeline__mark pa-timeline__mark--{kind}"/></a>'
        )
    return (
        f'<figure class="pa-timeline"><svg viewBox="0 0 {width} {height}" role="group" '
        f'aria-label="Versions of {escape(policy.title)} over time" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="{margin}" y1="55" x2="{width - margin}" y2="55" class="pa-timeline__axis"/>'
        f"{ticks}{''.join(marks)}</svg>"
        "<figcaption>Each circle is a version, sized by how many words it changed; select one to see what "
        "changed.</figcaption></figure>\n"
    )


def compare_page_title(policy: Policy) -> str:
    return f"{policy.title}: compare two versions"


def compare_form_html(policy: Policy, layout: Layout, link: Link, dates: DateFormatter) -> str:
    """Two version pickers; the comparison runs in the browser from the two version pages."""
    newest_first = list(reversed(policy.versions))

    def options(selected: Version | None) -> str:
        return "".join(
            f'<option value="{escape(v.slug)}" data-url="{escape(link(layout.version_page(policy, v)))}"'
            f"{' selected' if v is selected else ''}>{escape(dates.long(v.starts))}"
            f"{' (upcoming)' if v.upcoming else ' (current)' if v is policy.current else ''}</option>"
            for v in newest_first
        )

    older = policy.versions[-2] if len(policy.versions) > 1 else None
    versions = escape(link(layout.list_page(policy)))
    return (
        '<div class="pa-compare" data-pa-compare>\n'
        '<p class="pa-compare__intro">Choose two versions and select <strong>Compare</strong>: the later one is '
        "shown with the words added and removed since the earlier one marked in it, and unchanged passages "
        f'folded. Every version, with what it changed, is in the <a href="{versions}">list of all versions</a>.</p>\n'
        '<form class="pa-compare__form">'
        f'<label>From <select name="from">{options(older)}</select></label> '
        f'<label>To <select name="to">{options(policy.versions[-1])}</select></label> '
        '<button type="submit" class="md-button md-button--primary">Compare</button></form>\n'
        "<noscript><p>Comparing two chosen versions needs JavaScript. Without it, each version links to what it "
        "changed and to what changed since.</p></noscript>\n"
        '<p class="pa-compare__status" role="status" aria-live="polite"></p>\n'
        '<div class="pa-compare__result pa-diff pa-diff--inline"></div>\n</div>\n'
    )
