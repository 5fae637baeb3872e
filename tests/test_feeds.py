"""Atom feeds: valid for a feed reader, one entry per version, ids that never change, dates from git."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import feedparser
import pytest
from policy_archive import feeds
from policy_archive.data import directory_url
from policy_archive.dates import DateFormatter
from policy_archive.gitlog import read_history
from policy_archive.pages import Layout
from policy_archive.snapshots import read_snapshots
from policy_archive.versions import Policy, build_policy

from .conftest import Site

TODAY = date(2026, 1, 1)
SITE_URL = "https://policies.example/sub/"
DATES = DateFormatter()
LAYOUT = Layout()


def policy_text(what: str, effective: str | None = None, changes: str | None = None) -> str:
    meta = "".join(
        f"{key}: {value}\n" for key, value in (("effective", effective), ("changes", changes)) if value
    )
    front = f"---\n{meta}---\n" if meta else ""
    return f"{front}# Privacy Policy\n\nWe collect {what}.\n"


def url(src_path: str) -> str:
    """Like MkDocs: pages get directory URLs, raw files keep their names."""
    return src_path if "/raw/" in src_path else directory_url(src_path)


def policies_of(site: Site, *paths: str, today: date = TODAY) -> list[Policy]:
    history = read_history(site.docs)
    snapshots = read_snapshots(site.root / "archive")
    return [
        build_policy(path, history.files.get(path), DATES, today=today, snapshots=snapshots.get(path, ()))
        for path in paths
    ]


def parse(feed: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def as_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


@pytest.fixture
def history(site: Site) -> list[str]:
    return [
        site.commit(
            "2024-01-10T09:30:00+01:00",
            "First policy",
            **{"privacy.md": policy_text("nothing", "2024-01-15", "First version")},
        ),
        site.commit(
            "2024-01-12",
            "Fix a typo",
            **{"privacy.md": policy_text("nothing at all", "2024-01-15", "First version")},
        ),
        site.commit("2024-06-01", "Say more", **{"privacy.md": policy_text("your email")}),
        site.commit(
            "2025-11-20",
            "Announce cookies",
            **{"privacy.md": policy_text("cookies", "2026-03-01", "Cookies")},
        ),
    ]


def test_policy_feed_is_valid_atom_with_an_entry_per_version(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    parsed = parse(feeds.policy_feed(policy, LAYOUT, url, SITE_URL, DATES, author="Example policies"))

    assert parsed.version == "atom10"
    assert parsed.feed.title == "Privacy Policy: versions"
    assert parsed.feed.id == "https://policies.example/sub/privacy/archive/feed.xml"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {
        "self": "https://policies.example/sub/privacy/archive/feed.xml",
        "alternate": "https://policies.example/sub/privacy/archive/",
    }
    assert [entry.title for entry in parsed.entries] == [
        "Privacy Policy — effective March 1, 2026 (upcoming)",
        "Privacy Policy — version of June 1, 2024",
        "Privacy Policy — effective January 15, 2024",
    ]
    assert [entry.summary for entry in parsed.entries] == ["Cookies", "Say more", "First version"]


def test_entries_link_to_the_version_page_and_its_diff(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    entries = parse(feeds.policy_feed(policy, LAYOUT, url, SITE_URL, DATES)).entries

    newest, _, first = entries
    assert [(link.rel, link.href) for link in newest.links] == [
        ("alternate", "https://policies.example/sub/privacy/archive/2026-03-01/"),
        ("related", "https://policies.example/sub/privacy/archive/2026-03-01/changes/"),
    ]
    # The first version changed nothing, so it has no diff to link to.
    assert [link.rel for link in first.links] == ["alternate"]
    assert newest.link == "https://policies.example/sub/privacy/archive/2026-03-01/"


def test_diff_page_follows_the_layout(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    def diff_path(policy: Policy, version: object) -> str:
        return f"{policy.stem}/compare/{getattr(version, 'slug', '')}.md"

    entries = parse(feeds.policy_feed(policy, LAYOUT, url, SITE_URL, DATES, diff_path=diff_path)).entries

    assert entries[0].links[1].href == "https://policies.example/sub/privacy/compare/2026-03-01/"


def test_entry_dates_are_the_commit_times(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    parsed = parse(feeds.policy_feed(policy, LAYOUT, url, SITE_URL, DATES))

    first = parsed.entries[-1]
    # Published when first committed (09:30 in +01:00); announced for January 15, it changed again that day,
    # after the typo fix of January 12, when it took effect.
    assert as_utc(first.published) == datetime(2024, 1, 10, 8, 30, tzinfo=timezone.utc)
    assert as_utc(first.updated) == datetime(2024, 1, 15, tzinfo=timezone.utc)
    middle = parsed.entries[1]
    # No stated date: updated by its commit alone.
    assert as_utc(middle.updated) == as_utc(middle.published) == datetime(2024, 6, 1, 12, tzinfo=timezone.utc)
    upcoming = parsed.entries[0]
    assert (
        as_utc(upcoming.updated)
        == as_utc(upcoming.published)
        == datetime(2025, 11, 20, 12, tzinfo=timezone.utc)
    )
    # The feed is as new as its newest entry: never the time of the build.
    assert as_utc(parsed.feed.updated) == datetime(2025, 11, 20, 12, tzinfo=timezone.utc)


def test_same_history_gives_the_same_bytes(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    first = feeds.policy_feed(policy, LAYOUT, url, SITE_URL, DATES)
    [again] = policies_of(site, "privacy.md", today=date(2026, 1, 2))

    assert feeds.policy_feed(again, LAYOUT, url, SITE_URL, DATES) == first


def test_ids_are_tag_uris_that_survive_new_commits_and_renames(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")
    before = {
        entry.title: entry.id
        for entry in parse(feeds.policy_feed(policy, LAYOUT, url, SITE_URL, DATES)).entries
    }
    assert (
        before["Privacy Policy — effective January 15, 2024"]
        == "tag:policies.example,2024-01-10:privacy.md/2024-01-15"
    )

    # An editorial fix of the upcoming version, a new version, then a rename.
    site.commit("2025-11-21", "Typo", **{"privacy.md": policy_text("cookies only", "2026-03-01", "Cookies")})
    site.commit("2025-12-01", "Later", **{"privacy.md": policy_text("less", "2026-06-01", "Less")})
    site.git("mv", "docs/privacy.md", "docs/privacy-policy.md")
    site.commit("2025-12-02", "Rename")
    [renamed] = policies_of(site, "privacy-policy.md")
    after = parse(feeds.policy_feed(renamed, LAYOUT, url, SITE_URL, DATES)).entries

    ids = {entry.title.replace("Privacy Policy", "P"): entry.id for entry in after}
    assert len(after) == 4
    for title, entry_id in before.items():
        assert ids[title.replace("Privacy Policy", "P")] == entry_id
    assert (
        ids["P — effective June 1, 2026 (upcoming)"]
        == "tag:policies.example,2025-12-01:privacy.md/2026-06-01"
    )
    # The links follow the policy to its new address.
    assert after[0].link == "https://policies.example/sub/privacy-policy/archive/2026-06-01/"


def test_upcoming_version_becomes_a_plain_entry_once_in_force(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md", today=date(2026, 3, 1))

    entry = parse(feeds.policy_feed(policy, LAYOUT, url, SITE_URL, DATES)).entries[0]

    assert entry.title == "Privacy Policy — effective March 1, 2026"
    assert entry.id == "tag:policies.example,2025-11-20:privacy.md/2026-03-01"
    # The entry changed when the version took effect, after its commit: readers are told then.
    assert as_utc(entry.updated) == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert as_utc(entry.published) == datetime(2025, 11, 20, 12, tzinfo=timezone.utc)


def test_upcoming_version_is_updated_when_committed(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md", today=date(2026, 1, 1))

    entry = parse(feeds.policy_feed(policy, LAYOUT, url, SITE_URL, DATES)).entries[0]

    assert entry.title == "Privacy Policy — effective March 1, 2026 (upcoming)"
    assert as_utc(entry.updated) == datetime(2025, 11, 20, 12, tzinfo=timezone.utc)


def test_snapshot_versions_are_dated_by_their_day(site: Site, history: list[str]) -> None:
    snapshot = site.root / "archive" / "privacy" / "2006-12-07.md"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_text(
        "---\nsource: https://web.archive.org/web/2006/x\nnote: Old\n---\n# Privacy\n\nOld.\n"
    )
    [policy] = policies_of(site, "privacy.md")

    oldest = parse(feeds.policy_feed(policy, LAYOUT, url, SITE_URL, DATES)).entries[-1]

    assert oldest.id == "tag:policies.example,2006-12-07:privacy.md/2006-12-07"
    assert oldest.summary == "Old"
    assert as_utc(oldest.updated) == datetime(2006, 12, 7, tzinfo=timezone.utc)


def test_site_feed_has_every_version_of_every_policy(site: Site, history: list[str]) -> None:
    site.commit("2024-03-01", "Terms", **{"terms.md": "# Terms\n\nBe nice.\n"})
    policies = policies_of(site, "privacy.md", "terms.md")

    parsed = parse(feeds.site_feed(policies, LAYOUT, url, SITE_URL, DATES, title="Example"))

    assert parsed.feed.title == "Example: versions"
    assert parsed.feed.id == "https://policies.example/sub/feed.xml"
    assert {link.rel: link.href for link in parsed.feed.links}["alternate"] == "https://policies.example/sub/"
    assert len(parsed.entries) == 4
    # Newest change first, across policies.
    updated = [as_utc(entry.updated) for entry in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    assert "tag:policies.example,2024-03-01:terms.md/2024-03-01" in [entry.id for entry in parsed.entries]
    own = {entry.id for entry in parse(feeds.policy_feed(policies[0], LAYOUT, url, SITE_URL, DATES)).entries}
    assert own <= {entry.id for entry in parsed.entries}


def test_empty_site_feed_is_still_valid_and_reproducible() -> None:
    feed = feeds.site_feed([], LAYOUT, url, SITE_URL, DATES)

    parsed = parse(feed)
    assert parsed.entries == []
    assert as_utc(parsed.feed.updated) == datetime(1970, 1, 1, tzinfo=timezone.utc)


def test_feeds_need_an_absolute_site_url(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    with pytest.raises(ValueError, match="site_url"):
        feeds.policy_feed(policy, LAYOUT, url, "", DATES)


def test_autodiscovery_and_subscribe_links_escape_their_values() -> None:
    assert feeds.autodiscovery_link('A "B"', "feed.xml?a=1&b=2") == (
        '<link rel="alternate" type="application/atom+xml" title="A &quot;B&quot;" '
        'href="feed.xml?a=1&amp;b=2">'
    )
    assert 'href="archive/feed.xml"' in feeds.subscribe_link_html("archive/feed.xml")


def test_feed_file_is_in_the_archive_folder(site: Site, history: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    assert feeds.feed_file(policy, Layout(segment="versions")) == "privacy/versions/feed.xml"
    assert Path(feeds.SITE_FEED).name == "feed.xml"
