"""Whole builds: the pages about changes, the compare page, and drafts while a writer previews."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from .conftest import Site

V1 = "# Privacy\n\n## Data\n\nWe keep your email.\n\n## Cookies\n\nWe use no cookies.\n"
V2 = "# Privacy\n\n## Data\n\nWe keep your email address.\n\n## Cookies\n\nWe use no cookies.\n"
V3 = "# Privacy\n\n## Data\n\nWe keep your email address.\n\n## Cookies\n\nWe use one cookie for your session.\n"


@pytest.fixture
def three(site: Site) -> Site:
    site.commit("2024-01-01", **{"privacy.md": V1})
    site.commit("2024-02-01", **{"privacy.md": V2})
    site.commit("2024-03-01", **{"privacy.md": V3})
    return site


def test_each_version_links_to_what_it_changed(three: Site) -> None:
    built = three.build(strict=True)

    page = built.html("privacy/archive/2024-02-01/changes/")
    diff = page[page.index('<div class="pa-diff pa-diff--inline">') :]
    assert "address" in re.search(r"<ins[^>]*>(.*?)</ins>", diff, re.DOTALL)[1]
    assert "<del" not in diff
    assert "+1" in page and "words added" in page
    assert 'href="#pa-change-1"' in page
    assert 'href="../../2024-01-01/"' in page and 'to the version of <a href="../">' in page
    banner = built.html("privacy/archive/2024-02-01/")
    assert 'href="changes/">What changed</a>' in banner


def test_changed_sections_are_jump_links(three: Site) -> None:
    page = three.build(strict=True).html("privacy/archive/2024-03-01/changes/")

    sections = re.search(r'<nav class="pa-diff-summary__sections".*?</nav>', page, re.DOTALL)
    assert sections is not None
    assert re.findall(r'<a href="#(pa-change-\d+)">([^<]*)</a>', sections[0]) == [("pa-change-1", "Cookies")]
    assert 'id="pa-change-1"' in page


def test_side_by_side_and_to_current_views(three: Site) -> None:
    built = three.build(strict=True)

    side = built.html("privacy/archive/2024-03-01/side-by-side/")
    assert '<table class="pa-sbs">' in side and "<del" in side and "<ins" in side
    # The columns are headed by the versions' dates.
    assert re.findall(r'<th scope="col">([^<]*)</th>', side)[:2] == ["February 1, 2024", "March 1, 2024"]
    to_current = built.html("privacy/archive/2024-01-01/to-current/")
    assert "changes from January 1, 2024 to now" in to_current
    assert "address" in to_current and "session" in to_current
    assert 'href="to-current/">Changes since</a>' in built.html("privacy/archive/2024-01-01/")


def test_archive_list_shows_counts_and_a_timeline(three: Site) -> None:
    listing = three.build(strict=True).html("privacy/archive/")

    assert re.search(r'2024-02-01/">.*?\+1<span class="pa-visually-hidden"> words added', listing, re.DOTALL)
    svg = re.search(r'<figure class="pa-timeline">.*?</svg>', listing, re.DOTALL)
    assert svg is not None
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">', svg[0])
    assert [href for href, _ in links] == ["2024-01-01/", "2024-02-01/changes/", "2024-03-01/changes/"]
    assert "1 words added, 0 removed" in links[1][1]


def test_unified_diff_applies_to_the_raw_markdown(three: Site, tmp_path: Path) -> None:
    built = three.build(strict=True)
    raw = built.site / "privacy/archive/raw"
    work = tmp_path / "patched.md"
    work.write_bytes((raw / "2024-02-01.md").read_bytes())

    patch = (raw / "2024-03-01.diff").read_text()
    subprocess.run(["patch", "-s", str(work)], input=patch.encode(), check=True)

    assert work.read_bytes() == (raw / "2024-03-01.md").read_bytes()


def test_compare_page_offers_every_version(three: Site) -> None:
    page = three.build(strict=True).html("privacy/archive/compare/")

    first_select = re.search(r'<select name="from">.*?</select>', page, re.DOTALL)[0]
    options = re.findall(r'<option value="([^"]+)" data-url="([^"]+)"', first_select)
    assert options == [
        ("2024-03-01", "../2024-03-01/"),
        ("2024-02-01", "../2024-02-01/"),
        ("2024-01-01", "../2024-01-01/"),
    ]
    assert "data-pa-compare" in page and "policy-archive.js" in page


def test_drafts_only_when_asked_or_previewing(three: Site) -> None:
    three.write("privacy.md", V3.replace("one cookie", "two cookies"))

    assert not (three.build(strict=True).site / "privacy/archive/draft").exists()

    three.plugin_options = {"publish_drafts": True}
    built = three.build(strict=True)
    banner = built.html("privacy/archive/draft/")
    assert "Unpublished draft" in banner
    changes = built.html("privacy/archive/draft/changes/")
    assert re.search(r"<del[^>]*>.*?one.*?</del>", changes, re.DOTALL) and re.search(
        r"<ins[^>]*>.*?two.*?</ins>", changes, re.DOTALL
    )
    # The version in force is still the last commit.
    assert "Current version" in built.html("privacy/archive/2024-03-01/")


def test_serve_shows_drafts(three: Site) -> None:
    three.write("privacy.md", V3 + "\nA new paragraph.\n")
    config = load_config(str(three.config_file()), site_dir=str(three.root / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()

    assert (three.root / "site/privacy/archive/draft/changes/index.html").exists()


def test_clean_working_tree_has_no_draft(three: Site) -> None:
    three.plugin_options = {"publish_drafts": True}

    assert not (three.build(strict=True).site / "privacy/archive/draft").exists()


def serial_and_pooled(
    three: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, pool: type
) -> tuple[str, str]:
    """A diff page built in one process, then again with worker processes from `pool`."""
    from policy_archive import cache, plugin, workers

    three.plugin_options = {"cache_dir": ""}
    monkeypatch.setattr(cache, "_MEMORY", cache.Memory())
    serial = three.build(strict=True).html("privacy/archive/2024-03-01/changes/")

    monkeypatch.setattr(cache, "_MEMORY", cache.Memory())
    monkeypatch.setattr(plugin, "PARALLEL_FROM", 1)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", pool)
    with caplog.at_level("DEBUG"):
        pooled = three.build(strict=True).html("privacy/archive/2024-03-01/changes/")
    return serial, pooled


def test_diffs_computed_in_worker_processes_match_the_serial_ones(
    three: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from concurrent.futures import ProcessPoolExecutor

    pools: list[int] = []

    class CountedPool(ProcessPoolExecutor):
        def map(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            pools.append(1)
            return super().map(*args, **kwargs)

    serial, parallel = serial_and_pooled(three, monkeypatch, caplog, CountedPool)

    assert pools == [1]
    assert not [r for r in caplog.records if "computed in one process" in r.getMessage()]
    assert parallel == serial


def test_a_broken_worker_pool_leaves_the_diffs_to_the_build_process(
    three: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    class BrokenPool(ProcessPoolExecutor):
        def map(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            def broken():  # type: ignore[no-untyped-def]
                raise BrokenProcessPool("a worker died")
                yield

            return broken()

    serial, recovered = serial_and_pooled(three, monkeypatch, caplog, BrokenPool)

    assert [r for r in caplog.records if "a worker died" in r.getMessage()]
    assert recovered == serial
