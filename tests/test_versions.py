"""The version model: effective dates, editorial revisions, upcoming versions, snapshots."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from policy_archive.config import EFFECTIVE_IN_TEXT
from policy_archive.dates import DateFormatter
from policy_archive.gitlog import read_history
from policy_archive.snapshots import SnapshotError, read_snapshots
from policy_archive.versions import Policy, build_date, build_policy, parse_written_date

from .conftest import Site

DATES = DateFormatter()


def policy_text(effective: str | None, body: str, changes: str | None = None) -> str:
    meta = "".join(f"{k}: {v}\n" for k, v in [("effective", effective), ("changes", changes)] if v)
    return (f"---\n{meta}---\n" if meta else "") + f"# Privacy\n\n{body}\n"


def build(site: Site, today: date = date(2026, 1, 1), **options: object) -> Policy:
    history = read_history(site.docs).files.get("privacy.md")
    return build_policy("privacy.md", history, DATES, today=today, **options)  # type: ignore[arg-type]


def test_commits_that_keep_the_effective_date_are_editorial_revisions(site: Site) -> None:
    site.commit(
        "2024-01-02", "v1", **{"privacy.md": policy_text("2024-01-15", "Frist text.", "First version")}
    )
    site.commit(
        "2024-01-20", "Fix typo", **{"privacy.md": policy_text("2024-01-15", "First text.", "First version")}
    )
    site.commit(
        "2024-06-01", "v2", **{"privacy.md": policy_text("2024-07-01", "Second text.", "Adds cookies")}
    )

    policy = build(site)

    assert [v.slug for v in policy.versions] == ["2024-01-15", "2024-07-01"]
    first = policy.versions[0]
    assert [r.slug for r in first.revisions] == ["2024-01-02", "2024-01-20"]
    assert "First text." in first.latest.body
    assert (first.starts, first.ends, first.effective) == (date(2024, 1, 15), date(2024, 7, 1), True)
    assert first.last_updated == date(2024, 1, 20)
    assert policy.versions[1].changes == "Adds cookies"


def test_without_effective_each_commit_is_a_version(site: Site) -> None:
    site.commit("2024-01-02", **{"privacy.md": policy_text(None, "a")})
    site.commit("2024-01-20", **{"privacy.md": policy_text(None, "b")})

    versions = build(site).versions

    assert [(v.slug, v.effective, len(v.revisions)) for v in versions] == [
        ("2024-01-02", False, 1),
        ("2024-01-20", False, 1),
    ]


def test_a_future_effective_date_is_upcoming_until_that_day(site: Site) -> None:
    site.commit("2024-01-02", **{"privacy.md": policy_text("2024-01-02", "in force")})
    site.commit("2024-05-01", **{"privacy.md": policy_text("2024-06-01", "announced")})

    before = build(site, today=date(2024, 5, 31))
    on_the_day = build(site, today=date(2024, 6, 1))

    assert before.current is not None and before.current.slug == "2024-01-02"
    assert [v.slug for v in before.upcoming] == ["2024-06-01"]
    assert on_the_day.current is not None and on_the_day.current.slug == "2024-06-01"
    assert on_the_day.upcoming == []


def test_bad_front_matter_in_an_old_revision_warns_and_falls_back(site: Site) -> None:
    bad = site.commit("2024-01-02", **{"privacy.md": "---\neffective: soon\n---\n# Privacy\n\nold\n"})
    broken = site.commit("2024-02-02", **{"privacy.md": "---\neffective: [unclosed\n---\n# Privacy\n\nmid\n"})
    site.commit("2024-03-02", **{"privacy.md": policy_text("2024-03-15", "new")})

    policy = build(site)

    assert [v.slug for v in policy.versions] == ["2024-01-02", "2024-02-02", "2024-03-15"]
    assert len(policy.problems) == 2
    assert bad[:12] in policy.problems[0] and "privacy.md" in policy.problems[0]
    assert (
        "'effective'" in policy.problems[0]
        and "YYYY-MM-DD" in policy.problems[0]
        and "'soon'" in policy.problems[0]
    )
    assert broken[:12] in policy.problems[1] and "not valid YAML" in policy.problems[1]


def test_effective_date_read_from_the_text(site: Site) -> None:
    site.commit("2024-01-02", **{"privacy.md": "# Privacy\n\n**Effective: January 15, 2024**\n\ntext\n"})
    site.commit(
        "2024-02-02", **{"privacy.md": "# Privacy\n\n**Effective: January 15, 2024**\n\nfixed text\n"}
    )
    site.commit("2024-03-02", **{"privacy.md": "# Privacy\n\nLast updated: 1 March 2024\n\nmore\n"})

    policy = build(site, effective_pattern=re.compile(EFFECTIVE_IN_TEXT))

    assert [(v.slug, len(v.revisions)) for v in policy.versions] == [("2024-01-15", 2), ("2024-03-01", 1)]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("January 1, 2026", date(2026, 1, 1)),
        ("1 December 2025", date(2025, 12, 1)),
        ("2025-12-01", date(2025, 12, 1)),
        ("March 3rd, 2019", date(2019, 3, 3)),
        ("Sept. 4, 2020", None),
        ("February 30, 2020", None),
    ],
)
def test_parse_written_date(written: str, expected: date | None) -> None:
    assert parse_written_date(written, DATES) == expected


def test_parse_written_date_in_the_site_language() -> None:
    assert parse_written_date("1. März 2024", DateFormatter("de")) == date(2024, 3, 1)


def test_snapshots_merge_into_the_timeline_by_day(site: Site, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "privacy").mkdir(parents=True)
    (archive / "privacy" / "2006-12-07.md").write_text(
        "---\nsource: https://web.archive.org/web/20061207222909/http://www.getresponse.com/privacy.html\n"
        "captured: 2006-12-07\n---\n# Privacy\n\n2006 text\n"
    )
    (archive / "privacy" / "2024-02-01.md").write_text("# Privacy\n\ncaptured between commits\n")
    site.commit("2024-01-02", **{"privacy.md": policy_text(None, "first commit")})
    site.commit("2024-03-02", **{"privacy.md": policy_text(None, "second commit")})

    policy = build(site, snapshots=read_snapshots(archive)["privacy.md"])

    assert [v.slug for v in policy.versions] == ["2006-12-07", "2024-01-02", "2024-02-01", "2024-03-02"]
    first = policy.versions[0].latest
    assert first.snapshot is not None and first.commit is None
    assert first.capture_source == "the Wayback Machine"
    assert policy.versions[0].ends == date(2024, 1, 2)


def test_a_snapshot_on_the_day_of_a_commit_never_takes_the_commits_slug(site: Site, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "privacy").mkdir(parents=True)
    (archive / "privacy" / "2024-01-02.md").write_text("# Privacy\n\nsnapshot\n")
    site.commit("2024-01-02", **{"privacy.md": policy_text(None, "commit")})

    policy = build(site, snapshots=read_snapshots(archive)["privacy.md"])

    by_slug = {v.slug: v.latest for v in policy.versions}
    assert by_slug["2024-01-02"].commit is not None
    assert by_slug["2024-01-02-2"].snapshot is not None


@pytest.mark.parametrize("name", ["2006-13-07.md", "dec-2006.md", "2006-12-7.md"])
def test_snapshot_with_a_bad_name_is_an_error_naming_it(tmp_path: Path, name: str) -> None:
    (tmp_path / "archive" / "privacy").mkdir(parents=True)
    (tmp_path / "archive" / "privacy" / name).write_text("x")

    with pytest.raises(SnapshotError, match=re.escape(f"archive/privacy/{name}") + ".*YYYY-MM-DD"):
        read_snapshots(tmp_path / "archive")


def test_snapshot_leading_outside_the_archive_is_refused(tmp_path: Path) -> None:
    (tmp_path / "archive" / "privacy").mkdir(parents=True)
    (tmp_path / "secret.md").write_text("x")
    (tmp_path / "archive" / "privacy" / "2020-01-01.md").symlink_to(tmp_path / "secret.md")

    with pytest.raises(SnapshotError, match="leads outside archive/"):
        read_snapshots(tmp_path / "archive")


def test_snapshot_outside_a_policy_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "2020-01-01.md").write_text("x")

    with pytest.raises(SnapshotError, match="folder of its policy"):
        read_snapshots(tmp_path / "archive")


def test_build_date_honours_source_date_epoch() -> None:
    assert build_date("1717200000", DATES) == date(2024, 6, 1)
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        build_date("tomorrow", DATES)


def test_withdrawn_policy_keeps_its_history(site: Site) -> None:
    site.commit("2024-01-02", **{"privacy.md": policy_text(None, "text")})
    (site.docs / "privacy.md").unlink()
    site.commit("2024-09-30", "Withdraw the policy")

    policy = build(site)

    assert policy.withdrawn_on == date(2024, 9, 30)
    assert len(policy.versions) == 1
