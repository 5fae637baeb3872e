"""Reproducible builds: the same commit and SOURCE_DATE_EPOCH give byte-identical output, file by file."""

from __future__ import annotations

import gzip
import os
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from .conftest import Site

EPOCH = "1735732800"  # 2025-01-01T12:00:00Z
FIRST = "---\neffective: 2023-04-15\nchanges: First version\n---\n# Privacy\n\n"
NEXT = "---\neffective: 2025-03-01\nchanges: Email\n---\n# Privacy\n\n"


@pytest.fixture
def rich_site(site: Site) -> Site:
    """A history with something of everything the archive generates: effective dates, an upcoming version,
    editorial revisions, a snapshot, a rename, a withdrawal, two versions on one day, unusual names."""
    snapshot = site.root / "archive" / "privacy" / "2010-05-01.md"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_text(
        "---\nsource: https://web.archive.org/web/20100501000000/http://example.org/privacy\n---\n"
        "# Privacy\n\nOld.\n"
    )
    terms = "# Terms\n\n" + "These terms apply to everything you do on this site.\n" * 20
    site.commit(
        "2023-04-02T09:30:00+02:00",
        "First policies",
        **{
            "privacy.md": FIRST + "We collect nothing.\n",
            "terms.md": terms,
            "cookies.md": "# Cookies\n\nNone.\n",
        },
    )
    site.write("Commercial Terms é.md", "# Commercial <b>Terms</b>\n\nPay.\n")
    site.commit(
        "2023-04-10",
        "Typo",
        **{"privacy.md": FIRST + "We collect nothing at all.\n"},
    )
    site.git("mv", "docs/terms.md", "docs/terms-of-use.md")
    site.commit("2024-01-15T08:00:00+00:00", "Rename terms", **{"terms-of-use.md": terms + "New clause.\n"})
    site.commit(
        "2024-01-15T18:00:00+00:00", "Same day", **{"terms-of-use.md": terms + "New clause, amended.\n"}
    )
    (site.docs / "cookies.md").unlink()
    site.commit("2024-06-01", "Withdraw cookies")
    site.commit(
        "2024-12-01",
        "Announce",
        **{"privacy.md": NEXT + "We collect your email.\n"},
    )
    return site


def clone(site: Site, where: Path) -> Site:
    where.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "clone", "-q", str(site.root), str(where)], check=True, capture_output=True)
    return Site(where)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_same_trees(first: Path, second: Path) -> dict[str, bytes]:
    one, two = tree(first), tree(second)
    assert sorted(one) == sorted(two), (
        f"only in the first: {sorted(set(one) - set(two))}; only in the second: {sorted(set(two) - set(one))}"
    )
    differing = [path for path in one if one[path] != two[path]]
    assert not differing, f"{len(differing)} of {len(one)} files differ between the builds: {differing}"
    return one


def _check_generated_files_are_there(files: dict[str, bytes]) -> None:
    for expected in (
        "feed.xml",
        "policies.json",
        "privacy/archive/feed.xml",
        "privacy/archive/versions.json",
        "privacy/archive/raw/2023-04-02.md",
        "privacy/archive/2010-05-01/index.html",
        "terms/archive/index.html",  # the redirect left by the rename
        "terms-of-use/archive/2024-01-15-2/index.html",
        "cookies/index.html",
        "sitemap.xml",
        "sitemap.xml.gz",
        "search/search_index.json",
    ):
        assert expected in files, f"{expected} was not generated"


def test_two_clones_at_different_paths_build_byte_identical_sites(
    rich_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = clone(rich_site, tmp_path / "a" / "policies")
    second = clone(rich_site, tmp_path / "somewhere else entirely" / "clone two")

    one = first.build(strict=True)
    two = second.build(strict=True)

    files = assert_same_trees(one.site, two.site)
    _check_generated_files_are_there(files)


def test_two_builds_of_one_checkout_are_byte_identical(
    rich_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = rich_site.build(strict=True).site.rename(rich_site.root.parent / "site-1")
    time.sleep(1.1)  # anything taken from the clock would now differ
    second = rich_site.build(strict=True).site

    assert_same_trees(first, second)


def test_builds_in_different_time_zones_and_locales_are_byte_identical(
    rich_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process's TZ and LANG are the build machine's, not the site's: they must not reach the output."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = clone(rich_site, tmp_path / "one")
    second = clone(rich_site, tmp_path / "two")

    one = first.build(strict=True)
    with monkeypatch.context() as patched:
        patched.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: another day than UTC for part of every day
        patched.setenv("LANG", "de_DE.UTF-8")
        time.tzset()
        try:
            two = second.build(strict=True)
        finally:
            patched.undo()
            time.tzset()

    assert_same_trees(one.site, two.site)


def test_sitemap_gzip_mtime_comes_from_source_date_epoch(
    rich_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MkDocs writes the gzip header's mtime from the pages' update date, which is SOURCE_DATE_EPOCH's day."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)

    built = rich_site.build(strict=True)

    packed = (built.site / "sitemap.xml.gz").read_bytes()
    mtime = int.from_bytes(packed[4:8], "little")
    day = datetime.fromtimestamp(int(EPOCH), tz=timezone.utc).replace(hour=0, minute=0, second=0)
    assert mtime == int(day.timestamp()), (
        f"gzip mtime {mtime} ({datetime.fromtimestamp(mtime, tz=timezone.utc)})"
    )
    assert gzip.decompress(packed) == (built.site / "sitemap.xml").read_bytes()
    assert b"<lastmod>2025-01-01</lastmod>" in (built.site / "sitemap.xml").read_bytes()


def test_source_date_epoch_sets_the_archive_build_date(
    rich_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same commit, different SOURCE_DATE_EPOCH: the upcoming version takes effect between the two."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # 2025-01-01: the March version is upcoming
    before = rich_site.build(strict=True).html("privacy/")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 90 * 86400))  # 2025-04-01
    after = rich_site.build(strict=True).html("privacy/")

    assert "We collect nothing at all." in before and "pa-upcoming" in before
    assert "We collect your email." in after and "pa-upcoming" not in after
    assert os.environ["SOURCE_DATE_EPOCH"] != EPOCH
