"""The pure core without a build: reading git, building the timeline, rewriting links."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from policy_archive.dates import DateFormatter
from policy_archive.gitlog import HistoryUnavailable, read_history
from policy_archive.pages import rebase_links
from policy_archive.versions import build_policy

from .conftest import Site

TODAY = date(2026, 1, 1)


def test_revisions_oldest_first_with_commit_data_and_bytes(site: Site) -> None:
    first = site.commit("2024-01-05", "First draft", **{"privacy.md": "# Privacy\n\nv1\n"})
    site.commit("2024-02-01", "Unrelated", **{"other.txt": "x"})
    second = site.commit("2024-03-10", "Say more", **{"privacy.md": "# Privacy\n\nv2\n"})

    history = read_history(site.docs).files["privacy.md"]

    assert [r.commit for r in history.revisions] == [first, second]
    assert [r.subject for r in history.revisions] == ["First draft", "Say more"]
    assert history.revisions[0].content == b"# Privacy\n\nv1\n"
    assert history.revisions[1].committed_at.isoformat() == "2024-03-10T12:00:00+00:00"
    assert history.revisions[0].author == "Writer"
    assert history.revisions[0].blob == site.git("rev-parse", f"{first}:docs/privacy.md").strip()


def test_follows_renames_and_keeps_the_old_path(site: Site) -> None:
    text = "# Terms\n\n" + "Long enough text for git to see the rename.\n" * 20
    site.commit("2024-01-05", **{"terms.md": text})
    site.git("mv", "docs/terms.md", "docs/terms-of-service.md")
    site.commit("2024-02-05", "Rename", **{"terms-of-service.md": text + "One more line.\n"})

    files = read_history(site.docs).files

    assert set(files) - {"index.md"} == {"terms-of-service.md"}
    history = files["terms-of-service.md"]
    assert [r.path for r in history.revisions] == ["terms.md", "terms-of-service.md"]
    assert history.former_paths == ["terms.md"]


def test_merge_commits_count_once_on_the_first_parent_line(site: Site) -> None:
    site.commit("2024-01-01", **{"privacy.md": "v1\n"})
    site.git("checkout", "-q", "-b", "edit")
    site.commit("2024-01-02", "Draft A", **{"privacy.md": "v2\n"})
    site.commit("2024-01-03", "Draft B", **{"privacy.md": "v3\n"})
    site.git("checkout", "-q", "main")
    site.git(
        "merge", "-q", "--no-ff", "-m", "Merge pull request #1", "edit", date="2024-01-04T12:00:00+00:00"
    )

    revisions = read_history(site.docs).files["privacy.md"].revisions

    assert [r.content for r in revisions] == [b"v1\n", b"v3\n"]
    assert revisions[-1].subject == "Merge pull request #1"


def test_docs_dir_at_the_repository_root(tmp_path: Path) -> None:
    site = Site(tmp_path, repo_dir="docs")
    site.docs.mkdir()
    site.git("init", "-q")
    site.commit("2024-01-01", **{"privacy.md": "# P\n"})

    assert read_history(site.docs).files["privacy.md"].revisions[0].path == "privacy.md"


def test_names_with_spaces_quotes_and_unicode(site: Site) -> None:
    for name in ["Commercial Terms.md", "politique de confidentialité.md", 'say "hi".md', "-dash.md"]:
        site.write(name, f"# {name}\n")
    site.commit("2024-01-01")

    files = read_history(site.docs).files

    assert (
        files["politique de confidentialité.md"].revisions[0].content
        == "# politique de confidentialité.md\n".encode()
    )
    assert {"Commercial Terms.md", 'say "hi".md', "-dash.md"} <= set(files)


def test_deleted_file_records_when(site: Site) -> None:
    site.commit("2024-01-01", **{"cookies.md": "# Cookies\n"})
    (site.docs / "cookies.md").unlink()
    gone = site.commit("2024-05-01", "Drop cookies")

    history = read_history(site.docs).files["cookies.md"]

    assert history.deleted_in == gone
    assert history.deleted_at is not None and history.deleted_at.date().isoformat() == "2024-05-01"


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(HistoryUnavailable, match=r"not inside a git repository.*git init"):
        read_history(tmp_path)


def test_git_missing_from_path(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.commit("2024-01-01", **{"privacy.md": "x\n"})
    import git

    monkeypatch.setattr(git.Git, "GIT_PYTHON_GIT_EXECUTABLE", "/nonexistent/git")
    with pytest.raises(HistoryUnavailable, match="git is not installed"):
        read_history(site.docs)


def test_empty_repository_has_no_history(site: Site) -> None:
    assert read_history(site.docs).files == {}


def test_same_day_revisions_get_distinct_stable_slugs(site: Site) -> None:
    dates = DateFormatter()
    site.commit("2024-01-05T09:00:00+00:00", **{"p.md": "a\n"})
    site.commit("2024-01-05T10:00:00+00:00", **{"p.md": "b\n"})
    before = [
        v.slug
        for v in build_policy("p.md", read_history(site.docs).files["p.md"], dates, today=TODAY).versions
    ]
    site.commit("2024-01-05T11:00:00+00:00", **{"p.md": "c\n"})
    after = [
        v.slug
        for v in build_policy("p.md", read_history(site.docs).files["p.md"], dates, today=TODAY).versions
    ]

    assert before == ["2024-01-05", "2024-01-05-2"]
    assert after == [*before, "2024-01-05-3"]


def test_days_follow_the_configured_time_zone(site: Site) -> None:
    site.commit("2024-01-05T23:30:00+00:00", **{"p.md": "a\n"})
    history = read_history(site.docs).files["p.md"]

    assert (
        build_policy("p.md", history, DateFormatter("en", "UTC"), today=TODAY).versions[0].slug
        == "2024-01-05"
    )
    assert (
        build_policy("p.md", history, DateFormatter("en", "Asia/Tokyo"), today=TODAY).versions[0].slug
        == "2024-01-06"
    )


def test_invalid_utf8_is_published_with_a_problem_naming_the_commit(site: Site) -> None:
    sha = site.commit("2024-01-05", **{"p.md": b"# Caf\xe9\n"})

    policy = build_policy("p.md", read_history(site.docs).files["p.md"], DateFormatter(), today=TODAY)

    assert policy.versions[0].latest.content == b"# Caf\xe9\n"
    assert "\ufffd" in policy.versions[0].latest.text
    assert len(policy.problems) == 1
    assert sha[:12] in policy.problems[0] and "UTF-8" in policy.problems[0]


def test_periods_run_from_one_version_to_the_next(site: Site) -> None:
    site.commit("2024-01-05", **{"p.md": "a\n"})
    site.commit("2024-03-01", **{"p.md": "b\n"})

    versions = build_policy(
        "p.md", read_history(site.docs).files["p.md"], DateFormatter(), today=TODAY
    ).versions

    assert [(str(v.starts), str(v.ends)) for v in versions] == [
        ("2024-01-05", "2024-03-01"),
        ("2024-03-01", "None"),
    ]


def test_title_from_front_matter_then_heading_then_file_name(site: Site) -> None:
    site.commit(
        "2024-01-05",
        **{
            "a.md": "---\ntitle: Cookie Notice\n---\n# Cookies\n",
            "b.md": "# Terms of Use\n",
            "c-d.md": "x\n",
        },
    )
    files = read_history(site.docs).files

    titles = [
        build_policy(p, files[p], DateFormatter(), today=TODAY).title for p in ["a.md", "b.md", "c-d.md"]
    ]

    assert titles == ["Cookie Notice", "Terms of Use", "C d"]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("[Terms](terms.md)", "[Terms](../../terms.md)"),
        ("[Terms](terms.md#liability)", "[Terms](../../terms.md#liability)"),
        ("![Logo](img/logo.png)", "![Logo](../../img/logo.png)"),
        ("[Web](https://example.org/x.md)", "[Web](https://example.org/x.md)"),
        ("[Top](#top)", "[Top](#top)"),
        ("[Gone](gone.md)", "Gone"),
        ("[t]: terms.md", "[t]: ../../terms.md"),
    ],
)
def test_rebase_links(link: str, expected: str) -> None:
    exists = {"terms.md", "img/logo.png"}.__contains__
    assert rebase_links(link, "privacy.md", "privacy/archive/2024-01-05.md", exists) == expected
