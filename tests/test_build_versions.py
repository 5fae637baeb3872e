"""Whole builds with effective dates, upcoming versions, snapshots, renames and withdrawals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from .conftest import Site, warning_messages


def text(effective: str, body: str, changes: str = "") -> str:
    note = f"changes: {changes}\n" if changes else ""
    return f"---\neffective: {effective}\n{note}---\n# Privacy Policy\n\n{body}\n"


def banner_text(html: str) -> str:
    banner = re.search(r'<aside class="pa-banner.*?</aside>', html, re.DOTALL)
    assert banner is not None, "no banner"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", banner[0]))


@pytest.fixture
def announced(site: Site) -> Site:
    site.commit(
        "2024-01-02", "First", **{"privacy.md": text("2024-01-15", "We keep your email.", "First version")}
    )
    site.commit(
        "2024-01-20", "Typo", **{"privacy.md": text("2024-01-15", "We keep your e-mail.", "First version")}
    )
    site.commit(
        "2024-05-01",
        "Announce",
        **{"privacy.md": text("2024-06-01", "We keep nothing.", "Stops keeping email")},
    )
    return site


def test_upcoming_version_is_announced_then_takes_effect(
    announced: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1716940800")  # 2024-05-29
    before = announced.build(strict=True)
    page = before.html("privacy/")
    assert "We keep your e-mail." in page and "We keep nothing." not in page
    notice = re.search(r'<p class="pa-upcoming".*?</p>', page, re.DOTALL)
    assert notice is not None
    assert "A new version takes effect on" in notice[0] and "June 1, 2024" in notice[0]
    assert 'href="archive/2024-06-01/"' in notice[0] and "Stops keeping email" in notice[0]
    assert "Upcoming version of Privacy Policy" in banner_text(before.html("privacy/archive/2024-06-01/"))
    assert "Takes effect on June 1, 2024" in banner_text(before.html("privacy/archive/2024-06-01/"))

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")  # 2024-06-01
    after = announced.build(strict=True)
    page = after.html("privacy/")
    assert "We keep nothing." in page and "pa-upcoming" not in page
    assert "Current version of Privacy Policy" in banner_text(after.html("privacy/archive/2024-06-01/"))


def test_current_page_shows_effective_and_last_updated(
    announced: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1716940800")  # 2024-05-29: the January version is in force
    summary = re.search(r'<p class="pa-summary">(.*?)</p>', announced.build().html("privacy/"), re.DOTALL)

    assert summary is not None
    plain = re.sub(r"<[^>]+>", "", summary[1])
    assert plain == "Effective January 15, 2024 · Last updated January 20, 2024 · 0 earlier versions"


def test_editorial_revisions_are_listed_on_their_version(announced: Site) -> None:
    built = announced.build(strict=True)
    html = built.html("privacy/archive/2024-01-15/")

    assert "We keep your e-mail." in html
    revisions = re.search(r'<details class="pa-banner__revisions">.*?</details>', html, re.DOTALL)
    assert revisions is not None
    assert "2 revisions of this version" in revisions[0]
    assert 'href="../raw/2024-01-02.md"' in revisions[0] and 'href="../raw/2024-01-20.md"' in revisions[0]
    assert (built.site / "privacy/archive/raw/2024-01-02.md").read_text().count("your email") == 1
    # The editorial fix has its own diff; the first revision of all has nothing before it.
    assert 'href="../raw/2024-01-20.md.diff"' in revisions[0]
    assert "../raw/2024-01-02.md.diff" not in revisions[0]
    fix = (built.site / "privacy/archive/raw/2024-01-20.md.diff").read_text()
    assert "-We keep your email.\n+We keep your e-mail.\n" in fix
    listing = built.html("privacy/archive/")
    assert "First version" in listing and "1 editorial revision" in listing


def test_snapshot_banner_shows_provenance(site: Site) -> None:
    snapshot = site.root / "archive" / "privacy" / "2006-12-07.md"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_text(
        "---\nsource: https://web.archive.org/web/20061207222909/http://www.getresponse.com/privacy.html\n"
        "captured: 2006-12-07\n---\n# Privacy Policy\n\nImplix realizes that you care.\n"
    )
    site.commit("2024-01-02", **{"privacy.md": text("2024-01-15", "Now.")})

    built = site.build(strict=True)

    banner = banner_text(built.html("privacy/archive/2006-12-07/"))
    assert "Captured by the Wayback Machine on December 7, 2006 · original snapshot" in banner
    assert "In force from December 7, 2006 to January 15, 2024." in banner
    assert 'href="https://web.archive.org/web/20061207222909/' in built.html("privacy/archive/2006-12-07/")
    assert (built.site / "privacy/archive/raw/2006-12-07.md").read_bytes() == snapshot.read_bytes()
    assert "pa-label--snapshot" in built.html("privacy/archive/")


def test_bad_snapshot_name_stops_the_build_naming_the_file(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    bad = site.root / "archive" / "privacy" / "December 2006.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("# Privacy\n")
    site.commit("2024-01-02", **{"privacy.md": "# Privacy\n"})

    with pytest.raises(Abort):
        site.build()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("archive/privacy/December 2006.md" in e and "YYYY-MM-DD.md" in e for e in errors), errors


def test_bad_front_matter_in_old_revision_warns_and_builds(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    old = site.commit("2024-01-02", **{"privacy.md": "---\neffective: 2024-02-30\n---\n# Privacy\n\nold\n"})
    latest = site.commit("2024-03-02", **{"privacy.md": text("2024-03-15", "new")})

    built = site.build()

    assert (built.site / "privacy/archive/2024-01-02/index.html").exists()
    messages = [m for m in warning_messages(caplog) if "effective" in m]
    assert len(messages) == 1 and old[:12] in messages[0] and "privacy.md" in messages[0]
    # A past commit cannot be fixed: the warning says how to keep --strict builds passing.
    assert f"check_since: {latest[:12]}" in messages[0]


def test_check_since_notes_the_problems_of_past_commits(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    old = site.commit("2024-01-02", **{"privacy.md": "---\neffective: 2024-02-30\n---\n# Privacy\n\nold\n"})
    checked = site.commit("2024-03-02", **{"privacy.md": text("2024-03-15", "new")})
    newer = site.commit("2024-04-02", **{"privacy.md": "---\neffective: later\n---\n# Privacy\n\nnewer\n"})
    site.plugin_options = {"check_since": checked[:10]}

    with caplog.at_level("INFO"):
        built = site.build()

    assert (built.site / "privacy/archive/2024-01-02/index.html").exists()
    warned = [m for m in warning_messages(caplog) if "effective" in m]
    assert len(warned) == 1 and newer[:12] in warned[0]
    notes = [r.getMessage() for r in caplog.records if r.levelname == "INFO" and old[:12] in r.getMessage()]
    assert len(notes) == 1 and "check_since" in notes[0]


def test_check_since_an_unknown_commit_names_the_option(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    site.commit("2024-01-02", **{"privacy.md": text("2024-01-02", "old")})
    site.plugin_options = {"check_since": "0123456789abcdef"}

    with pytest.raises(Abort):
        site.build()
    [error] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "`check_since: 0123456789abcdef` in mkdocs.yml: git does not know the commit" in error
    assert "remove the option" in error


def test_bad_front_matter_in_the_latest_commit_warns(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    site.commit("2024-01-02", **{"privacy.md": text("2024-01-02", "old")})
    latest = site.commit("2024-03-02", **{"privacy.md": "---\neffective: soon\n---\n# Privacy\n\nnew\n"})

    built = site.build()

    assert (built.site / "privacy/archive/2024-03-02/index.html").exists()
    messages = [m for m in warning_messages(caplog) if "effective" in m]
    assert len(messages) == 1 and latest[:12] in messages[0] and "'soon'" in messages[0]
    with pytest.raises(Abort):
        site.build(strict=True)


def test_renamed_policy_old_urls_redirect(site: Site) -> None:
    body = "# Terms\n\n" + "These terms apply to everything you do on this site.\n" * 20
    site.commit("2024-01-05", **{"terms.md": body})
    site.git("mv", "docs/terms.md", "docs/terms-of-use.md")
    site.commit("2024-02-05", "Rename", **{"terms-of-use.md": body + "New clause.\n"})

    built = site.build(strict=True)

    for old, new in [
        ("terms/index.html", "../terms-of-use/"),
        ("terms/archive/index.html", "../../terms-of-use/archive/"),
        ("terms/archive/2024-01-05/index.html", "../../../terms-of-use/archive/2024-01-05/"),
    ]:
        redirect = (built.site / old).read_text()
        assert f'http-equiv="refresh" content="0; url={new}"' in redirect, old
        assert (built.site / old).parent.joinpath(new, "index.html").resolve().exists()


def test_withdrawn_policy_stays_published(site: Site) -> None:
    site.commit(
        "2024-01-02",
        **{"privacy.md": "# Privacy\n\nkept\n", "cookies.md": "# Cookie Notice\n\nWe use cookies.\n"},
    )
    (site.docs / "cookies.md").unlink()
    site.commit("2024-09-30", "Withdraw the cookie notice")

    built = site.build(strict=True)

    page = built.html("cookies/")
    assert "We use cookies." in page
    assert (
        "Withdrawn. Cookie Notice no longer applies: it was withdrawn on September 30, 2024."
        in banner_text(page)
    )
    assert "In force from January 2, 2024 to September 30, 2024." in banner_text(
        built.html("cookies/archive/2024-01-02/")
    )
    assert "withdrawn on" in built.html("")
    assert not any("cookies" in loc for loc in built.search_locations())


def test_withdrawn_policies_can_be_left_out(site: Site) -> None:
    site.commit("2024-01-02", **{"privacy.md": "# Privacy\n", "cookies.md": "# Cookies\n"})
    (site.docs / "cookies.md").unlink()
    site.commit("2024-09-30")
    site.plugin_options = {"publish_withdrawn": False}

    built = site.build(strict=True)

    assert not (built.site / "cookies").exists()


def test_merge_commit_is_one_version(site: Site) -> None:
    site.commit("2024-01-01", **{"privacy.md": "# P\n\nv1\n"})
    site.git("checkout", "-q", "-b", "edit")
    site.commit("2024-01-02", "WIP", **{"privacy.md": "# P\n\nv2 draft\n"})
    site.commit("2024-01-03", "WIP 2", **{"privacy.md": "# P\n\nv2\n"})
    site.git("checkout", "-q", "main")
    site.git(
        "merge", "-q", "--no-ff", "-m", "Merge pull request #7", "edit", date="2024-01-04T12:00:00+00:00"
    )

    built = site.build(strict=True)

    versions = sorted(p.name for p in (built.site / "privacy/archive").iterdir() if p.name[0].isdigit())
    assert versions == ["2024-01-01", "2024-01-04"]
    assert "Merge pull request #7" in built.html("privacy/archive/")


def test_two_versions_on_one_day(site: Site) -> None:
    site.commit("2024-01-01T09:00:00+00:00", **{"privacy.md": "# P\n\nmorning\n"})
    site.commit("2024-01-01T17:00:00+00:00", **{"privacy.md": "# P\n\nevening\n"})

    built = site.build(strict=True)

    assert "morning" in built.html("privacy/archive/2024-01-01/")
    assert "evening" in built.html("privacy/archive/2024-01-01-2/")


def test_effective_date_from_text_option(site: Site) -> None:
    site.commit("2024-01-02", **{"privacy.md": "# P\n\n**Effective: January 15, 2024**\n\nText.\n"})
    site.plugin_options = {"effective_pattern": True}

    built = site.build(strict=True)

    assert (built.site / "privacy/archive/2024-01-15/index.html").exists()


def test_bad_effective_pattern_names_the_option(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    site.commit("2024-01-02", **{"privacy.md": "# P\n"})
    site.plugin_options = {"effective_pattern": "Effective: (unclosed"}

    with pytest.raises(Abort):
        site.build()
    assert any("option 'effective_pattern'" in r.getMessage() for r in caplog.records)


def test_snapshot_without_a_policy_warns(
    site: Site, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    orphan = site.root / "archive" / "terms" / "2010-01-01.md"
    orphan.parent.mkdir(parents=True)
    orphan.write_text("# Terms\n")
    site.commit("2024-01-02", **{"privacy.md": "# P\n"})

    site.build()

    assert any(
        "archive/terms/2010-01-01.md" in m and "no policy terms.md" in m for m in warning_messages(caplog)
    )
