"""Whole builds of fixture sites, checked on the files a reader gets."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from .conftest import Built, Site, warning_messages

PRIVACY = "# Privacy Policy\n\nWe collect {what}.\n\nSee the [terms](terms.md).\n"


@pytest.fixture
def three_versions(site: Site) -> list[str]:
    site.write("terms.md", "# Terms\n")
    return [
        site.commit("2023-04-02", "First policy", **{"privacy.md": PRIVACY.format(what="nothing")}),
        site.commit("2024-01-15", "Add email", **{"privacy.md": PRIVACY.format(what="your email")}),
        site.commit(
            "2025-06-30", "Add cookies", **{"privacy.md": PRIVACY.format(what="your email and cookies")}
        ),
    ]


def test_every_revision_raw_markdown_is_byte_identical_to_git(site: Site, three_versions: list[str]) -> None:
    built = site.build(strict=True)

    raws = sorted((built.site / "privacy" / "archive" / "raw").glob("*.md"))
    assert [p.name for p in raws] == ["2023-04-02.md", "2024-01-15.md", "2025-06-30.md"]
    for raw, commit in zip(raws, three_versions, strict=True):
        assert (
            raw.read_bytes()
            == subprocess.run(
                ["git", "show", f"{commit}:docs/privacy.md"], cwd=site.root, capture_output=True, check=True
            ).stdout
        )


def test_current_page_says_when_it_was_last_updated(site: Site, three_versions: list[str]) -> None:
    html = site.build(strict=True).html("privacy/")

    summary = re.search(r'<p class="pa-summary">(.*?)</p>', html, re.DOTALL)
    assert summary is not None
    assert "Last updated" in summary[1] and "June 30, 2025" in summary[1]
    assert '<a href="archive/">2 earlier versions</a>' in summary[1]
    # Under the title, not above it.
    assert html.index("</h1>") < html.index("pa-summary")


def test_archive_list_is_newest_first_with_links(site: Site, three_versions: list[str]) -> None:
    html = site.build(strict=True).html("privacy/archive/")

    dates = re.findall(r'<li><a href="([^"]+)"><time datetime="([\d-]+)">', html)
    assert dates == [
        ("2025-06-30/", "2025-06-30"),
        ("2024-01-15/", "2024-01-15"),
        ("2023-04-02/", "2023-04-02"),
    ]
    assert re.search(r'2025-06-30/">.*?pa-label--current">current</span> — Add cookies', html)


def test_archived_version_banner_and_period(site: Site, three_versions: list[str]) -> None:
    html = site.build(strict=True).html("privacy/archive/2024-01-15/")

    banner = re.search(r'<aside class="pa-banner .*?</aside>', html, re.DOTALL)
    assert banner is not None
    text = re.sub(r"<[^>]+>", "", banner[0])
    assert "Archived version of Privacy Policy" in text
    assert "In force from January 15, 2024 to June 30, 2025." in text
    assert 'href="../2023-04-02/" rel="prev"' in banner[0]
    assert 'href="../2025-06-30/" rel="next"' in banner[0]
    assert 'href="../">All versions (3)</a>' in banner[0]
    assert 'href="../../">Current version</a>' in banner[0]
    assert 'href="../raw/2024-01-15.md"' in banner[0]
    assert "We collect your email." in html
    # The link in the old text still leads to the terms page from the archive's location.
    assert 'href="../../../terms/"' in html


def test_current_version_permalink_says_still_in_force(site: Site, three_versions: list[str]) -> None:
    html = site.build(strict=True).html("privacy/archive/2025-06-30/")

    assert "Current version" in html and "In force since" in html
    assert 'rel="next"' not in html


def test_archived_pages_stay_out_of_nav_and_search(site: Site, three_versions: list[str]) -> None:
    built = site.build(strict=True)

    home = built.html("")
    assert 'href="privacy/archive/' not in home.split('class="md-content"')[0]
    locations = built.search_locations()
    assert any(loc.startswith("privacy/") for loc in locations)
    assert not any("archive" in loc for loc in locations)
    # Search engines still find every version through the sitemap.
    sitemap = (built.site / "sitemap.xml").read_text()
    for url in ("privacy/archive/", "privacy/archive/2024-01-15/", "privacy/archive/2025-06-30/changes/"):
        assert f"<loc>https://policies.example/{url}</loc>" in sitemap, url


def test_archive_pages_fill_the_theme_frame(site: Site, three_versions: list[str]) -> None:
    built = site.build(strict=True)

    for path in sorted(built.site.rglob("*.html")):
        assert "policy-archive-frame" not in path.read_text(encoding="utf-8"), path
    html = built.html("privacy/archive/2024-01-15/")
    assert "<title>Privacy Policy (2024-01-15) - Test policies</title>" in html
    assert '<link rel="canonical" href="https://policies.example/privacy/archive/2024-01-15/">' in html
    # The theme's navigation, with links that lead to the current pages from this depth.
    nav = html.split('class="md-nav md-nav--primary"')[1].split("</nav>")[0]
    assert 'href="../../../privacy/"' in nav
    # The table of contents and the skip link come from this version's own headings.
    toc = html.split('class="md-nav md-nav--secondary"')[1].split("</nav>")[0]
    assert "md-nav__list" not in toc  # the only heading is the title, which Material leaves out
    # "Skip to content" leads to the banner that says the version is archived, not past it.
    assert '<a href="#pa-banner" class="md-skip">' in html and 'id="pa-banner"' in html
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Privacy Policy: versions" href="../feed.xml">'
        in html
    )
    assert html.count("<h1") == 1


def test_pages_let_readers_find_and_subscribe_to_the_feeds(site: Site, three_versions: list[str]) -> None:
    built = site.build(strict=True)

    def feeds_in_head(html: str) -> list[tuple[str, str]]:
        head = html.split("</head>")[0]
        return re.findall(
            r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">', head
        )

    assert feeds_in_head(built.html("privacy/")) == [
        ("Privacy Policy: versions", "archive/feed.xml"),
        ("Test policies: policy changes", "../feed.xml"),
    ]
    assert feeds_in_head(built.html("")) == [("Test policies: policy changes", "feed.xml")]
    listing = built.html("privacy/archive/")
    assert feeds_in_head(listing) == [
        ("Privacy Policy: versions", "feed.xml"),
        ("Test policies: policy changes", "../../feed.xml"),
    ]
    assert re.search(r'<a [^>]*href="feed.xml"[^>]*>[^<]*[Ss]ubscribe', listing)
    for _, href in feeds_in_head(built.html("privacy/archive/2024-01-15/changes/")):
        assert (built.site / "privacy/archive/2024-01-15/changes" / href).resolve().is_file(), href


def test_archive_pages_without_directory_urls(site: Site, three_versions: list[str]) -> None:
    site.write("privacy.md", "# Privacy Policy\n\n## What we collect\n\nYour email.\n")
    site.commit("2025-08-01", "Sections")
    built = Built(site.root / "site")
    build(
        load_config(str(site.config_file()), site_dir=str(built.site), strict=True, use_directory_urls=False)
    )

    html = (built.site / "privacy" / "archive" / "2025-08-01.html").read_text()
    assert '<link rel="canonical" href="https://policies.example/privacy/archive/2025-08-01.html">' in html
    assert 'href="../../privacy.html"' in html.split('class="md-nav md-nav--primary"')[1]
    toc = html.split('class="md-nav md-nav--secondary"')[1].split("</nav>")[0]
    assert '<a href="#what-we-collect" class="md-nav__link">' in toc
    assert (built.site / "privacy" / "archive" / "index.html").is_file()
    assert 'href="2024-01-15.html"' in (built.site / "privacy" / "archive" / "index.html").read_text()


def test_home_page_lists_policies_with_last_update(site: Site, three_versions: list[str]) -> None:
    html = site.build(strict=True).html("")

    row = re.search(r"<tr><td><a href=\"privacy/\">Privacy Policy</a></td><td>(.*?)</td></tr>", html)
    assert row is not None and "June 30, 2025" in row[1]


def test_adding_a_commit_keeps_every_existing_url(site: Site, three_versions: list[str]) -> None:
    before = {p.relative_to(site.root / "site") for p in site.build().site.rglob("*") if "archive" in p.parts}
    site.commit("2025-06-30T18:00:00+00:00", "Same-day fix", **{"privacy.md": PRIVACY.format(what="less")})
    built = site.build(strict=True)
    after = {p.relative_to(built.site) for p in built.site.rglob("*") if "archive" in p.parts}

    assert before < after
    assert Path("privacy/archive/2025-06-30-2/index.html") in after - before


def test_rename_keeps_one_history(site: Site) -> None:
    text = "# Terms\n\n" + "These terms apply to everything you do here.\n" * 20
    site.commit("2024-01-05", **{"terms.md": text})
    site.git("mv", "docs/terms.md", "docs/terms-of-use.md")
    site.commit("2024-02-05", "Rename", **{"terms-of-use.md": text + "New clause.\n"})

    built = site.build(strict=True)

    assert (built.site / "terms-of-use/archive/2024-01-05/index.html").exists()
    assert (built.site / "terms-of-use/archive/raw/2024-01-05.md").read_text() == text


def test_names_with_spaces_and_unicode(site: Site) -> None:
    site.write("Commercial Terms.md", "# Commercial Terms\n")
    site.write("confidentialité.md", "# Confidentialité\n")
    site.commit("2024-01-05")

    built = site.build(strict=True)

    assert (built.site / "Commercial Terms/archive/2024-01-05/index.html").exists()
    assert (built.site / "confidentialité/archive/raw/2024-01-05.md").read_text() == "# Confidentialité\n"
    assert 'href="Commercial%20Terms/"' in built.html("")


def test_docs_dir_is_the_repository_root(tmp_path: Path) -> None:
    # A policies repository of its own (a submodule, say), with the site's mkdocs.yml outside it.
    site = Site(tmp_path / "project", repo_dir="docs")
    site.docs.mkdir(parents=True)
    site.git("init", "-q")
    site.write("privacy.md", "# Privacy\n")
    site.commit("2024-01-05")

    built = site.build(strict=True)

    assert (built.site / "privacy/archive/raw/2024-01-05.md").read_text() == "# Privacy\n"


def test_invalid_utf8_revision_builds_with_a_warning(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    site.commit("2024-01-05", **{"privacy.md": b"# Caf\xe9 policy\n"})
    site.commit("2024-02-05", **{"privacy.md": "# Café policy\n"})

    built = site.build()

    assert (built.site / "privacy/archive/raw/2024-01-05.md").read_bytes() == b"# Caf\xe9 policy\n"
    assert "Caf\ufffd policy" in built.html("privacy/archive/2024-01-05/")
    assert any("not valid UTF-8" in m and "privacy.md" in m for m in warning_messages(caplog))


def test_outside_git_builds_with_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    bare = Site(tmp_path / "plain")
    bare.docs.mkdir(parents=True)
    bare.write("privacy.md", "# Privacy\n")

    built = bare.build()

    assert "Privacy" in built.html("privacy/")
    assert not (built.site / "privacy/archive").exists()
    messages = warning_messages(caplog)
    assert len(messages) == 1 and "archive is empty" in messages[0] and "git init" in messages[0]


def test_shallow_clone_warns_once_and_fails_strict(
    site: Site, three_versions: list[str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clone = Site(tmp_path / "shallow")
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{site.root}", str(clone.root)],
        check=True,
        capture_output=True,
    )

    built = clone.build()
    messages = [m for m in warning_messages(caplog) if "shallow" in m]
    assert len(messages) == 1 and "git fetch --unshallow" in messages[0] and "fetch-depth: 0" in messages[0]
    assert (built.site / "privacy/archive/index.html").exists()

    with pytest.raises(Abort):
        clone.build(strict=True)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("time_zone", "Mars/Olympus", "time_zone"),
        ("locale", "xx_YY", "locale"),
        ("archive_segment", "a/b", "archive_segment"),
        ("publish_raw", "yes please", "publish_raw"),
        ("no_such_option", 1, "no_such_option"),
    ],
)
def test_wrong_option_names_itself(
    site: Site, option: str, value: object, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    site.commit("2024-01-05", **{"privacy.md": "# P\n"})
    site.plugin_options = {option: value}

    # A wrong value is an error; an unknown name a warning, fatal under --strict.
    with pytest.raises(Abort, match="configuration"):
        site.build(strict=True)
    errors = [r.getMessage() for r in caplog.records if r.levelname in ("ERROR", "WARNING")]
    assert any(f"Plugin 'policy-archive' option '{message}'" in e for e in errors), errors


def test_options_change_segment_locale_time_zone_and_raw(site: Site) -> None:
    site.commit("2024-01-05T23:30:00+00:00", **{"privacy.md": "# P\n"})
    site.plugin_options = {
        "archive_segment": "versionen",
        "locale": "de",
        "time_zone": "Europe/Berlin",
        "publish_raw": False,
    }

    built = site.build(strict=True)

    assert "6. Januar 2024" in built.html("privacy/versionen/2024-01-06/")
    assert not (built.site / "privacy/versionen/raw").exists()
    assert "Raw Markdown" not in built.html("privacy/versionen/2024-01-06/")
