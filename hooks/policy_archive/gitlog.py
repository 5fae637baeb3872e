"""Read the history of every file under a docs folder from git, in one pass.

One `git log -z --raw` lists every change to the folder along the first-parent line (a pull request counts at
its merge commit), and one `git cat-file --batch`, asked for every blob at once, hands over the blobs.
Nothing is checked out and no subprocess is started per file or per revision.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

# Without this, importing GitPython on a machine with no git raises ImportError before we can explain.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import git

_RECORD = "\x1e"
_FIELD = "\x1f"
# Subject last: it is the only field that could hold anything unusual.
_FORMAT = _RECORD + _FIELD.join(["%H", "%ct", "%an", "%ae", "%s"])
_NULL_BLOB = "0" * 40


class HistoryUnavailable(Exception):
    """Git history cannot be read at all; the message says why and what to do."""


@dataclass(frozen=True)
class Revision:
    """One committed state of one file: what a reader of that day saw."""

    commit: str
    committed_at: datetime
    author: str
    author_email: str
    subject: str
    path: str
    """The file's path at that commit, relative to the docs folder."""
    blob: str
    content: bytes


@dataclass
class FileHistory:
    """Every revision of one file, followed across renames, oldest first."""

    path: str
    """The file's latest path, relative to the docs folder."""
    revisions: list[Revision] = field(default_factory=list)
    deleted_at: datetime | None = None
    """When the file was removed, if it no longer exists at HEAD."""
    deleted_in: str | None = None
    removals: list[datetime] = field(default_factory=list)
    """Every time the file was removed, including removals it was later re-created after, oldest first."""

    @property
    def former_paths(self) -> list[str]:
        """Paths the file had before it was renamed, oldest first, without repeats."""
        seen: dict[str, None] = {}
        for revision in self.revisions:
            if revision.path != self.path:
                seen.setdefault(revision.path)
        return list(seen)


@dataclass
class RepoHistory:
    files: dict[str, FileHistory]
    shallow: bool
    head: str | None


@dataclass(frozen=True)
class _Change:
    status: str
    blob: str
    old_path: str | None
    path: str


@dataclass(frozen=True)
class _Commit:
    sha: str
    committed_at: datetime
    author: str
    author_email: str
    subject: str
    changes: list[_Change]


def open_repo(folder: Path) -> git.Repo:
    """The repository that holds `folder`, or HistoryUnavailable explaining why there is none."""
    try:
        return git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise HistoryUnavailable(
            f"{folder} is not inside a git repository, so there is no history to publish. "
            "Run `git init` and commit your policies to start their archive."
        ) from None
    except git.GitCommandNotFound:
        raise _git_missing() from None


def commits_since(folder: Path, since: str) -> set[str]:
    """The commits made after `since` on the way to HEAD (ValueError naming `since` when git does not know it)."""
    repo = open_repo(folder)
    try:
        return set(repo.git.rev_list(f"{since}..HEAD").split())
    except git.GitCommandError as error:
        said = re.search(r"fatal: ([^'\n]*)", str(error))
        raise ValueError(
            f"git does not know the commit {since!r}" + (f" ({said[1]})" if said else "")
        ) from None
    finally:
        repo.close()


def _git_missing() -> HistoryUnavailable:
    return HistoryUnavailable(
        "git is not installed or not on PATH, so the history cannot be read. Install git (for example "
        "`apt-get install git`) or set GIT_PYTHON_GIT_EXECUTABLE to its path."
    )


def read_history(docs_dir: Path, wanted: Callable[[str], bool] = lambda path: True) -> RepoHistory:
    """Every file under `docs_dir` whose latest path is `wanted`, with all its revisions.

    Paths are relative to `docs_dir` and use `/`. Raises HistoryUnavailable when there is no repository
    or git cannot be run.
    """
    docs_dir = docs_dir.resolve()
    repo = open_repo(docs_dir)
    try:
        return _read(repo, docs_dir, wanted)
    except git.GitCommandNotFound:
        raise _git_missing() from None
    finally:
        repo.close()


def _read(repo: git.Repo, docs_dir: Path, wanted: Callable[[str], bool]) -> RepoHistory:
    if not repo.working_tree_dir:
        raise HistoryUnavailable(f"{repo.git_dir} is a bare repository; build from a checkout instead.")
    top = Path(repo.working_tree_dir).resolve()
    prefix = docs_dir.relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    try:
        head = repo.head.commit.hexsha
    except ValueError:
        return RepoHistory(files={}, shallow=False, head=None)  # no commit yet
    shallow = repo.git.rev_parse("--is-shallow-repository").strip() == "true"
    output = repo.git.log(
        "-z",
        "--raw",
        "--no-abbrev",
        "-M",
        "--first-parent",
        "--diff-merges=first-parent",
        "--topo-order",
        "--no-color",
        "--no-show-signature",
        f"--format={_FORMAT}",
        "HEAD",
        "--",
        prefix or ".",
        stdout_as_string=False,
        env={"GIT_LITERAL_PATHSPECS": "1"},
    )
    log_order: list[str] = []
    files = _assemble(_parse_log(output, prefix), wanted, log_order)
    _load_blobs(repo, files.values(), log_order)
    return RepoHistory(files=files, shallow=shallow, head=head)


def _parse_log(output: bytes, prefix: str) -> Iterator[_Commit]:
    """Commits newest first, with the changes under the docs folder, paths made relative to it."""
    for chunk in output.split(_RECORD.encode())[1:]:
        header, _, raw = chunk.partition(b"\0")
        sha, timestamp, author, email, subject = header.decode("utf-8", "replace").split(_FIELD, 4)
        tokens = raw.lstrip(b"\n").split(b"\0")
        changes = []
        i = 0
        while i < len(tokens) and tokens[i].startswith(b":"):
            # ":100644 100644 <old blob> <new blob> <status>", then one path, or two for a rename or copy.
            meta = tokens[i].decode().split()
            status = meta[4][0]
            old_mode, new_mode = meta[0][1:], meta[1]
            paths = [os.fsdecode(p) for p in tokens[i + 1 : i + (3 if status in "RC" else 2)]]
            i += 1 + len(paths)
            if not _is_regular_file(new_mode if status != "D" else old_mode):
                continue
            relative = [p[len(prefix) :] if p.startswith(prefix) else None for p in paths]
            old = relative[0] if len(relative) == 2 else None
            if relative[-1] is None:
                if old is not None:  # moved out of the docs folder: gone, as far as the site can tell
                    changes.append(_Change(status="D", blob=_NULL_BLOB, old_path=None, path=old))
                continue
            changes.append(_Change(status=status, blob=meta[3], old_path=old, path=relative[-1]))
        yield _Commit(
            sha=sha,
            committed_at=datetime.fromtimestamp(int(timestamp), tz=timezone.utc),
            author=author,
            author_email=email,
            subject=subject,
            changes=changes,
        )


def _is_regular_file(mode: str) -> bool:
    # Symlinks (120000) and submodules (160000) have no text of their own to publish.
    return mode.startswith("100")


def _assemble(
    commits: Iterator[_Commit], wanted: Callable[[str], bool], log_order: list[str]
) -> dict[str, FileHistory]:
    """Group changes by file, following renames backwards from each file's latest path; note in `log_order`
    each blob as the log lists it."""
    files: dict[str, FileHistory] = {}
    owner: dict[str, str] = {}  # a path, as of the commit being read, -> the latest path of that file
    for commit in commits:  # newest first
        for change in commit.changes:
            key = owner.setdefault(change.path, change.path)
            history = files.get(key)
            if history is None:
                history = files[key] = FileHistory(path=key)
            if change.status == "D":
                if not history.revisions and history.deleted_at is None:
                    history.deleted_at, history.deleted_in = commit.committed_at, commit.sha
                history.removals.insert(0, commit.committed_at)
                continue
            log_order.append(change.blob)
            history.revisions.append(
                Revision(
                    commit=commit.sha,
                    committed_at=commit.committed_at,
                    author=commit.author,
                    author_email=commit.author_email,
                    subject=commit.subject,
                    path=change.path,
                    blob=change.blob,
                    content=b"",
                )
            )
            if change.status == "R" and change.old_path is not None:
                owner[change.old_path] = key
    for history in files.values():
        history.revisions.reverse()
    return {key: history for key, history in files.items() if history.revisions and wanted(key)}


def _load_blobs(repo: git.Repo, histories: Iterable[FileHistory], log_order: list[str]) -> None:
    """Fill in each revision's bytes through one `git cat-file --batch` process, asked for all of them at once.

    One question at a time would wait on git for each blob. `log_order` is every blob as `git log` met them,
    newest commit first: in that order git resolves the deltas its pack stores them as from a warm cache (one
    file's revisions in a row take several times longer on a long history)."""
    histories = list(histories)
    kept = {revision.blob for history in histories for revision in history.revisions}
    order = [blob for blob in dict.fromkeys(log_order) if blob in kept and blob != _NULL_BLOB]
    contents = dict(zip(order, _cat_files(repo, order), strict=True))
    for history in histories:
        history.revisions = [
            replace(revision, content=contents[revision.blob])
            for revision in history.revisions
            if revision.blob != _NULL_BLOB
        ]


def _cat_files(repo: git.Repo, blobs: list[str]) -> Iterator[bytes]:
    """The bytes of each blob, in order, from one `git cat-file --batch` fed by a thread while this one reads."""
    if not blobs:
        return
    command = [repo.git.GIT_PYTHON_GIT_EXECUTABLE or "git", "cat-file", "--batch"]
    with subprocess.Popen(
        command, cwd=repo.working_tree_dir, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        requests = "".join(f"{blob}\n" for blob in blobs).encode()
        feeder = threading.Thread(target=_feed, args=(process.stdin, requests), daemon=True)
        feeder.start()
        for blob in blobs:
            header = process.stdout.readline().split()
            if len(header) != 3:
                raise HistoryUnavailable(
                    f"git cannot read the blob {blob} ({b' '.join(header).decode(errors='replace')}): the "
                    "repository is incomplete. Fetch its whole history with `git fetch --unshallow`."
                )
            yield process.stdout.read(int(header[2]))
            process.stdout.read(1)  # the newline after each object
        feeder.join()


def _feed(stdin: IO[bytes], requests: bytes) -> None:
    with stdin:
        stdin.write(requests)
