"""The `policy-archive` command on fixture repositories, including how it fails."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from policy_archive import data
from policy_archive.cli import Progress, main, render_word_diff

from .conftest import Site
from .test_feeds import policy_text

JAN_2026 = "1767225600"  # 2026-01-01T00:00:00Z


@pytest.fixture
def repo(site: Site, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A site with three versions of the privacy policy (one with an editorial fix) and one upcoming."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JAN_2026)
    monkeypatch.delenv("NO_COLOR", raising=False)
    site.config_file()
    monkeypatch.chdir(site.root)
    return [
        site.commit(
            "2024-01-10", "First policy", **{"privacy.md": policy_text("nothing", "2024-01-15", "First")}
        ),
        site.commit(
            "2024-01-12", "Typo", **{"privacy.md": policy_text("nothing at all", "2024-01-15", "First")}
        ),
        site.commit("2024-06-01", "Say more", **{"privacy.md": policy_text("your email and your name")}),
        site.commit(
            "2025-11-20", "Announce", **{"privacy.md": policy_text("cookies", "2026-03-01", "Cookies")}
        ),
    ]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(err: str, *words: str) -> None:
    assert err.count("\n") == 1 and "error:" in err, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


# --------------------------------------------------------------------------- --help and usage


@pytest.mark.parametrize("command", [[], ["log"], ["diff"], ["check"], ["import"]])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])

    assert exit_info.value.code == 0
    assert "usage: policy-archive" in capsys.readouterr().out


def test_usage_errors_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["log"])

    assert exit_info.value.code == 2
    assert_one_line_error(capsys.readouterr().err, "PATH", "--help")


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "log" in capsys.readouterr().out


def test_without_mkdocs_yml_it_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    status, _, err = run(capsys, "check")

    assert status == 1
    assert_one_line_error(err, "no mkdocs.yml", "--config-file", "--docs-dir")


def test_bad_plugin_option_is_reported(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    site.plugin_options = {"time_zone": "Mars/Olympus"}
    site.config_file()

    status, _, err = run(capsys, "log", "docs/privacy.md")

    assert status == 1
    assert_one_line_error(err, "time_zone", "Mars/Olympus")


def test_not_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "privacy.md").write_text("# Privacy\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.chdir(tmp_path)

    status, _, err = run(capsys, "log", "docs/privacy.md")

    assert status == 1
    assert_one_line_error(err, "not inside a git repository", "git init")


def test_mkdocs_yml_tags_are_read_without_mkdocs(
    site: Site, repo: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SITE_URL", "https://env.example/")
    (site.root / "site.yml").write_text(
        "site_name: Tagged\nsite_url: !ENV [SITE_URL, 'https://default.example/']\ndocs_dir: docs\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - policy-archive:\n      archive_segment: versions\n"
    )

    status, out, _ = run(capsys, "log", "--config-file", "site.yml", "--json", "docs/privacy.md")

    assert status == 0
    document = json.loads(out)
    assert document["policy"]["archive_url"] == "https://env.example/privacy/versions/"


# --------------------------------------------------------------------------- log


def test_log_lists_versions_newest_first(repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "log", "docs/privacy.md")

    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "Privacy Policy (privacy.md): 3 versions, 4 revisions"
    table = [line.split() for line in lines[2:7]]
    assert table[0] == ["VERSION", "EFFECTIVE", "STATUS", "DATE", "COMMIT", "+/-", "CHANGE", "NOTE"]
    assert table[1][:5] == ["2026-03-01", "2026-03-01", "upcoming", "2025-11-20", repo[3][:10]]
    assert table[1][-1] == "Cookies"
    assert table[2][:5] == ["2024-06-01", "2024-06-01*", "current", "2024-06-01", repo[2][:10]]
    assert table[3][:5] == ["2024-01-15", "2024-01-15", "past", "2024-01-12", repo[1][:10]]
    assert table[3][5:] == ["+2", "-0", "(editorial)", "Typo"]
    assert table[4] == ["2024-01-10", repo[0][:10], "new", "First"]
    assert "* no effective date stated" in out


def test_log_tells_two_versions_of_one_day_apart(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    site.commit("2026-05-18T09:00:00+00:00", "Morning", **{"privacy.md": "# Privacy Policy\n\nMorning.\n"})
    site.commit("2026-05-18T17:00:00+00:00", "Evening", **{"privacy.md": "# Privacy Policy\n\nEvening.\n"})

    status, out, _ = run(capsys, "log", "docs/privacy.md")

    assert status == 0
    slugs = [line.split()[0] for line in out.splitlines()[3:5]]
    assert slugs == ["2026-05-18-2", "2026-05-18"]
    assert run(capsys, "diff", "docs/privacy.md", "2026-05-18", "2026-05-18-2")[0] == 0


def test_log_accepts_a_path_inside_the_docs(repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "log", "privacy.md")

    assert status == 0
    assert out.startswith("Privacy Policy (privacy.md)")


def test_log_json_is_versions_json(repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "log", "--json", "docs/privacy.md")

    assert status == 0
    document = json.loads(out)
    jsonschema.Draft202012Validator(data.schema("versions")).validate(document)
    revisions = [revision for version in document["versions"] for revision in version["revisions"]]
    assert [revision["commit"] for revision in revisions] == repo
    # From mkdocs.yml's site_url, with the URLs MkDocs gives the pages and raw files.
    assert document["versions"][0]["url"] == "https://policies.example/privacy/archive/2024-01-15/"
    assert document["versions"][0]["raw_url"] == "https://policies.example/privacy/archive/raw/2024-01-12.md"


def test_log_of_a_missing_policy(repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "log", "docs/nope.md")

    assert status == 1 and out == ""
    assert_one_line_error(err, "docs/nope.md", "no such policy")


def test_log_of_something_not_markdown(repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "log", "mkdocs.yml")

    assert status == 1
    assert_one_line_error(err, "Markdown")


def test_log_of_a_withdrawn_policy(site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    site.git("rm", "-q", "docs/privacy.md")
    site.commit("2025-12-01", "Withdraw")

    status, out, _ = run(capsys, "log", "docs/privacy.md")

    assert status == 0
    assert "withdrawn on 2025-12-01" in out.splitlines()[0]


def test_log_of_an_uncommitted_policy(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    site.write("terms.md", "# Terms\n")

    status, out, _ = run(capsys, "log", "docs/terms.md")

    assert status == 0
    assert "No versions yet" in out


# --------------------------------------------------------------------------- diff


def test_diff_defaults_to_previous_against_current(
    repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "diff", "docs/privacy.md")

    assert status == 0, err
    assert out.startswith(f"--- version 2024-01-15 (previous): commit {repo[1][:10]}, 2024-01-12\n")
    assert f"+++ version 2024-06-01 (current): commit {repo[2][:10]}, 2024-06-01\n" in out
    assert "We collect [-nothing at all-]{+your email and your name+}." in out
    assert "\x1b[" not in out  # not a terminal: text markers, no colour


def test_diff_between_dates_and_commits(repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "diff", "docs/privacy.md", "2024-03-01", repo[3][:7])

    assert status == 0
    assert "--- version 2024-01-15 (in force on 2024-03-01)" in out
    assert f"+++ revision 2025-11-20 of version 2026-03-01: commit {repo[3][:10]}, 2025-11-20" in out
    assert "effective: [-2024-01-15-]{+2026-03-01+}" in out
    assert "changes: [-First-]{+Cookies+}" in out


def test_diff_from_only_compares_with_the_current_version(
    repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "diff", "docs/privacy.md", repo[0][:8])

    assert status == 0
    assert f"--- revision 2024-01-10 of version 2024-01-15: commit {repo[0][:10]}" in out
    assert "+++ version 2024-06-01 (current)" in out
    assert "[-nothing-]" in out


def test_diff_in_colour(repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "diff", "--color", "always", "docs/privacy.md")

    assert status == 0
    assert "\x1b[32myour email and your name\x1b[0m" in out
    assert "[-" not in out


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("2023-01-01", "no version of privacy.md was in force on 2023-01-01"),
        ("2024-02-30", "is not a date"),
        ("deadbeef", "unknown version 'deadbeef'"),
        ("latest", "unknown version 'latest'"),
    ],
)
def test_diff_of_an_unknown_version(
    ref: str, message: str, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "diff", "docs/privacy.md", ref)

    assert status == 1 and out == ""
    assert_one_line_error(err, message)


def test_diff_of_a_single_version(site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    site.commit("2025-12-01", "Terms", **{"terms.md": "# Terms\n"})

    status, _, err = run(capsys, "diff", "docs/terms.md")

    assert status == 1
    assert_one_line_error(err, "nothing to compare")


def test_word_diff_shows_context_around_changes() -> None:
    old = "".join(f"line {n}\n" for n in range(20))
    new = old.replace("line 10\n", "line ten\n")

    lines = list(render_word_diff(old, new, colour=False, context=1))

    assert lines == ["@@ line 10 @@", "line 9", "line [-10-]{+ten+}", "line 11"]
    assert len(list(render_word_diff(old, new, colour=False, context=None))) == 20


def test_word_diff_of_added_and_removed_lines() -> None:
    lines = list(render_word_diff("a\nb\n", "a\nc\nd\n", colour=False, context=None))

    assert lines == ["a", "[-b-]{+c+}", "{+d+}"]


# --------------------------------------------------------------------------- check


def test_check_passes_on_a_clean_history(repo: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check")

    assert status == 0
    assert out == "No problems (1 policy, 4 revisions).\n"


def test_check_finds_bad_front_matter_in_the_history(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    text = "---\neffective: 2026-03-01\nchanges: [1, 2]\n---\n# Privacy Policy\n"
    bad = site.commit("2025-12-01", "Oops", **{"privacy.md": text})
    site.commit("2025-12-02", "Fix", **{"privacy.md": policy_text("cookies", "2026-03-01", "Cookies")})

    status, out, _ = run(capsys, "check")

    assert status == 1
    assert f"privacy.md at commit {bad[:12]} (2025-12-01): front matter key 'changes'" in out
    assert "got [1, 2]" in out
    assert "  fix: this commit is past history" in out
    assert out.endswith("1 problem found (1 policy, 6 revisions).\n")


def test_check_since_skips_problems_of_older_commits(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    site.commit("2025-12-01", "Oops", **{"privacy.md": "---\ntitle: [unclosed\n---\n# Privacy Policy\n"})
    good = site.commit("2025-12-02", "Fix", **{"privacy.md": policy_text("cookies", "2026-03-01", "Cookies")})

    assert run(capsys, "check")[0] == 1
    assert run(capsys, "check", "--since", good)[0] == 0
    status, out, _ = run(capsys, "check", "--since", repo[-1])
    assert status == 1 and "front matter is not valid YAML" in out
    status, _, err = run(capsys, "check", "--since", "no-such-branch")
    assert status == 1
    assert_one_line_error(err, "--since no-such-branch")


def test_check_finds_effective_dates_going_backwards(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    back = site.commit("2025-12-01", "Back", **{"privacy.md": policy_text("less", "2025-01-01", "Less")})

    status, out, _ = run(capsys, "check")

    assert status == 1
    assert (
        f"privacy.md at commit {back[:12]} (2025-12-01): the version's start went back to 2025-01-01" in out
    )
    assert "starts on 2026-03-01" in out
    assert "fix: state the right `effective:` date" in out


def test_check_finds_problems_in_the_working_copy(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    site.write("privacy.md", "---\nchanges: 3\n---\n# Privacy Policy\n")

    status, out, _ = run(capsys, "check")

    assert status == 1
    assert "privacy.md (uncommitted): front matter key 'changes': expected a line of text, got 3" in out


def test_check_finds_snapshot_problems(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    archive = site.root / "archive"
    (archive / "privacy").mkdir(parents=True)
    (archive / "privacy" / "2006-13-07.md").write_text("# Old\n")
    (archive / "stray.md").write_text("# Stray\n")

    status, out, _ = run(capsys, "check")

    assert status == 1
    assert "archive/privacy/2006-13-07.md: a snapshot is named after the day it shows" in out
    assert "archive/stray.md: a snapshot belongs in the folder of its policy" in out


def test_check_finds_snapshots_without_provenance_or_policy(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    archive = site.root / "archive"
    (archive / "privacy").mkdir(parents=True)
    (archive / "privacy" / "2006-12-07.md").write_text("---\neffective: never\n---\n# Old\n")
    (archive / "cookies").mkdir()
    (archive / "cookies" / "2007-01-01.md").write_text("---\nsource: https://example.org/\n---\n# Cookies\n")

    status, out, _ = run(capsys, "check")

    assert status == 1
    assert "archive/privacy/2006-12-07.md: the snapshot does not say where it comes from" in out
    assert "archive/privacy/2006-12-07.md: front matter key 'effective'" in out
    assert "archive/cookies/2007-01-01.md: there is no policy cookies.md" in out


def test_check_finds_a_shallow_clone(
    site: Site,
    repo: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{site.root}", str(clone)],
        check=True,
        capture_output=True,
    )
    monkeypatch.chdir(clone)

    status, out, _ = run(capsys, "check")

    assert status == 1
    assert "git repository: this is a shallow clone" in out
    assert "fix: run `git fetch --unshallow`" in out


# --------------------------------------------------------------------------- import


def test_import_markdown_adds_a_snapshot_with_provenance(
    site: Site, repo: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "old.md"
    source.write_text("---\nchanges: The first text\n---\n# Privacy\n\nOld text.\n")

    status, out, err = run(
        capsys,
        "import",
        "docs/privacy.md",
        str(source),
        "--date",
        "2006-12-07",
        "--source",
        "https://web.archive.org/web/20061207/http://x.example/privacy.html",
    )

    assert status == 0, err
    target = site.root / "archive" / "privacy" / "2006-12-07.md"
    assert out.startswith("Added archive/privacy/2006-12-07.md")
    assert target.read_text() == (
        "---\nchanges: The first text\n"
        "source: https://web.archive.org/web/20061207/http://x.example/privacy.html\n"
        "captured: 2006-12-07\nnote: Imported from old.md\n---\n\n# Privacy\n\nOld text.\n"
    )
    # The build and the other commands see it at once.
    status, out, _ = run(capsys, "log", "--json", "docs/privacy.md")
    snapshot = json.loads(out)["versions"][0]["revisions"][0]["snapshot"]
    assert snapshot["captured"] == "2006-12-07" and snapshot["capture_source"] == "the Wayback Machine"
    assert run(capsys, "check")[0] == 0


def test_import_html_converts_the_main_content(
    site: Site, repo: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "privacy.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Privacy</title><script>var x = 1;</script></head><body>"
        '<div id="wm-ipp-base">Wayback toolbar</div>'
        "<nav>Menu</nav><main><h1>Privacy Policy</h1><p>We <strong>care</strong>. See "
        '<a href="/web/20061207/http://x.example/terms.html">terms</a>.</p><ul><li>One</li><li>Two</li></ul>'
        "</main></body></html>",
        encoding="utf-8",
    )

    status, _, err = run(
        capsys,
        "import",
        "privacy.md",
        str(page),
        "--date",
        "2006-12-07",
        "--source",
        "https://x.example/",
        "--captured",
        "2006-12-08",
        "--note",
        "Saved by hand",
    )

    assert status == 0, err
    text = (site.root / "archive" / "privacy" / "2006-12-07.md").read_text()
    assert text.startswith(
        "---\nsource: https://x.example/\ncaptured: 2006-12-08\nnote: Saved by hand\n---\n"
    )
    assert (
        "# Privacy Policy\n\nWe **care**. See [terms](http://x.example/terms.html).\n\n- One\n- Two\n" in text
    )
    for unwanted in ("Wayback toolbar", "Menu", "var x"):
        assert unwanted not in text


def test_import_refuses_to_overwrite(
    site: Site, repo: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "old.md"
    source.write_text("# Old\n")
    args = [
        "import",
        "docs/privacy.md",
        str(source),
        "--date",
        "2006-12-07",
        "--source",
        "https://x.example/",
    ]
    assert run(capsys, *args)[0] == 0
    before = (site.root / "archive" / "privacy" / "2006-12-07.md").read_bytes()

    status, _, err = run(capsys, *args)

    assert status == 1
    assert_one_line_error(err, "already exists")
    assert (site.root / "archive" / "privacy" / "2006-12-07.md").read_bytes() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--date": "2006-12-32"}, "--date '2006-12-32' is not a date"),
        ({"--date": "7 Dec 2006"}, "is not a date"),
        ({"--date": "2027-01-01"}, "is in the future"),
        ({"--captured": "yesterday"}, "--captured 'yesterday' is not a date"),
        ({"--source": "x.example/privacy"}, "is not a web address"),
        ({"--source": "ftp://x.example/"}, "is not a web address"),
        ({"policy": "docs/cookies.md"}, "no such policy"),
        ({"file": "missing.md"}, "missing.md: no such file"),
    ],
)
def test_import_validates_its_arguments(
    change: dict[str, str],
    message: str,
    site: Site,
    repo: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "old.md"
    source.write_text("# Old\n")
    values = {
        "policy": "docs/privacy.md",
        "file": str(source),
        "--date": "2006-12-07",
        "--source": "https://x.example/",
    }
    values.update(change)
    options = [part for key, value in values.items() if key.startswith("--") for part in (key, value)]

    status, _, err = run(capsys, "import", values["policy"], values["file"], *options)

    assert status == 1
    assert_one_line_error(err, message)
    assert not (site.root / "archive").exists()


def test_import_rejects_text_that_is_not_utf8(
    site: Site, repo: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "old.md"
    source.write_bytes("# Caf\u00e9\n".encode("latin-1"))

    status, _, err = run(
        capsys,
        "import",
        "docs/privacy.md",
        str(source),
        "--date",
        "2006-12-07",
        "--source",
        "https://x.example/",
    )

    assert status == 1
    assert_one_line_error(err, "not UTF-8")


def test_same_day_commits_without_effective_dates_are_fine(
    site: Site, repo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    site.commit("2025-12-01T09:00:00+00:00", "Morning", **{"terms.md": "# Terms\n\nOne.\n"})
    site.commit("2025-12-01T15:00:00+00:00", "Afternoon", **{"terms.md": "# Terms\n\nTwo.\n"})

    status, out, _ = run(capsys, "check")

    assert status == 0, out
    status, out, _ = run(capsys, "log", "docs/terms.md")
    assert "2025-12-01*" in out and "2 versions" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_on_a_terminal() -> None:
    terminal, pipe = _Terminal(), io.StringIO()

    for stream in (terminal, pipe):
        progress = Progress(stream)
        progress.show("Reading…")
        progress.clear()

    assert terminal.getvalue() == "\r\x1b[KReading…\r\x1b[K"
    assert pipe.getvalue() == ""
