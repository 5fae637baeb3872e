"""A content-addressed cache of computed diffs, in memory and on disk.

A key is a hash of everything that shapes the result: the two texts (by their own hash, so a blob reached by
another commit or a snapshot hits too), what was computed, and the settings it was computed with (the Markdown
extensions and their options, this package's own code). Nothing is ever invalidated, so nothing can be stale; the
folder can be deleted at any time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MEMORY_BUDGET = 128 * 2**20
"""Bytes of results (as stored on disk) kept in memory; more stay on disk only, so a long history fits."""


class Memory:
    """Results kept in this process, the least recently used given up first once over `budget` bytes.

    Without a folder on disk a result has nowhere else to live: it counts for nothing and stays."""

    def __init__(self, budget: int = MEMORY_BUDGET) -> None:
        self.budget = budget
        self.items: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self.size = 0

    def __contains__(self, key: str) -> bool:
        return key in self.items

    def __getitem__(self, key: str) -> Any:
        self.items.move_to_end(key)
        return self.items[key][0]

    def clear(self) -> None:
        self.items.clear()
        self.size = 0

    def keep(self, key: str, value: Any, size: int) -> None:
        if key in self.items:
            self.size -= self.items.pop(key)[1]
        self.items[key] = (value, size)
        self.size += size
        while self.size > self.budget and len(self.items) > 1:
            self.size -= self.items.popitem(last=False)[1][1]


# Results kept by every cache in this process: `mkdocs serve` builds a new plugin for each rebuild, and a
# rebuild after one edit should recompute only what that edit changed.
_MEMORY = Memory()


@functools.lru_cache(maxsize=512)
def text_key(text: str) -> str:
    # Remembered: a build asks for the key of a version's text several times in a row (its page, its diffs,
    # the counts), and a string's own hash, which the lookup uses, is computed once per string. Only the
    # recent ones: the texts a cache entry holds stay in memory.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def package_state() -> str:
    """A digest of this package's own files: a page made by other code is another page."""
    digest = hashlib.sha256()
    root = resources.files(__package__)
    for path in sorted(Path(str(root)).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(str(root)).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class ResultCache:
    """Computes a result once per key: from memory, else from disk, else by calling `compute`."""

    def __init__(self, folder: Path | None, settings: object) -> None:
        self.folder = folder
        self.settings = hashlib.sha256(
            json.dumps([package_state(), settings], sort_keys=True, default=repr).encode()
        ).hexdigest()
        self.hits = self.misses = 0
        self.ignored = False

    def _key(self, kind: str, parts: tuple[str, ...]) -> str:
        return hashlib.sha256("\0".join((self.settings, kind, *parts)).encode()).hexdigest()

    def _path(self, key: str) -> Path | None:
        return self.folder / key[:2] / key[2:] if self.folder else None

    def has(self, kind: str, parts: tuple[str, ...]) -> bool:
        """Whether the result is known, without reading it."""
        key = self._key(kind, parts)
        path = self._path(key)
        return key in _MEMORY or (path is not None and path.is_file())

    def put(self, kind: str, parts: tuple[str, ...], value: object) -> None:
        """Keep a result, such as one computed in a worker process."""
        key = self._key(kind, parts)
        path = self._path(key)
        if path is None:
            _MEMORY.keep(key, value, 0)
            return
        stored = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        _MEMORY.keep(key, value, len(stored))
        if not self.ignored:
            # The folder usually sits in the site's repository: keep it out of the writers' commits.
            write_atomically(self.folder / ".gitignore", b"*\n")  # type: ignore[operator]
            self.ignored = True
        write_atomically(path, stored)

    def get(self, kind: str, parts: tuple[str, ...], compute: Callable[[], T]) -> T:
        key = self._key(kind, parts)
        if self._load(key):
            self.hits += 1
            return _MEMORY[key]  # type: ignore[no-any-return]
        self.misses += 1
        value = compute()
        self.put(kind, parts, value)
        return value

    def _load(self, key: str) -> bool:
        """Whether the result is in memory, after reading it from disk if it is there."""
        if key in _MEMORY:
            return True
        path = self._path(key)
        if path is None or not path.is_file():
            return False
        try:
            stored = path.read_bytes()
            _MEMORY.keep(key, pickle.loads(stored), len(stored))
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return False  # a damaged or outdated entry is recomputed and overwritten
        return True


def write_atomically(path: Path, content: bytes) -> None:
    """Write through a temporary file, so a build stopped midway never leaves half an entry behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only or full disk makes the cache slower, never the build wrong
