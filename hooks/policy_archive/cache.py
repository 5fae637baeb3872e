"""A content-addressed cache of computed diffs, in memory and on disk.

A key is a hash of everything that shapes the result: the two texts (by their own hash, so a blob reached by
another commit or a snapshot hits too), what was computed, and the settings it was computed with (the Markdown
extensions and their options, this package's version). Nothing is ever invalidated, so nothing can be stale; the
folder can be deleted at any time.
"""

from __future__ import annotations

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


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ResultCache:
    """Computes a result once per key: from memory, else from disk, else by calling `compute`."""

    def __init__(self, folder: Path | None, settings: object) -> None:
        self.folder = folder
        self.settings = hashlib.sha256(
            json.dumps([__version__, settings], sort_keys=True, default=repr).encode()
        ).hexdigest()
        self.hits = self.misses = 0

    def get(self, kind: str, parts: tuple[str, ...], compute: Callable[[], T]) -> T:
        key = hashlib.sha256("\0".join((self.settings, kind, *parts)).encode()).hexdigest()
        if key in _MEMORY:
            self.hits += 1
            return _MEMORY[key]  # type: ignore[no-any-return]
        path = self.folder / key[:2] / key[2:] if self.folder else None
        if path is not None and path.is_file():
            try:
                value: T = pickle.loads(path.read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                pass  # a damaged or outdated entry is recomputed and overwritten
            else:
                self.hits += 1
                _MEMORY[key] = value
                return value
        self.misses += 1
        value = compute()
        _MEMORY[key] = value
        if path is not None:
            _write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


def _write_atomically(path: Path, content: bytes) -> None:
    """Write through a temporary file, so a build stopped midway never leaves half an entry behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only or full disk makes the cache slower, never the build wrong
