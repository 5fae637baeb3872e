"""A content-addressed cache of computed diffs, in memory and on disk.

A key is a hash of everything that shapes the result: the two texts (by their own hash, so a blob reached by
another commit or a snapshot hits too), what was computed, and the settings it was computed with (the Markdown
extensions and their options, this package's version). Nothing is ever invalidated, so nothing can be stale; the
folder can be deleted at any time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from . import __version__

T = TypeVar("T")

# Results kept by every cache in this process: `mkdocs serve` builds a new plugin for each rebuild, and a
# rebuild after one edit should recompute only what that edit changed.
_MEMORY: dict[str, Any] = {}


@functools.lru_cache(maxsize=8192)
def text_key(text: str) -> str:
    # Remembered: a build asks for the key of each version's text many times (its page, each diff, the
    # counts), and a string's own hash, which the lookup uses, is computed once per string.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ResultCache:
    """Computes a result once per key: from memory, else from disk, else by calling `compute`."""

    def __init__(self, folder: Path | None, settings: object) -> None:
        self.folder = folder
        self.settings = hashlib.sha256(
            json.dumps([__version__, settings], sort_keys=True, default=repr).encode()
        ).hexdigest()
        self.hits = self.misses = 0

    def _key(self, kind: str, parts: tuple[str, ...]) -> str:
        return hashlib.sha256("\0".join((self.settings, kind, *parts)).encode()).hexdigest()

    def _path(self, key: str) -> Path | None:
        return self.folder / key[:2] / key[2:] if self.folder else None

    def has(self, kind: str, parts: tuple[str, ...]) -> bool:
        return self._load(self._key(kind, parts))

    def put(self, kind: str, parts: tuple[str, ...], value: object) -> None:
        """Keep a result, such as one computed in a worker process."""
        key = self._key(kind, parts)
        _MEMORY[key] = value
        path = self._path(key)
        if path is not None:
            write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def get(self, kind: str, parts: tuple[str, ...], compute: Callable[[], T]) -> T:
        key = self._key(kind, parts)
        if self._load(key):
            self.hits += 1
        else:
            self.misses += 1
            self.put(kind, parts, compute())
        return _MEMORY[key]  # type: ignore[no-any-return]

    def _load(self, key: str) -> bool:
        """Whether the result is in memory, after reading it from disk if it is there."""
        if key in _MEMORY:
            return True
        path = self._path(key)
        if path is None or not path.is_file():
            return False
        try:
            _MEMORY[key] = pickle.loads(path.read_bytes())
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
