"""Bad inputs: each gets a clear message (a WARNING, or an ERROR that stops the build), never a traceback,
and no revision is lost: the raw Markdown of every revision is published byte for byte as `git show` gives it.

One test per case; the table in README.md ("When the input is wrong") lists them.
"""

from __future__ import annotations

import html as html_module
import json
import logging
import re
import subprocess
import time
from pathlib import Path

import feedparser
import git
import pytest
from mkdocs.exceptions import Abort

from .conftest import Built, Site, warning_messages

# --------------------------------------------------------------------------------------------------
# Helpers


def git_show(site: Site, commit: str, path: str) -> bytes:
    """The bytes git holds for `path` (relative to the repository's top) at `commit`."""
    return subprocess.run(
        ["git", "show", f"{commit}:{path}"], cwd=site.root / site.repo_dir, capture_output=True, check=True
    ).stdout


def assert_raws(site: Site, built: Built, stem: str, expected: dict[str, tuple[str, str]]) -> None:
    """The policy at `stem` publishes exactly the raw files `expected` (slug -> (commit, repo path)), each
    byte-identical to `git show`."""
    raw_dir = built.site / stem / "archive" / "raw"
    published = sorted(p.stem for p in raw_dir.glob("*.md")) if raw_dir.is_dir() else []
    assert published == sorted(expected), f"raw files of {stem}: {published}, expected {sorted(expected)}"
    for slug, (commit, path) in expected.items():
        got = (raw_dir / f"{slug}.md").read_bytes()
        want = git_show(site, commit, path)
        assert got == want, (
            f"{stem}/archive/raw/{slug}.md differs from git show {commit[:12]}:{path} "
            f"({len(got)} vs {len(want)} bytes)"
        )


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert record.exc_info is None, f"traceback logged: {record.getMessage()}"
        assert "Traceback (most recent call last)" not in record.getMessage()


def error_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def build_quietly(site: Site, caplog: pytest.LogCaptureFixture, strict: bool = False) -> Built:
    """A build that must succeed: any exception other than a clean result is a product bug."""
    built = site.build(strict=strict)
    assert_no_traceback(caplog)
    return built


def banner(html: str) -> str:
    found = re.search(r'<aside class="pa-banner.*?</aside>', html, re.DOTALL)
    assert found is not None, "no banner"
    return found[0]


def banner_text(html: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", "", banner(html))))


def version_slugs(built: Built, stem: str) -> list[str]:
    return sorted(p.name for p in (built.site / stem / "archive").iterdir() if p.name[:1].isdigit())


POLICY = "# Privacy Policy\n\nWe collect {what}.\n"


# --------------------------------------------------------------------------------------------------
# Where the history comes from


def test_not_a_git_repo(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    plain = Site(tmp_path / "plain")
    plain.docs.mkdir(parents=True)
    plain.write("privacy.md", POLICY.format(what="nothing"))

    built = build_quietly(plain, caplog)

    assert "We collect nothing." in built.html("privacy/")
    assert not (built.site / "privacy/archive").exists()
    messages = warning_messages(caplog)
    assert len(messages) == 1, messages
    assert "not inside a git repository" in messages[0] and "git init" in messages[0]
    with pytest.raises(Abort):  # a deploy with --strict does not publish a site without its archive
        plain.build(strict=True)


def test_shallow_clone(site: Site, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    site.commit("2023-01-01", **{"privacy.md": POLICY.format(what="nothing")})
    last = site.commit("2024-01-01", **{"privacy.md": POLICY.format(what="your email")})
    clone = Site(tmp_path / "shallow")
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{site.root}", str(clone.root)], check=True)

    built = build_quietly(clone, caplog)

    messages = [m for m in warning_messages(caplog) if "shallow" in m]
    assert len(messages) == 1, warning_messages(caplog)
    assert "git fetch --unshallow" in messages[0] and "fetch-depth: 0" in messages[0]
    # What the clone holds is published; nothing in it is lost.
    assert_raws(clone, built, "privacy", {"2024-01-01": (last, "docs/privacy.md")})
    with pytest.raises(Abort):
        clone.build(strict=True)


def test_git_missing_from_path(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site.commit("2024-01-01", **{"privacy.md": POLICY.format(what="nothing")})
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("GIT_PYTHON_GIT_EXECUTABLE", raising=False)
    monkeypatch.setattr(git.Git, "GIT_PYTHON_GIT_EXECUTABLE", "git")

    built = build_quietly(site, caplog)

    assert "We collect nothing." in built.html("privacy/")
    messages = warning_messages(caplog)
    assert len(messages) == 1, messages
    assert "git is not installed or not on PATH" in messages[0] and "GIT_PYTHON_GIT_EXECUTABLE" in messages[0]
    with pytest.raises(Abort):
        site.build(strict=True)


def test_git_executable_set_to_a_missing_file(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site.commit("2024-01-01", **{"privacy.md": POLICY.format(what="nothing")})
    monkeypatch.setattr(git.Git, "GIT_PYTHON_GIT_EXECUTABLE", str(tmp_path / "nowhere" / "git"))

    build_quietly(site, caplog)

    messages = warning_messages(caplog)
    assert len(messages) == 1 and "git is not installed or not on PATH" in messages[0], messages


def test_empty_repo(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    empty = Site(tmp_path / "empty")
    empty.docs.mkdir(parents=True)
    empty.git("init", "-q", "-b", "main")
    empty.write("privacy.md", POLICY.format(what="nothing"))

    built = build_quietly(empty, caplog)

    assert "We collect nothing." in built.html("privacy/")
    assert not (built.site / "privacy/archive").exists()
    messages = warning_messages(caplog)
    assert any("commit" in m and "git commit" in m for m in messages), messages


def test_empty_repo_builds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Whatever the message, an empty repository builds the current pages without a traceback."""
    empty = Site(tmp_path / "empty")
    empty.docs.mkdir(parents=True)
    empty.git("init", "-q", "-b", "main")
    empty.write("index.md", "# Policies\n\n<!-- policy-archive:policies -->\n")
    empty.write("privacy.md", POLICY.format(what="nothing"))

    built = build_quietly(empty, caplog)

    assert "We collect nothing." in built.html("privacy/")
    assert "not yet committed" in built.html("")


# --------------------------------------------------------------------------------------------------
# What the files hold


def test_non_utf8_history(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    latin1 = b"# Caf\xe9 policy\n\nNa\xefve \xff\xfe bytes.\n"
    old = site.commit("2024-01-05", "Update", **{"privacy.md": latin1})
    new = site.commit("2024-02-05", **{"privacy.md": "# Café policy\n\nNaïve bytes.\n"})

    built = build_quietly(site, caplog)

    assert_raws(
        site,
        built,
        "privacy",
        {"2024-01-05": (old, "docs/privacy.md"), "2024-02-05": (new, "docs/privacy.md")},
    )
    page = built.html("privacy/archive/2024-01-05/")
    assert "Caf\ufffd policy" in page and "Na\ufffdve \ufffd\ufffd bytes." in page
    messages = [m for m in warning_messages(caplog) if "not valid UTF-8" in m]
    assert len(messages) == 1, warning_messages(caplog)
    assert "privacy.md" in messages[0] and old[:12] in messages[0] and "UTF-8" in messages[0]
    assert "Re-save the file as UTF-8" in messages[0]


def test_non_utf8_commit_subject_and_author(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    site.write("privacy.md", POLICY.format(what="nothing"))
    site.git("add", "-A")
    tree = site.git("write-tree").strip()
    # Latin-1 bytes in the author and the message, with no encoding header: what an old tool could write.
    # (`git commit` itself would convert them to UTF-8, so the commit object is written by hand.)
    raw = (
        f"tree {tree}\n".encode()
        + b"author Ren\xe9e <w@example.org> 1704456000 +0000\n"
        + b"committer Ren\xe9e <w@example.org> 1704456000 +0000\n\n"
        + b"Politique de confidentialit\xe9\n"
    )
    made = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        input=raw,
        cwd=site.root,
        capture_output=True,
        check=True,
    )
    commit = made.stdout.decode().strip()
    site.git("update-ref", "refs/heads/main", commit)
    assert (
        b"confidentialit\xe9"
        in subprocess.run(
            ["git", "cat-file", "commit", commit], cwd=site.root, capture_output=True, check=True
        ).stdout
    )

    built = build_quietly(site, caplog)

    assert_raws(site, built, "privacy", {"2024-01-05": (commit, "docs/privacy.md")})
    assert "Politique de confidentialit\ufffd" in built.html("privacy/archive/")


def test_non_utf8_current_file(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    """The current file itself is Latin-1: its page shows U+FFFD like the archived ones, with the warning."""
    commit = site.commit("2024-01-05", "Update", **{"privacy.md": b"# Caf\xe9 policy\n"})

    built = build_quietly(site, caplog)

    assert_raws(site, built, "privacy", {"2024-01-05": (commit, "docs/privacy.md")})
    assert "Caf\ufffd policy" in built.html("privacy/")
    assert any("not valid UTF-8" in m and commit[:12] in m for m in warning_messages(caplog))


def test_one_megabyte_policy(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    paragraph = (
        "We process the data you give us only for the purpose you gave it for, and keep it no longer. "
    )
    big = "# Privacy Policy\n\n" + "".join(f"## Section {n}\n\n{paragraph * 3}\n\n" for n in range(3600))
    assert len(big.encode()) > 1_000_000
    first = site.commit("2024-01-05", **{"privacy.md": big})
    second = site.commit(
        "2024-02-05", **{"privacy.md": big.replace("Section 1800\n", "Section 1800, amended\n")}
    )

    started = time.monotonic()
    built = build_quietly(site, caplog, strict=True)
    elapsed = time.monotonic() - started

    assert_raws(
        site,
        built,
        "privacy",
        {"2024-01-05": (first, "docs/privacy.md"), "2024-02-05": (second, "docs/privacy.md")},
    )
    assert "Section 1800, amended" in built.html("privacy/")
    assert elapsed < 120, f"a 1 MB policy took {elapsed:.0f} s to build"


def test_binary_files_in_docs(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    nul = b"# Nul policy\n\nText\x00with\x00NUL bytes.\n"
    site.write("logo.png", png)
    files: dict[str, str | bytes] = {"privacy.md": POLICY.format(what="nothing"), "nul.md": nul}
    first = site.commit("2024-01-05", "Update", **files)
    site.write("logo.png", png + b"\x00")
    second = site.commit("2024-02-05", "Update", **{"nul.md": nul + b"\x00more\n"})

    built = build_quietly(site, caplog)

    assert (built.site / "logo.png").read_bytes() == png + b"\x00"
    assert not (built.site / "logo/archive").exists()  # not a policy
    assert_raws(
        site, built, "nul", {"2024-01-05": (first, "docs/nul.md"), "2024-02-05": (second, "docs/nul.md")}
    )
    assert_raws(site, built, "privacy", {"2024-01-05": (first, "docs/privacy.md")})
    assert "Nul policy" in built.html("nul/archive/2024-01-05/")


def test_front_matter_not_yaml_in_an_old_revision(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    old = site.commit(
        "2024-01-05", **{"privacy.md": "---\neffective: [2024-01-15\ntitle: : :\n---\n# Privacy\n\nold\n"}
    )
    new = site.commit("2024-02-05", **{"privacy.md": "---\neffective: 2024-02-15\n---\n# Privacy\n\nnew\n"})

    built = build_quietly(site, caplog, strict=False)

    # Raw files are named after the commit's day; the version after its effective date.
    assert_raws(
        site,
        built,
        "privacy",
        {"2024-01-05": (old, "docs/privacy.md"), "2024-02-05": (new, "docs/privacy.md")},
    )
    assert "old" in built.html("privacy/archive/2024-01-05/")
    assert "new" in built.html("privacy/archive/2024-02-15/")
    messages = [m for m in warning_messages(caplog) if "front matter" in m]
    assert len(messages) == 1, warning_messages(caplog)
    assert "privacy.md" in messages[0] and old[:12] in messages[0] and "not valid YAML" in messages[0]
    assert "line" in messages[0]


def test_front_matter_not_yaml_in_the_current_file(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    first = site.commit("2024-01-05", **{"privacy.md": "# Privacy\n\nold\n"})
    bad = site.commit("2024-02-05", **{"privacy.md": "---\neffective: [2024-02-15\n---\n# Privacy\n\nnew\n"})

    built = build_quietly(site, caplog)

    assert_raws(
        site,
        built,
        "privacy",
        {"2024-01-05": (first, "docs/privacy.md"), "2024-02-05": (bad, "docs/privacy.md")},
    )
    assert "new" in built.html("privacy/")
    messages = [m for m in warning_messages(caplog) if "front matter" in m and "not valid YAML" in m]
    assert messages and all("privacy.md" in m for m in messages), warning_messages(caplog)
    assert any(bad[:12] in m for m in messages), messages


def test_front_matter_that_is_not_a_mapping(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    old = site.commit("2024-01-05", **{"privacy.md": "---\n- just\n- a list\n---\n# Privacy\n\nold\n"})
    new = site.commit("2024-02-05", **{"privacy.md": "---\n'a string'\n---\n# Privacy\n\nnew\n"})

    built = build_quietly(site, caplog)

    assert_raws(
        site,
        built,
        "privacy",
        {"2024-01-05": (old, "docs/privacy.md"), "2024-02-05": (new, "docs/privacy.md")},
    )
    messages = [m for m in warning_messages(caplog) if "YAML mapping" in m]
    assert any(old[:12] in m for m in messages) and any(new[:12] in m for m in messages), warning_messages(
        caplog
    )


# --------------------------------------------------------------------------------------------------
# Names and paths


NAMES = {
    "with spaces": "Commercial Terms of Use.md",
    "double quote": 'The "Fair" Policy.md',
    "single quote": "Users' Rights.md",
    "unicode": "confidentialité ünd 隐私.md",
    "leading dash": "-rf.md",
    "double dash": "--help.md",
}


def test_file_names_with_spaces_quotes_unicode_leading_dash(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    for n, name in enumerate(NAMES.values()):
        site.write(name, f"# Policy {n}\n\nfirst\n")
    first = site.commit("2024-01-05")
    for n, name in enumerate(NAMES.values()):
        site.write(name, f"# Policy {n}\n\nsecond\n")
    second = site.commit("2024-02-05")

    built = build_quietly(site, caplog, strict=True)

    home = built.html("")
    for n, name in enumerate(NAMES.values()):
        stem = name.removesuffix(".md")
        assert_raws(
            site, built, stem, {"2024-01-05": (first, f"docs/{name}"), "2024-02-05": (second, f"docs/{name}")}
        )
        assert "second" in built.html(f"{stem}/")
        assert f"Policy {n}" in home


def test_rename_chain(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    body = "# Terms\n\n" + "These terms apply to everything you do on this site.\n" * 20
    a = site.commit("2024-01-05", **{"a.md": body})
    site.git("mv", "docs/a.md", "docs/b.md")
    b = site.commit("2024-02-05", "Rename to b", **{"b.md": body + "Clause b.\n"})
    site.git("mv", "docs/b.md", "docs/c.md")
    c = site.commit("2024-03-05", "Rename to c", **{"c.md": body + "Clause b.\nClause c.\n"})

    built = build_quietly(site, caplog, strict=True)

    assert_raws(
        site,
        built,
        "c",
        {"2024-01-05": (a, "docs/a.md"), "2024-02-05": (b, "docs/b.md"), "2024-03-05": (c, "docs/c.md")},
    )
    for old in ("a", "b"):
        for page, target in [
            ("index.html", "../c/"),
            ("archive/index.html", "../../c/archive/"),
            ("archive/2024-01-05/index.html", "../../../c/archive/2024-01-05/"),
            ("archive/2024-02-05/index.html", "../../../c/archive/2024-02-05/"),
        ]:
            redirect = (built.site / old / page).read_text()
            assert f'http-equiv="refresh" content="0; url={target}"' in redirect, f"{old}/{page}"
            assert (built.site / old / page).parent.joinpath(target, "index.html").resolve().exists()
    assert json.loads((built.site / "c/archive/versions.json").read_text())["policy"]["former_paths"] == [
        "a.md",
        "b.md",
    ]


def test_deleted_and_recreated_path_keeps_every_revision(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    first = site.commit("2024-01-05", **{"privacy.md": POLICY.format(what="nothing")})
    (site.docs / "privacy.md").unlink()
    site.commit("2024-02-05", "Withdraw")
    again = site.commit("2024-03-05", "Bring it back", **{"privacy.md": POLICY.format(what="your email")})

    built = build_quietly(site, caplog, strict=True)

    assert_raws(
        site,
        built,
        "privacy",
        {"2024-01-05": (first, "docs/privacy.md"), "2024-03-05": (again, "docs/privacy.md")},
    )
    assert "your email" in built.html("privacy/")
    assert "pa-banner--withdrawn" not in built.html("privacy/")


def test_deleted_and_recreated_path_shows_the_gap(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    site.commit("2024-01-05", **{"privacy.md": POLICY.format(what="nothing")})
    (site.docs / "privacy.md").unlink()
    site.commit("2024-02-05", "Withdraw")
    site.commit("2024-03-05", "Bring it back", **{"privacy.md": POLICY.format(what="your email")})

    built = build_quietly(site, caplog, strict=True)

    assert "In force from January 5, 2024 to February 5, 2024" in banner_text(
        built.html("privacy/archive/2024-01-05/")
    )


def test_merge_commits_count_once_along_the_first_parent(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    site.write("terms.md", "# Terms\n\nv1\n")
    first = site.commit("2024-01-01", **{"privacy.md": POLICY.format(what="v1")})
    site.git("checkout", "-q", "-b", "edit")
    site.commit("2024-01-02", "WIP", **{"privacy.md": POLICY.format(what="v2 draft")})
    site.commit("2024-01-03", "WIP 2", **{"privacy.md": POLICY.format(what="v2")})
    site.git("checkout", "-q", "main")
    # main moved on meanwhile, so the merge is a real one with two changed sides.
    terms = site.commit("2024-01-03", "Terms", **{"terms.md": "# Terms\n\nv2\n"})
    site.git(
        "merge", "-q", "--no-ff", "-m", "Merge pull request #7", "edit", date="2024-01-04T12:00:00+00:00"
    )
    merge = site.git("rev-parse", "HEAD").strip()
    # A merge from main into a branch and back (the branch's first parent is the branch): still one version.
    site.git("checkout", "-q", "-b", "later")
    site.commit("2024-01-05", "Later edit", **{"privacy.md": POLICY.format(what="v3")})
    site.git("checkout", "-q", "main")
    site.git(
        "merge", "-q", "--no-ff", "-m", "Merge pull request #8", "later", date="2024-01-06T12:00:00+00:00"
    )
    merge2 = site.git("rev-parse", "HEAD").strip()

    built = build_quietly(site, caplog, strict=True)

    assert_raws(
        site,
        built,
        "privacy",
        {
            "2024-01-01": (first, "docs/privacy.md"),
            "2024-01-04": (merge, "docs/privacy.md"),
            "2024-01-06": (merge2, "docs/privacy.md"),
        },
    )
    assert_raws(
        site, built, "terms", {"2024-01-01": (first, "docs/terms.md"), "2024-01-03": (terms, "docs/terms.md")}
    )
    listing = built.html("privacy/archive/")
    assert "Merge pull request #7" in listing and "WIP" not in listing


def test_commit_dates_out_of_order_and_in_the_future(
    site: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735732800")  # 2025-01-01
    first = site.commit("2024-03-01", "First", **{"privacy.md": POLICY.format(what="one")})
    older = site.commit("2024-01-01", "Clock was wrong", **{"privacy.md": POLICY.format(what="two")})
    future = site.commit("2030-01-01", "Clock far ahead", **{"privacy.md": POLICY.format(what="three")})

    built = build_quietly(site, caplog)

    assert_raws(
        site,
        built,
        "privacy",
        {
            "2024-03-01": (first, "docs/privacy.md"),
            "2024-01-01": (older, "docs/privacy.md"),
            "2030-01-01": (future, "docs/privacy.md"),
        },
    )
    messages = warning_messages(caplog)
    assert any(older[:12] in m for m in messages), messages
    assert any(future[:12] in m and "future" in m for m in messages), messages
    assert "We collect three." in built.html("privacy/")
    # Versions keep git's order: the commit dated back starts with the one before it, the one dated ahead today.
    for slug in ("2024-03-01", "2024-03-01-2", "2030-01-01"):
        assert (built.site / f"privacy/archive/{slug}/index.html").exists()
    assert "In force from March 1, 2024 to March 1, 2024." in re.sub(
        r"<[^>]+>", "", built.html("privacy/archive/2024-03-01/")
    )
    assert "In force from March 1, 2024 to January 1, 2025." in re.sub(
        r"<[^>]+>", "", built.html("privacy/archive/2024-03-01-2/")
    )
    assert "In force since January 1, 2025." in re.sub(r"<[^>]+>", "", built.html("privacy/archive/2030-01-01/"))

    # A later build date moves when the version dated ahead counts from, never its permalink.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767268800")  # 2026-01-01
    later = build_quietly(site, caplog)
    assert "In force since January 1, 2026." in re.sub(r"<[^>]+>", "", later.html("privacy/archive/2030-01-01/"))
    assert not (later.site / "privacy/archive/2026-01-01").exists()


def test_two_versions_on_one_day(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    commits = [
        site.commit(f"2024-01-01T{hour}:00:00+00:00", **{"privacy.md": POLICY.format(what=what)})
        for hour, what in (("09", "morning"), ("13", "noon"), ("17", "evening"))
    ]

    built = build_quietly(site, caplog, strict=True)

    slugs = ["2024-01-01", "2024-01-01-2", "2024-01-01-3"]
    assert_raws(
        site, built, "privacy", {slug: (c, "docs/privacy.md") for slug, c in zip(slugs, commits, strict=True)}
    )
    for slug, what in zip(slugs, ("morning", "noon", "evening"), strict=True):
        assert f"We collect {what}." in built.html(f"privacy/archive/{slug}/")


# --------------------------------------------------------------------------------------------------
# Snapshots in archive/


def test_snapshot_with_an_impossible_date(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    bad = site.root / "archive" / "privacy" / "2021-02-30.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("# Privacy\n")
    site.commit("2024-01-02", **{"privacy.md": POLICY.format(what="nothing")})

    with pytest.raises(Abort):
        site.build()
    assert_no_traceback(caplog)
    errors = error_messages(caplog)
    assert any(
        "archive/privacy/2021-02-30.md" in e and "YYYY-MM-DD.md" in e and "rename it" in e for e in errors
    ), errors


def test_snapshot_symlink_outside_archive(
    site: Site, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# Privacy\n\nfrom outside\n")
    link = site.root / "archive" / "privacy" / "2020-01-01.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    site.commit("2024-01-02", **{"privacy.md": POLICY.format(what="nothing")})

    with pytest.raises(Abort):
        site.build()
    assert_no_traceback(caplog)
    errors = error_messages(caplog)
    assert any(
        "archive/privacy/2020-01-01.md" in e and "leads outside archive/" in e and "copy the snapshot" in e
        for e in errors
    ), errors


def test_snapshot_folder_symlink_outside_archive(
    site: Site, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "2020-01-01.md").write_text("# Privacy\n\nfrom outside\n")
    (site.root / "archive").mkdir()
    (site.root / "archive" / "privacy").symlink_to(outside, target_is_directory=True)
    site.commit("2024-01-02", **{"privacy.md": POLICY.format(what="nothing")})

    with pytest.raises(Abort):
        site.build()
    assert_no_traceback(caplog)
    assert any("archive/privacy is a link to the folder" in e for e in error_messages(caplog)), (
        error_messages(caplog)
    )


def test_symlink_in_docs_is_not_a_revision(
    site: Site, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A symlinked policy in docs/: git stores the link, not a text: nothing to archive, and no crash."""
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n\ntext\n")
    (site.docs / "linked.md").symlink_to(outside)
    first = site.commit("2024-01-02", **{"privacy.md": POLICY.format(what="nothing")})

    built = build_quietly(site, caplog)

    assert_raws(site, built, "privacy", {"2024-01-02": (first, "docs/privacy.md")})
    assert not (built.site / "linked/archive/raw").exists()


# --------------------------------------------------------------------------------------------------
# Titles with HTML in them

SCRIPT_TITLE = '<script>alert(1)</script> & "Terms"'
BOLD_TITLE = "<b>Bold</b>"


@pytest.fixture
def html_titles(site: Site) -> Site:
    site.commit(
        "2024-01-05",
        **{
            "terms.md": f"# {SCRIPT_TITLE}\n\nfirst\n",
            "privacy.md": f"---\ntitle: '{BOLD_TITLE}'\n---\n# Privacy\n\nfirst\n",
        },
    )
    site.commit(
        "2024-02-05",
        **{
            "terms.md": f"# {SCRIPT_TITLE}\n\nsecond\n",
            "privacy.md": f"---\ntitle: '{BOLD_TITLE}'\n---\n# Privacy\n\nsecond\n",
        },
    )
    return site


def _assert_escaped(fragment: str, where: str) -> None:
    assert "<script>" not in fragment and "<b>" not in fragment, (
        f"unescaped title in {where}: {fragment[:500]}"
    )


def test_html_title_escaped_in_banners_and_home(html_titles: Site, caplog: pytest.LogCaptureFixture) -> None:
    built = build_quietly(html_titles, caplog, strict=True)

    for stem, title in (("terms", SCRIPT_TITLE), ("privacy", BOLD_TITLE)):
        for slug in ("2024-01-05", "2024-02-05"):
            version = built.html(f"{stem}/archive/{slug}/")
            _assert_escaped(banner(version), f"{stem} banner")
            assert html_module.escape(title) in banner(version)
        summary = re.search(r'<p class="pa-summary">.*?</p>', built.html(f"{stem}/"), re.DOTALL)
        assert summary is not None
        _assert_escaped(summary[0], f"{stem} summary")
    home = built.html("")
    table = re.search(r'<div class="pa-policies"><table>.*?</table>', home, re.DOTALL)
    assert table is not None
    _assert_escaped(table[0], "home page's policy table")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Terms&quot;" in table[0]
    assert "&lt;b&gt;Bold&lt;/b&gt;" in table[0]


def test_html_title_escaped_in_archive_list(html_titles: Site, caplog: pytest.LogCaptureFixture) -> None:
    built = build_quietly(html_titles, caplog, strict=True)

    for stem in ("terms", "privacy"):
        listing = built.html(f"{stem}/archive/")
        content = listing.split('<article class="md-content__inner md-typeset">', 1)[1].split(
            "</article>", 1
        )[0]
        _assert_escaped(content, f"{stem} archive list")


def test_html_title_reads_right_in_archive_list_heading(
    html_titles: Site, caplog: pytest.LogCaptureFixture
) -> None:
    built = build_quietly(html_titles, caplog, strict=True)

    for stem, title in (("terms", SCRIPT_TITLE), ("privacy", BOLD_TITLE)):
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", built.html(f"{stem}/archive/"), re.DOTALL)
        assert heading is not None
        shown = html_module.unescape(re.sub(r"<[^>]+>", "", heading[1]))
        assert shown == f"{title}: all versions", f"{stem} archive list heading reads {heading[1]!r}"


def test_html_title_escaped_in_generated_page_heads(
    html_titles: Site, caplog: pytest.LogCaptureFixture
) -> None:
    """The <title> and the header of the pages the archive generates (titled after the policy)."""
    built = build_quietly(html_titles, caplog, strict=True)

    for stem in ("terms", "privacy"):
        for page in (f"{stem}/archive/", f"{stem}/archive/2024-01-05/"):
            page_html = built.html(page)
            title = re.search(r"<title>(.*?)</title>", page_html, re.DOTALL)
            assert title is not None
            _assert_escaped(title[1], f"<title> of {page}")
            topic = re.findall(
                r'<span class="md-ellipsis">(.*?)</span>', page_html.split("<main", 1)[0], re.DOTALL
            )
            _assert_escaped(" ".join(topic), f"header of {page}")


def test_html_title_escaped_in_feeds_and_json(html_titles: Site, caplog: pytest.LogCaptureFixture) -> None:
    built = build_quietly(html_titles, caplog, strict=True)

    for stem, title in (("terms", SCRIPT_TITLE), ("privacy", BOLD_TITLE)):
        xml = (built.site / stem / "archive" / "feed.xml").read_bytes()
        assert b"<script>" not in xml and b"<b>" not in xml
        parsed = feedparser.parse(xml)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.feed.title_detail.type == "text/plain"
        assert parsed.feed.title == f"{title}: versions"
        assert all(entry.title.startswith(f"{title} — ") for entry in parsed.entries), [
            e.title for e in parsed.entries
        ]
        versions = json.loads((built.site / stem / "archive" / "versions.json").read_text())
        assert versions["policy"]["title"] == title
    site_feed = (built.site / "feed.xml").read_bytes()
    assert b"<script>" not in site_feed and b"<b>" not in site_feed
    assert not feedparser.parse(site_feed).bozo
    policies = json.loads((built.site / "policies.json").read_text())
    assert {p["title"] for p in policies["policies"]} == {SCRIPT_TITLE, BOLD_TITLE}
