"""The diff cache: computed once, never stale, safe to delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_archive import cache
from policy_archive.cache import ResultCache, text_key

from .conftest import Site


@pytest.fixture(autouse=True)
def _empty_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_MEMORY", {})


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
