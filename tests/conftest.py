"""Fixture repositories with fixed dates, and an in-process MkDocs build over them."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

MKDOCS_YML = """\
site_name: Test policies
site_url: https://policies.example/
docs_dir: {docs_dir}
theme:
  name: material
  font: false
plugins:
  - search
  - policy-archive{options}
"""


@dataclass
class Site:
    """A git repository holding an MkDocs site, with commits made at the dates the test chooses."""

    root: Path
    docs_dir: str = "docs"
    repo_dir: str = "."
    """Where the repository's top is, relative to `root` (the folder of mkdocs.yml)."""
    plugin_options: dict[str, object] = field(default_factory=dict)

    @property
    def docs(self) -> Path:
        return self.root / self.docs_dir

    def git(self, *args: str, date: str = "2024-01-01T12:00:00+00:00") -> str:
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        result = subprocess.run(
            ["git", *args], cwd=self.root / self.repo_dir, env=env, check=True, capture_output=True
        )
        return result.stdout.decode()

    def write(self, path: str, content: str | bytes) -> Path:
        target = self.docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        target.write_bytes(content)
        return target

    def commit(self, date: str, message: str = "Update", **files: str | bytes) -> str:
        """Write `files` (docs-relative path=content; use `write` for names that are not identifiers) and commit."""
        for path, content in files.items():
            self.write(path, content)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=_iso(date))
        return self.git("rev-parse", "HEAD").strip()

    def config_file(self) -> Path:
        options = ""
        if self.plugin_options:
            lines = [f"      {key}: {json.dumps(value)}" for key, value in self.plugin_options.items()]
            options = ":\n" + "\n".join(lines)
        path = self.root / "mkdocs.yml"
        path.write_text(MKDOCS_YML.format(docs_dir=self.docs_dir, options=options))
        return path

    def build(self, strict: bool = False) -> Built:
        site_dir = self.root / "site"
        config = load_config(str(self.config_file()), site_dir=str(site_dir), strict=strict)
        build(config)
        return Built(site_dir)


@dataclass
class Built:
    site: Path

    def html(self, url_path: str) -> str:
        """The page at `url_path` (as a reader types it, `privacy/archive/`)."""
        path = self.site / url_path
        if url_path.endswith("/") or url_path == "":
            path = path / "index.html"
        return path.read_text(encoding="utf-8")

    def search_locations(self) -> list[str]:
        index = json.loads((self.site / "search" / "search_index.json").read_text())
        return [doc["location"] for doc in index["docs"]]


def _iso(date: str) -> str:
    return date if "T" in date else f"{date}T12:00:00+00:00"


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Writer")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "writer@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Writer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "writer@example.org")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    root = tmp_path / "repo"
    root.mkdir()
    made = Site(root)
    made.git("init", "-q", "-b", "main")
    made.docs.mkdir()
    made.write("index.md", "# Policies\n\n<!-- policy-archive:policies -->\n")
    return made


def warning_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The WARNING messages logged so far, as MkDocs would print them."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
