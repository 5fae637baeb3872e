"""Snapshots from before git: `archive/<policy path without .md>/<YYYY-MM-DD>.md`, with provenance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.md$")


class SnapshotError(Exception):
    """A snapshot file that cannot be placed in any timeline; the message names it and the fix."""


@dataclass(frozen=True)
class Snapshot:
    """A policy's text as somebody captured it on `day`, before (or outside) the repository's history."""

    file: str
    """The snapshot's path relative to the snapshots folder, for messages."""
    policy: str
    """The policy it belongs to, as a path relative to the docs folder: `privacy.md`."""
    day: date
    content: bytes


def read_snapshots(folder: Path) -> dict[str, list[Snapshot]]:
    """Every snapshot under `folder`, grouped by policy and sorted by day. A missing folder has none."""
    if not folder.is_dir():
        return {}
    root = folder.resolve()
    for linked in sorted(path for path in folder.rglob("*") if path.is_symlink() and path.is_dir()):
        raise SnapshotError(
            f"{folder.name}/{linked.relative_to(folder).as_posix()} is a link to the folder {linked.resolve()}, "
            f"whose snapshots would be left out; copy them into {folder.name}/ instead."
        )
    found: dict[str, list[Snapshot]] = {}
    for path in sorted(folder.rglob("*.md")):
        relative = path.relative_to(folder).as_posix()
        if path.parent == folder:
            if path.name.lower() == "readme.md":
                continue
            raise SnapshotError(
                f"{folder.name}/{relative}: a snapshot belongs in the folder of its policy, such as "
                f"{folder.name}/privacy/2006-12-07.md for docs/privacy.md."
            )
        if not path.resolve().is_relative_to(root):
            raise SnapshotError(
                f"{folder.name}/{relative} leads outside {folder.name}/ (it is a link to {path.resolve()}); "
                f"copy the snapshot into {folder.name}/ instead."
            )
        match = _NAME.match(path.name)
        day = _parse_day(match[1]) if match else None
        if day is None:
            raise SnapshotError(
                f"{folder.name}/{relative}: a snapshot is named after the day it shows, as YYYY-MM-DD.md "
                "(for example 2006-12-07.md); rename it."
            )
        policy = path.parent.relative_to(folder).as_posix() + ".md"
        found.setdefault(policy, []).append(
            Snapshot(file=f"{folder.name}/{relative}", policy=policy, day=day, content=path.read_bytes())
        )
    for snapshots in found.values():
        snapshots.sort(key=lambda snapshot: snapshot.day)
    return found


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
