"""The diff cache: computed once, never stale, safe to delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from policy_archive import cache
from policy_archive.cache import ResultCache, text_key

from .conftest import Site


@pytest.fixture(autouse=True)
def _empty_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_MEMORY", cache.Memory())


def counting(value: str, calls: list[str]):
    def compute() -> str:
        calls.append(value)
        return value

    return compute


def test_computes_once_per_key_and_reads_back_from_disk(tmp_path: Path) -> None:
    calls: list[str] = []
    first = ResultCache(tmp_path, {"extensions": ["tables"]})
    assert first.get("inline", ("a", "b"), counting("x", calls)) == "x"
    assert first.get("inline", ("a", "b"), counting("y", calls)) == "x"

    cache._MEMORY.clear()  # a new process
    again = ResultCache(tmp_path, {"extensions": ["tables"]})
    assert again.get("inline", ("a", "b"), counting("z", calls)) == "x"
    assert calls == ["x"]


@pytest.mark.parametrize(
    ("settings", "kind", "parts"),
    [
        ({"extensions": ["toc"]}, "inline", ("a", "b")),
        ({"extensions": ["tables"]}, "side-by-side", ("a", "b")),
        ({"extensions": ["tables"]}, "inline", ("a", "c")),
    ],
)
def test_any_change_of_settings_kind_or_text_recomputes(
    tmp_path: Path, settings: dict[str, list[str]], kind: str, parts: tuple[str, str]
) -> None:
    calls: list[str] = []
    ResultCache(tmp_path, {"extensions": ["tables"]}).get("inline", ("a", "b"), counting("old", calls))

    assert ResultCache(tmp_path, settings).get(kind, parts, counting("new", calls)) == "new"


def test_memory_gives_up_the_least_recently_used_results_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_MEMORY", cache.Memory(budget=360))
    calls: list[str] = []
    results = ResultCache(tmp_path, {})
    for name in ("a", "b", "c"):
        results.get("inline", (name,), counting(name * 100, calls))
    results.get("inline", ("a",), counting("again", calls))  # a is used again: b goes first
    results.get("inline", ("d",), counting("d" * 100, calls))

    kept = {value for value, _ in cache._MEMORY.items.values()}
    assert kept == {"a" * 100, "c" * 100, "d" * 100} and cache._MEMORY.size <= 360
    # What left memory is read back from disk, not computed again.
    assert results.get("inline", ("b",), counting("b again", calls)) == "b" * 100
    assert calls == ["a" * 100, "b" * 100, "c" * 100, "d" * 100]


def test_a_damaged_entry_is_recomputed(tmp_path: Path) -> None:
    calls: list[str] = []
    ResultCache(tmp_path, {}).get("stats", ("a",), counting("good", calls))
    for entry in tmp_path.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"garbage")
    cache._MEMORY.clear()

    assert ResultCache(tmp_path, {}).get("stats", ("a",), counting("again", calls)) == "again"


def test_an_unwritable_folder_only_makes_it_slower(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    assert ResultCache(blocker / "cache", {}).get("stats", ("a",), lambda: 1) == 1


def test_text_key_tells_texts_apart() -> None:
    assert text_key("a") != text_key("b") and text_key("a") == text_key("a")


def test_builds_never_serve_a_stale_diff(site: Site) -> None:
    site.commit("2024-01-01", **{"privacy.md": "# P\n\n## Data\n\nWe keep your email.\n"})
    site.commit("2024-02-01", **{"privacy.md": "# P\n\n## Data\n\nWe keep your email address.\n"})
    first = site.build().html("privacy/archive/2024-02-01/changes/")
    assert "address" in first
    assert any((site.root / ".cache/policy-archive").rglob("*")), "the cache was not written"

    # The same dates, another text: the slug is the same, the diff must not be.
    site.git("reset", "-q", "--hard", "HEAD~1")
    site.commit("2024-02-01", **{"privacy.md": "# P\n\n## Data\n\nWe keep your phone number.\n"})
    second = site.build().html("privacy/archive/2024-02-01/changes/")
    assert "phone number" in second and "address" not in second

    # Another Markdown setting: headings get permalinks in the diff too.
    site.config_file()
    config = (
        site.root / "mkdocs.yml"
    ).read_text() + "markdown_extensions:\n  - toc:\n      permalink: true\n"
    (site.root / "mkdocs.yml").write_text(config)
    site.config_file = lambda: site.root / "mkdocs.yml"  # type: ignore[method-assign]
    third = site.build().html("privacy/archive/2024-02-01/changes/")
    diff = third[third.index('class="pa-diff pa-diff--inline"') :]
    assert 'class="headerlink"' in diff
    assert 'class="headerlink"' not in second[second.index('class="pa-diff pa-diff--inline"') :]


def shelves(site: Site) -> dict[str, set[str]]:
    """The kept files' folders: two per policy (its pages, its data files), each with one folder per fingerprint."""
    store = site.root / ".cache/policy-archive/pages"
    return {owner.name: {shelf.name for shelf in owner.iterdir()} for owner in store.iterdir()}


def test_kept_pages_are_reused_only_for_policies_that_did_not_change(site: Site) -> None:
    site.commit("2024-01-01", **{"privacy.md": "# Privacy\n\nEmail.\n", "terms.md": "# Terms\n\nBe nice.\n"})
    site.commit("2024-02-01", **{"privacy.md": "# Privacy\n\nEmail and name.\n"})
    site.build()
    before = shelves(site)
    assert len(before) == 4 and all(len(kept) == 1 for kept in before.values())

    site.commit("2024-03-01", **{"privacy.md": "# Privacy\n\nEmail, name and phone.\n"})
    built = site.build()

    after = shelves(site)
    assert after.keys() == before.keys()
    changed = [owner for owner in after if after[owner] != before[owner]]
    assert len(changed) == 2, "only the edited policy's files are made again; the old ones are removed"
    assert "Email, name and phone." in built.html("privacy/archive/2024-03-01/")
    assert "All versions (3)" in built.html("privacy/archive/2024-01-01/")
    assert "Be nice." in built.html("terms/archive/2024-01-01/")
    # The data files too: made again for the edited policy, copied for the other.
    versions = json.loads((built.site / "privacy/archive/versions.json").read_text())
    assert [version["slug"] for version in versions["versions"]] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert (
        (built.site / "privacy/archive/raw/2024-03-01.md.diff")
        .read_text()
        .endswith("+Email, name and phone.\n")
    )
    terms = json.loads((built.site / "terms/archive/versions.json").read_text())
    assert [version["slug"] for version in terms["versions"]] == ["2024-01-01"]


def test_kept_pages_follow_the_navigation_and_the_build_date(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.commit("2024-01-01", **{"privacy.md": "# Privacy\n\nEmail.\n"})
    site.commit(
        "2024-02-01", **{"privacy.md": "---\neffective: 2024-06-01\n---\n# Privacy\n\nEmail and name.\n"}
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1709251200")  # 2024-03-01
    first = site.build().html("privacy/archive/2024-01-01/")
    assert "Current version" in first and "Cookies" not in first

    # A new page in the navigation is in every page's frame; a later build date makes the new version current.
    site.commit("2024-02-02", **{"cookies.md": "# Cookies\n\nNone.\n"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1719792000")  # 2024-07-01
    second = site.build().html("privacy/archive/2024-01-01/")

    assert "Archived version" in second and "In force from" in second
    assert "Cookies" in second.split('class="md-nav md-nav--primary"')[1]


def test_kept_pages_of_a_removed_policy_are_removed(site: Site) -> None:
    site.plugin_options = {"publish_withdrawn": False}
    site.commit("2024-01-01", **{"privacy.md": "# Privacy\n\nEmail.\n", "terms.md": "# Terms\n\nBe nice.\n"})
    site.build()
    assert len(shelves(site)) == 4

    site.git("rm", "-q", "docs/terms.md")
    site.commit("2024-02-01", "Withdraw the terms")
    built = site.build()

    assert len(shelves(site)) == 2
    assert not (built.site / "terms").exists()


def test_fingerprints_see_every_field_and_long_texts() -> None:
    from dataclasses import dataclass

    from policy_archive.pagestore import fingerprint

    @dataclass
    class Thing:
        name: str
        text: str

    long = "x" * 1000
    assert fingerprint(Thing("a", long)) == fingerprint(Thing("a", long))
    assert fingerprint(Thing("a", long)) != fingerprint(Thing("b", long))
    assert fingerprint(Thing("a", long)) != fingerprint(Thing("a", long + "y"))
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


def test_kept_pages_are_made_again_when_a_file_they_link_to_goes(site: Site) -> None:
    site.write("logo.png", b"\x89PNG\r\n\x1a\n")
    site.commit("2024-01-01", **{"privacy.md": "# Privacy\n\n![Our logo](logo.png)\n"})
    assert 'src="../../../logo.png"' in site.build().html("privacy/archive/2024-01-01/")

    site.git("rm", "-q", "docs/logo.png")
    site.commit("2024-02-01", "No logo")
    html = site.build().html("privacy/archive/2024-01-01/")

    # The policy and the navigation are as they were; only the image is gone, and the page says so.
    assert 'src="../../../logo.png"' not in html and 'src="logo.png"' in html


def test_the_cache_folder_keeps_itself_out_of_git(tmp_path: Path) -> None:
    ResultCache(tmp_path / "cache", {}).get("stats", ("a",), lambda: 1)

    assert (tmp_path / "cache" / ".gitignore").read_text() == "*\n"


def test_a_change_to_this_package_is_a_new_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    ResultCache(tmp_path, {}).get("inline", ("a", "b"), counting("old code", calls))
    cache._MEMORY.clear()
    monkeypatch.setattr(cache, "package_state", lambda: "other code")

    assert ResultCache(tmp_path, {}).get("inline", ("a", "b"), counting("new code", calls)) == "new code"
