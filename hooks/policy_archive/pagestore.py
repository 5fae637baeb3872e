"""Finished archive pages kept on disk between builds, under a fingerprint of everything they are made from.

A policy's pages change only when the policy, the site around it or this package changes. A build that finds
a policy's pages under the same fingerprint copies them (a copy the kernel makes, nothing parsed or rendered)
instead of making them again: a warm build, or a `mkdocs serve` reload after another policy was edited.
Like the result cache, the folder is safe to delete and never stale: a different fingerprint is another folder,
and the folders of fingerprints no longer in use are removed after each build.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .cache import text_key, write_atomically


def fingerprint(*parts: Any) -> str:
    """A digest of plain data and dataclasses; long texts count by their own digest (`text_key`)."""
    return hashlib.sha256(
        repr(tuple(_state(part) for part in parts)).encode("utf-8", "surrogatepass")
    ).hexdigest()


def _state(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, *(_state(getattr(value, field.name)) for field in fields))
    if isinstance(value, str):
        return value if len(value) < 256 else text_key(value)
    if isinstance(value, bytes):
        return value if len(value) < 256 else hashlib.sha256(value).hexdigest()
    if isinstance(value, Mapping):
        return tuple((_state(key), _state(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_state(item) for item in value)
    if value is None or isinstance(value, (bool, int, float, date, datetime)):
        return value
    return repr(value)


class PageStore:
    """One folder per owner (a policy), holding one shelf per fingerprint of its pages."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: dict[str, str] = {}

    def shelf(self, owner: str, key: str) -> Shelf | None:
        if self.folder is None:
            return None
        owner_dir = self.folder / _name(owner)
        self.used[owner_dir.name] = key
        return Shelf(owner_dir / key)

    def prune(self) -> None:
        """Remove the shelves this build did not use: older fingerprints, and policies that are gone."""
        if self.folder is None or not self.folder.is_dir():
            return
        for owner_dir in self.folder.iterdir():
            for shelf in owner_dir.iterdir() if owner_dir.is_dir() else ():
                if self.used.get(owner_dir.name) != shelf.name:
                    shutil.rmtree(shelf, ignore_errors=True)
            if owner_dir.name not in self.used:
                shutil.rmtree(owner_dir, ignore_errors=True)


@dataclasses.dataclass(frozen=True)
class Shelf:
    folder: Path

    def copy_to(self, name: str, target: str) -> bool:
        """Copy the page kept as `name` to `target`; False when it is not kept."""
        try:
            shutil.copyfile(self.folder / _name(name), target)
        except FileNotFoundError:
            return False
        return True

    def keep(self, name: str, content: str | bytes) -> None:
        write_atomically(
            self.folder / _name(name), content.encode("utf-8") if isinstance(content, str) else content
        )

    def note_links(self, seen: Mapping[str, str | None]) -> None:
        """Note the files the kept pages link to (by source path: their address, or None when missing)."""
        links = {**self._links(), **seen}
        write_atomically(self.folder / _LINKS, json.dumps(links, sort_keys=True).encode("utf-8"))

    def links_still_lead(self, url_of: Callable[[str], str | None]) -> bool:
        """Whether every file the kept pages looked up is still where it was (and every missing one missing)."""
        if not self.folder.is_dir():
            return True
        links = self._links()
        return bool(links) and all(url_of(src) == url for src, url in links.items())

    def note_files(self, names: list[str]) -> None:
        """Note that the files kept under these site paths are a whole set (written once all are kept)."""
        write_atomically(self.folder / _FILES, json.dumps(sorted(names)).encode("utf-8"))

    def kept_files(self) -> dict[str, Path] | None:
        """The whole set of files noted by `note_files`, by site path; None unless all of them are there."""
        try:
            names = json.loads((self.folder / _FILES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        kept = {name: self.folder / _name(name) for name in names}
        return kept if all(path.is_file() for path in kept.values()) else None

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _links(self) -> dict[str, str | None]:
        try:
            return dict(json.loads((self.folder / _LINKS).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}


_LINKS = "links.json"
_FILES = "files.json"


def _name(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
