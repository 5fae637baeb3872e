"""The `policy-archive` command for maintainers: the archive from the terminal, without building the site.

It reads `mkdocs.yml` as plain YAML (for `docs_dir`, `site_url` and this plugin's options) and uses the
history reader and the version model directly, so it answers in the time git takes to list the history.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn, TextIO
from urllib.parse import urlsplit

import yaml

from . import __version__
from .dates import DateFormatter
from .frontmatter import FrontMatterError, check_keys, split_front_matter
from .gitlog import HistoryUnavailable, RepoHistory, read_history
from .pages import Layout
from .snapshots import Snapshot, SnapshotError, read_snapshots
from .versions import (
    POLICY_KEYS,
    SNAPSHOT_KEYS,
    Policy,
    PublishedRevision,
    Version,
    build_date,
    build_policy,
    stem,
)

PLUGIN = "policy-archive"
CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
DEFAULT_POLICIES = ["*.md", "!index.md", "!README.md"]


class CliError(Exception):
    """A problem to report as one line on stderr, with exit status 1."""


# --------------------------------------------------------------------------- the site's settings


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as data: `!ENV` reads the environment, other tags (`!!python/name:…`) become None."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node)
        names, default = [str(item) for item in items[:-1]], items[-1] if items else None
    else:
        return None
    return next((os.environ[name] for name in names if name in os.environ), default)


def _ignore(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_multi_constructor("!", _ignore)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore)


@dataclass
class Project:
    """What the command needs from the site: where things are and how the plugin is set up."""

    root: Path
    """The folder of mkdocs.yml (snapshots live next to it), or the current folder without one."""
    docs_dir: Path
    config_file: Path | None = None
    site_url: str | None = None
    site_name: str = "Policies"
    use_directory_urls: bool = True
    policies: list[str] = field(default_factory=lambda: list(DEFAULT_POLICIES))
    time_zone: str = "UTC"
    locale: str = "en"
    archive_segment: str = "archive"
    publish_raw: bool = True
    effective_pattern: re.Pattern[str] | None = None
    snapshots_dir: str = "archive"
    publish_withdrawn: bool = True

    def __post_init__(self) -> None:
        import pathspec

        self.dates = DateFormatter(self.locale, self.time_zone)
        self.layout = Layout(self.archive_segment, self.publish_raw)
        self.is_policy: Callable[[str], bool] = pathspec.GitIgnoreSpec.from_lines(self.policies).match_file
        try:
            self.today = build_date(os.environ.get("SOURCE_DATE_EPOCH"), self.dates)
        except ValueError as error:
            raise CliError(str(error)) from None

    @property
    def snapshots(self) -> Path:
        return self.root / self.snapshots_dir

    def show(self, path: Path) -> str:
        """A path as the user would type it from the current folder."""
        try:
            return os.path.relpath(path)
        except ValueError:
            return str(path)

    def url(self, src_path: str) -> str:
        """The URL MkDocs gives a generated file, relative to the site's root."""
        from .data import directory_url

        if f"/{self.archive_segment}/raw/" in f"/{src_path}":
            return src_path  # raw Markdown and diffs are copied as they are
        return directory_url(src_path, self.use_directory_urls)


def load_project(config_file: str | None, docs_dir: str | None) -> Project:
    """Read mkdocs.yml (from `config_file`, or the current folder) and the plugin's options in it."""
    path = (
        Path(config_file) if config_file else next((Path(n) for n in CONFIG_NAMES if Path(n).is_file()), None)
    )
    if path is None:
        if docs_dir is None:
            raise CliError(
                f"no mkdocs.yml in {Path.cwd()}: run this in the site's folder, or pass --config-file FILE "
                "or --docs-dir FOLDER"
            )
        return _project(Path.cwd(), Path(docs_dir), None, {}, {})
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"{path}: cannot be read: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or error
        raise CliError(f"{path}{where}: not valid YAML: {problem}") from None
    if not isinstance(config, dict):
        raise CliError(f"{path}: expected a mapping of settings such as site_name and docs_dir")
    root = path.parent
    docs = Path(docs_dir) if docs_dir else root / str(config.get("docs_dir") or "docs")
    return _project(root, docs, path, config, _plugin_options(config, path))


def _plugin_options(config: dict[str, Any], path: Path) -> dict[str, Any]:
    plugins = config.get("plugins") or []
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else (
            next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, None)
            for item in plugins
        )
    )
    for name, options in entries:
        if name == PLUGIN:
            if options is not None and not isinstance(options, dict):
                raise CliError(f"{path}: the options of plugin {PLUGIN} must be a mapping, got {options!r}")
            return dict(options or {})
    return {}


def _project(
    root: Path, docs: Path, config_file: Path | None, config: dict[str, Any], options: dict[str, Any]
) -> Project:
    from .config import PolicyArchiveConfig  # imports MkDocs' option types: only when there are options

    checked: dict[str, Any] = {}
    if options:
        plugin_config = PolicyArchiveConfig(config_file_path=str(config_file) if config_file else None)
        plugin_config.load_dict(options)
        errors, _warnings = plugin_config.validate()
        if errors:
            key, error = errors[0]
            raise CliError(f"{config_file}: option '{key}' of plugin {PLUGIN}: {error}")
        known = {f.name for f in fields(Project)}  # options the command has no use for are left out
        checked = {key: plugin_config[key] for key in options if key in plugin_config and key in known}
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    locale = checked.pop("locale", None) or theme.get("language") or theme.get("locale") or "en"
    if not docs.is_dir():
        raise CliError(
            f"the docs folder {docs} does not exist; set docs_dir in mkdocs.yml or pass --docs-dir"
        )
    site_url = config.get("site_url")
    try:
        return Project(
            root=root,
            docs_dir=docs,
            config_file=config_file,
            site_url=site_url if isinstance(site_url, str) and site_url else None,
            site_name=str(config.get("site_name") or "Policies"),
            use_directory_urls=config.get("use_directory_urls", True) is not False,
            locale=str(locale),
            **checked,
        )
    except ValueError as error:
        raise CliError(f"{config_file or 'settings'}: {error}") from None


# --------------------------------------------------------------------------- reading the archive


@dataclass
class Archive:
    history: RepoHistory
    policies: dict[str, Policy]
    unclaimed: dict[str, list[Snapshot]]


def working_policies(project: Project) -> list[str]:
    """The policies in the docs folder now, as MkDocs would find them (hidden files and folders skipped)."""
    found = []
    for folder, dirs, files in os.walk(project.docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        relative = Path(folder).relative_to(project.docs_dir).as_posix()
        for name in sorted(files):
            path = name if relative == "." else f"{relative}/{name}"
            if name.endswith(".md") and not name.startswith(".") and project.is_policy(path):
                found.append(path)
    return found


def load_archive(
    project: Project, only: str | None = None, progress: Progress | None = None, snapshots: bool = True
) -> Archive:
    """Every policy's timeline (or only `only`'s), as the build would make it."""
    if progress:
        progress.show(f"Reading the history of {project.show(project.docs_dir)}…")
    wanted = (lambda path: path == only) if only else project.is_policy
    history = read_history(project.docs_dir, wanted=wanted)
    found = read_snapshots(project.snapshots) if snapshots else {}
    if only:
        paths = [only]
    else:
        current = working_policies(project)
        withdrawn = [
            path
            for path, file_history in history.files.items()
            if file_history.deleted_at and project.publish_withdrawn and path not in current
        ]
        paths = current + withdrawn
    policies = {}
    for number, path in enumerate(paths, 1):
        if progress:
            progress.show(f"Reading {path} ({number}/{len(paths)})…")
        policies[path] = build_policy(
            path,
            history.files.get(path),
            project.dates,
            today=project.today,
            snapshots=found.pop(path, ()),
            effective_pattern=project.effective_pattern,
        )
    return Archive(history=history, policies=policies, unclaimed=found if not only else {})


def policy_path(project: Project, given: str) -> str:
    """The docs-relative path of a policy given as `docs/privacy.md` (from here) or `privacy.md` (in docs)."""
    if not given.endswith(".md"):
        raise CliError(
            f"{given}: a policy is a Markdown file, such as {project.show(project.docs_dir / 'privacy.md')}"
        )
    docs = project.docs_dir.resolve()
    try:
        return (Path.cwd() / given).resolve().relative_to(docs).as_posix()
    except ValueError:
        pass
    relative = PurePosixPath(given.replace(os.sep, "/"))
    if relative.is_absolute() or ".." in relative.parts:
        raise CliError(f"{given} is not in the docs folder {project.show(project.docs_dir)}")
    return relative.as_posix()


def load_policy(project: Project, given: str, progress: Progress | None = None) -> Policy:
    path = policy_path(project, given)
    try:
        archive = load_archive(project, only=path, progress=progress)
    except SnapshotError as error:
        raise CliError(str(error)) from None
    policy = archive.policies[path]
    if not policy.versions and not (project.docs_dir / path).is_file():
        raise CliError(
            f"{given}: no such policy: it is not in {project.show(project.docs_dir)} and git has no history "
            "of it"
        )
    return policy


# --------------------------------------------------------------------------- output helpers


class Progress:
    """A one-line status on stderr while something long runs, only when stderr is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = _isatty(self.stream)
        self.shown = False

    def show(self, message: str) -> None:
        if self.enabled:
            width = shutil.get_terminal_size().columns - 1
            self.stream.write("\r\x1b[K" + message[:width])
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _table(rows: list[list[str]], out: TextIO, truncate_last: bool) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    limit = shutil.get_terminal_size().columns if truncate_last else None
    for row in rows:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1]
        line = line.rstrip()
        if limit and len(line) > limit:
            line = line[: limit - 1] + "…"
        out.write(line + "\n")


# --------------------------------------------------------------------------- log


def cmd_log(project: Project, args: argparse.Namespace, out: TextIO) -> int:
    from .data import dump, versions_json

    progress = args.progress
    policy = load_policy(project, args.path, progress)
    progress.show(f"Counting the words changed in {policy.path}…")
    data = versions_json(policy, project.layout, project.url, project.dates, site_url=project.site_url)
    progress.clear()
    if args.json:
        out.write(dump(data).decode("utf-8"))
        return 0
    revisions = sum(len(version["revisions"]) for version in data["versions"])
    state = f", withdrawn on {policy.withdrawn_on.isoformat()}" if policy.withdrawn_on else ""
    out.write(
        f"{policy.title} ({policy.path}): {_count(len(policy.versions), 'version')}, "
        f"{_count(revisions, 'revision')}{state}\n"
    )
    if not data["versions"]:
        out.write("No versions yet: commit the policy to start its archive.\n")
        return 0
    # VERSION is the slug `diff` takes: it tells apart two versions of one day (2024-01-15, 2024-01-15-2).
    rows = [["VERSION", "EFFECTIVE", "STATUS", "DATE", "COMMIT", "+/-", "CHANGE NOTE"]]
    unstated = False
    for version in reversed(data["versions"]):
        for index, revision in enumerate(reversed(version["revisions"])):
            head = index == 0
            effective = version["effective"] + ("" if version["effective_stated"] else "*")
            unstated = unstated or not version["effective_stated"]
            first = index == len(version["revisions"]) - 1
            subject = revision["subject"]
            note = (version["changes"] or subject) if first else f"(editorial) {subject}"
            if revision["snapshot"]:
                note += f" [snapshot: {revision['snapshot']['source'] or revision['snapshot']['file']}]"
            rows.append(
                [
                    version["slug"] if head else "",
                    effective if head else "",
                    version["status"] if head else "",
                    revision["day"],
                    revision["commit"][:10] if revision["commit"] else "snapshot",
                    _words(revision["words_added"], revision["words_removed"]),
                    note,
                ]
            )
    out.write("\n")
    _table(rows, out, truncate_last=_isatty(out))
    if unstated:
        out.write("\n* no effective date stated: the version is dated by its first commit.\n")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _words(added: int | None, removed: int | None) -> str:
    if added is None or removed is None:
        return "new"
    return f"+{added} -{removed}"


# --------------------------------------------------------------------------- diff

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEX = re.compile(r"^[0-9a-fA-F]{4,64}$")
_TOKEN = re.compile(r"\n|[^\S\n]+|\w+(?:[-.:/'\u2019]\w+)*|[^\w\s]")
"""Words (with inner hyphens, dots, apostrophes: `opt-out`, `2024-01-15`), spaces, newlines, punctuation."""


@dataclass(frozen=True)
class _Side:
    label: str
    revision: PublishedRevision
    version: Version | None = None
    """The version, when the side was named as a whole version (its newest revision)."""


def resolve_version(policy: Policy, ref: str) -> _Side:
    """A revision from a version slug, a date (the version in force that day), a revision slug or a commit."""
    for version in policy.versions:
        if version.slug == ref:
            return _Side(f"version {version.slug}", version.latest, version)
    revisions = [revision for version in policy.versions for revision in version.revisions]
    for revision in revisions:
        if revision.slug == ref:
            return _Side(_revision_label(policy, revision), revision)
    if _ISO_DAY.match(ref):
        try:
            day = date.fromisoformat(ref)
        except ValueError:
            raise CliError(f"{ref} is not a date: write a day that exists, as YYYY-MM-DD") from None
        in_force = [version for version in policy.versions if version.starts <= day]
        if not in_force:
            first = policy.versions[0].starts.isoformat()
            raise CliError(f"no version of {policy.path} was in force on {ref}: the first starts on {first}")
        return _Side(f"version {in_force[-1].slug} (in force on {ref})", in_force[-1].latest, in_force[-1])
    if _HEX.match(ref):
        matches = [r for r in revisions if r.commit and r.commit.startswith(ref.lower())]
        if len(matches) == 1:
            return _Side(_revision_label(policy, matches[0]), matches[0])
        if len(matches) > 1:
            raise CliError(f"commit {ref} is ambiguous in the history of {policy.path}: give more digits")
    raise CliError(
        f"unknown version {ref!r} of {policy.path}: give a date (YYYY-MM-DD), a version's slug or a commit; "
        f"`policy-archive log` lists them"
    )


def _revision_label(policy: Policy, revision: PublishedRevision) -> str:
    version = next(v for v in policy.versions if revision in v.revisions)
    return f"revision {revision.slug} of version {version.slug}"


def cmd_diff(project: Project, args: argparse.Namespace, out: TextIO) -> int:
    from .diff import diff_stats

    progress = args.progress
    policy = load_policy(project, args.path, progress)
    progress.clear()
    if not policy.versions:
        raise CliError(f"{policy.path} has no versions yet: commit it first")
    current = policy.current or policy.versions[-1]
    if args.to:
        new = resolve_version(policy, args.to)
    else:
        new = _Side(f"version {current.slug} (current)", current.latest, current)
    if args.old:
        old = resolve_version(policy, args.old)
    else:
        version = next(v for v in policy.versions if new.revision in v.revisions)
        index = version.revisions.index(new.revision)
        if index > 0 and (new.version is None or version.number == 1):
            # An editorial revision (or the first version's newest): compare with the revision before it.
            old = _Side(_revision_label(policy, version.revisions[index - 1]), version.revisions[index - 1])
        elif version.number > 1:
            previous = policy.versions[version.number - 2]
            old = _Side(f"version {previous.slug} (previous)", previous.latest)
        else:
            raise CliError(
                f"{policy.path} has only one version before {new.label}: there is nothing to compare"
            )
    colour = args.color == "always" or (
        args.color == "auto" and _isatty(out) and not os.environ.get("NO_COLOR")
    )
    stats = diff_stats(old.revision.body, new.revision.body)
    out.write(f"{_bold('--- ' + _describe(old), colour)}\n{_bold('+++ ' + _describe(new), colour)}\n")
    if old.revision.text == new.revision.text:
        out.write("No changes.\n")
        return 0
    out.write(f"{stats.words_added} words added, {stats.words_removed} removed\n\n")
    context = None if args.full else args.context
    for line in render_word_diff(old.revision.text, new.revision.text, colour=colour, context=context):
        out.write(line + "\n")
    return 0


def _describe(side: _Side) -> str:
    revision = side.revision
    origin = f"commit {revision.commit[:10]}" if revision.commit else f"snapshot {revision.snapshot.file}"  # type: ignore[union-attr]
    return f"{side.label}: {origin}, {revision.day.isoformat()}"


def _bold(text: str, colour: bool) -> str:
    return f"\x1b[1m{text}\x1b[0m" if colour else text


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) pieces, op being '=', '-' or '+': lines aligned first, then words inside changed lines."""
    pieces: list[tuple[str, str]] = []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            pieces.append(("=", before))
        elif tag != "replace":
            pieces.append(("-", before) if before else ("+", after))
        else:
            pieces.extend(_word_pieces(_TOKEN.findall(before), _TOKEN.findall(after)))
    return pieces


def _word_pieces(a: list[str], b: list[str]) -> Iterator[tuple[str, str]]:
    """Words of changed lines; a change of several words reads as one (`[-a b-]{+c d+}`), not word by word."""
    runs: list[list[str]] = []  # [kept, removed, added]
    for op, k1, k2, m1, m2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        kept, removed, added = "".join(a[k1:k2]) if op == "equal" else "", "", ""
        if op != "equal":
            removed, added = "".join(a[k1:k2]), "".join(b[m1:m2])
        runs.append([kept, removed, added])
    merged: list[list[str]] = []
    for index, run in enumerate(runs):
        bridge = run[0] and not run[0].strip() and 0 < index < len(runs) - 1 and "\n" not in run[0]
        if merged and not merged[-1][0] and (not run[0] or bridge):
            merged[-1][1] += run[0] + run[1]
            merged[-1][2] += run[0] + run[2]
        else:
            merged.append(list(run))
    for kept, removed, added in merged:
        if kept:
            yield "=", kept
        if removed:
            yield "-", removed
        if added:
            yield "+", added


def render_word_diff(old: str, new: str, *, colour: bool, context: int | None = 3) -> Iterator[str]:
    """The word diff as lines, marked `[-removed-]{+added+}` (or in colour), `context` lines around each."""
    lines: list[str] = []
    changed: list[bool] = []
    current: list[str] = []
    dirty = False
    for op, text in word_diff(old, new):
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append("".join(current))
                changed.append(dirty)
                current, dirty = [], False
            if not part:
                continue
            if op == "=":
                current.append(part)
            else:
                current.append(_mark(op, part, colour))
                dirty = True
            if op != "=" and not part.strip() and not colour:
                dirty = True
    if current:
        lines.append("".join(current))
        changed.append(dirty)
    if context is None:
        yield from lines
        return
    keep = [False] * len(lines)
    for index, is_changed in enumerate(changed):
        if is_changed:
            for near in range(max(0, index - context), min(len(lines), index + context + 1)):
                keep[near] = True
    previous = -1
    for index, line in enumerate(lines):
        if not keep[index]:
            continue
        if index != previous + 1:
            yield _bold(f"@@ line {index + 1} @@", colour)
        yield line
        previous = index


def _mark(op: str, text: str, colour: bool) -> str:
    if colour:
        return f"\x1b[31;9m{text}\x1b[0m" if op == "-" else f"\x1b[32m{text}\x1b[0m"
    return f"[-{text}-]" if op == "-" else f"{{+{text}+}}"


# --------------------------------------------------------------------------- check


@dataclass(frozen=True)
class Problem:
    where: str
    """The file, and the commit when the problem is in the history."""
    message: str
    fix: str
    commit: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}\n  fix: {self.fix}"


def cmd_check(project: Project, args: argparse.Namespace, out: TextIO) -> int:
    progress = args.progress
    problems, summary = run_checks(project, progress, since=args.since)
    progress.clear()
    for problem in problems:
        out.write(f"{problem}\n")
    if problems:
        out.write(f"\n{_count(len(problems), 'problem')} found ({summary}).\n")
        return 1
    out.write(f"No problems ({summary}).\n")
    return 0


def run_checks(
    project: Project, progress: Progress | None = None, since: str | None = None
) -> tuple[list[Problem], str]:
    """Every problem in the policies' whole history, their snapshots and the clone; and what was checked."""
    problems = list(_snapshot_files(project))
    try:
        archive = load_archive(project, progress=progress, snapshots=not problems)
    except SnapshotError as error:
        return [*problems, Problem(project.snapshots_dir, str(error), "see above")], "snapshots unreadable"
    except HistoryUnavailable as error:
        return [*problems, Problem(project.show(project.docs_dir), str(error), "see above")], "no history"
    if archive.history.shallow:
        problems.append(
            Problem(
                "git repository",
                "this is a shallow clone, so every version older than the clone's depth is missing",
                "run `git fetch --unshallow` (GitHub Actions: `fetch-depth: 0` on actions/checkout)",
            )
        )
    for path, snapshots in archive.unclaimed.items():
        for snapshot in snapshots:
            problems.append(
                Problem(
                    snapshot.file,
                    f"there is no policy {path} in {project.show(project.docs_dir)} for this snapshot",
                    f"add the policy, or move the snapshot to the folder named after its policy "
                    f"({project.snapshots_dir}/<policy path without .md>/)",
                )
            )
    for number, policy in enumerate(archive.policies.values(), 1):
        if progress:
            progress.show(f"Checking {policy.path} ({number}/{len(archive.policies)})…")
        problems.extend(_policy_problems(project, policy))
    if since:
        problems = _since(project, problems, since)
    revisions = sum(
        len(version.revisions) for policy in archive.policies.values() for version in policy.versions
    )
    policies = "1 policy" if len(archive.policies) == 1 else f"{len(archive.policies)} policies"
    summary = f"{policies}, {_count(revisions, 'revision')}"
    return problems, summary


def _snapshot_files(project: Project) -> Iterator[Problem]:
    """Every misplaced or misnamed file in the snapshots folder (the build stops at the first)."""
    folder = project.snapshots
    if not folder.is_dir():
        return
    shown = project.snapshots_dir
    for path in sorted(folder.rglob("*.md")):
        relative = f"{shown}/{path.relative_to(folder).as_posix()}"
        if path.parent == folder:
            if path.name.lower() != "readme.md":
                yield Problem(
                    relative,
                    "a snapshot belongs in the folder of its policy",
                    f"move it to {shown}/<policy path without .md>/, such as {shown}/privacy/{path.name} "
                    "for docs/privacy.md",
                )
            continue
        if not path.resolve().is_relative_to(folder.resolve()):
            yield Problem(
                relative,
                f"it is a link to {path.resolve()}, outside {shown}/",
                f"copy the file into {shown}/",
            )
            continue
        name = path.name.removesuffix(".md")
        try:
            valid = _ISO_DAY.match(name) and date.fromisoformat(name)
        except ValueError:
            valid = False
        if not valid:
            yield Problem(
                relative,
                "a snapshot is named after the day it shows, as YYYY-MM-DD.md",
                "rename it, such as 2006-12-07.md",
            )


def _policy_problems(project: Project, policy: Policy) -> Iterator[Problem]:
    revisions = [revision for version in policy.versions for revision in version.revisions]
    latest = revisions[-1] if revisions else None
    for text in policy.problems:
        revision = _revision_of(text, revisions)
        where, _, message = text.partition(": ")
        yield Problem(
            where, message, _fix_for(project, policy, revision, latest), revision.commit if revision else None
        )
    for revision in revisions:
        snapshot = revision.snapshot
        if snapshot is not None and not revision.meta.get("source"):
            yield Problem(
                snapshot.file,
                "the snapshot does not say where it comes from",
                "add `source: <URL>` (and `captured: YYYY-MM-DD`) to its front matter",
            )
    for previous, version in zip(policy.versions, policy.versions[1:], strict=False):
        if version.starts > previous.starts or (version.starts == previous.starts and not version.effective):
            continue  # commits of one day without an effective date are versions of that day (slugs -2, -3…)
        first = version.revisions[0]
        where = _where(policy, first)
        went = "back to" if version.starts < previous.starts else "again to"
        since = "its effective date" if version.effective else "its commit date (it states no effective date)"
        yield Problem(
            where,
            f"the version's start went {went} {version.starts.isoformat()} ({since}), after a version that "
            f"starts on {previous.starts.isoformat()}: versions must start in order",
            "state the right `effective:` date in the policy's front matter in a new commit"
            + (" (an earlier one is kept in the archive as it was)" if first is not latest else ""),
            first.commit,
        )
    yield from _working_copy(project, policy, latest)


def _revision_of(text: str, revisions: list[PublishedRevision]) -> PublishedRevision | None:
    for revision in revisions:
        if revision.commit and f"at commit {revision.commit[:12]} " in text:
            return revision
        if revision.snapshot and text.startswith(revision.snapshot.file):
            return revision
    return None


def _fix_for(
    project: Project, policy: Policy, revision: PublishedRevision | None, latest: PublishedRevision | None
) -> str:
    if revision is not None and revision.snapshot is not None:
        return f"edit {project.snapshots_dir}/{policy.stem}/{revision.snapshot.day.isoformat()}.md"
    if revision is None or revision is latest:
        return f"correct {project.show(project.docs_dir / policy.path)} and commit it"
    return (
        "this commit is past history and stays archived as it is; correct the policy in a new commit if it "
        "is still wrong, and check only newer commits with `policy-archive check --since <commit>`"
    )


def _where(policy: Policy, revision: PublishedRevision) -> str:
    if revision.snapshot is not None:
        return revision.snapshot.file
    return f"{policy.path} at commit {revision.commit[:12]} ({revision.day.isoformat()})"  # type: ignore[index]


def _working_copy(project: Project, policy: Policy, latest: PublishedRevision | None) -> Iterator[Problem]:
    """Uncommitted changes to a policy are checked too: they are what the next commit will publish."""
    file = project.docs_dir / policy.path
    if policy.withdrawn_on or not file.is_file():
        return
    content = file.read_bytes()
    if latest is not None and latest.content == content:
        return
    where = f"{policy.path} (uncommitted)"
    fix = f"correct {project.show(file)} before you commit it"
    try:
        text = content.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        yield Problem(where, f"not valid UTF-8 (byte {error.start})", "save the file as UTF-8")
        return
    try:
        meta, _ = split_front_matter(text)
    except FrontMatterError as error:
        yield Problem(where, str(error), fix)
        return
    for message in check_keys(meta, POLICY_KEYS)[1]:
        yield Problem(where, message, fix)


def _since(project: Project, problems: list[Problem], since: str) -> list[Problem]:
    """Only the problems of commits made after `since` (and those not tied to a commit)."""
    from .gitlog import commits_since

    try:
        newer = commits_since(project.docs_dir, since)
    except ValueError as error:
        raise CliError(f"--since {since}: {error}") from None
    return [problem for problem in problems if problem.commit is None or problem.commit in newer]


# --------------------------------------------------------------------------- import

_WAYBACK_LINK = re.compile(r"^(?:https?://web\.archive\.org)?/web/\d+[a-z_]*/(?P<url>.+)$")
_WAYBACK_CHROME = ("wm-ipp-base", "wm-ipp", "wm-ipp-print", "donato", "wm-ipp-inside")


def cmd_import(project: Project, args: argparse.Namespace, out: TextIO) -> int:
    day = _day_argument(args.date, "--date")
    if day > project.today:
        raise CliError(
            f"--date {args.date} is in the future: a snapshot shows a text somebody saw on that day"
        )
    captured = _day_argument(args.captured, "--captured") if args.captured else day
    source = args.source.strip()
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(
            f"--source {args.source!r} is not a web address: give the http(s) URL the text was captured from"
        )
    policy = policy_path(project, args.policy)
    if (
        not (project.docs_dir / policy).is_file()
        and policy not in read_history(project.docs_dir, wanted=lambda path: path == policy).files
    ):
        raise CliError(f"{args.policy}: no such policy in {project.show(project.docs_dir)}")
    file = Path(args.file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{args.file}: no such file") from None
    except OSError as error:
        raise CliError(f"{args.file}: cannot be read: {error.strerror}") from None
    html = args.html or file.suffix.lower() in (".html", ".htm", ".xhtml") or _looks_like_html(raw)
    if html:
        body, title = html_to_markdown(raw)
        meta: dict[str, Any] = {}
        if title and not re.search(r"^# ", body, re.MULTILINE):
            meta["title"] = title
    else:
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise CliError(f"{args.file} is not UTF-8 text (byte {error.start}): save it as UTF-8") from None
        try:
            meta, body = split_front_matter(text)
        except FrontMatterError as error:
            raise CliError(f"{args.file}: {error}") from None
    if not body.strip():
        raise CliError(f"{args.file} has no text to import")
    meta.update(source=source, captured=captured, note=args.note or f"Imported from {file.name}")
    _, errors = check_keys(meta, SNAPSHOT_KEYS)
    if errors:
        raise CliError(f"{args.file}: {errors[0]}")
    target = project.snapshots / stem(policy) / f"{day.isoformat()}.md"
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    content = f"---\n{front}---\n\n{body.strip()}\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
    except FileExistsError:
        raise CliError(f"{project.show(target)} already exists: remove it first to replace it") from None
    kind = "a saved HTML page" if html else "Markdown"
    out.write(
        f"Added {project.show(target)} ({kind}, {len(body.split())} words). Check it, then commit it to "
        "publish it as the text of that day.\n"
    )
    return 0


def _day_argument(text: str, option: str) -> date:
    try:
        if not _ISO_DAY.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"{option} {text!r} is not a date: write it as YYYY-MM-DD, such as 2006-12-07"
        ) from None


def _looks_like_html(raw: bytes) -> bool:
    start = raw[:512].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in raw[:4096].lower()


def html_to_markdown(raw: bytes) -> tuple[str, str | None]:
    """A saved web page as Markdown: its main content, without scripts or the Wayback Machine's toolbar."""
    from bs4 import BeautifulSoup, Comment
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(raw, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for element in soup(["script", "style", "noscript", "template", "iframe", "head"]):
        element.decompose()
    for name in _WAYBACK_CHROME:
        for element in soup.find_all(id=name):
            element.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    for link in soup.find_all(["a", "img"]):
        attribute = "href" if link.name == "a" else "src"
        target = link.get(attribute)
        match = _WAYBACK_LINK.match(target) if isinstance(target, str) else None
        if match:
            link[attribute] = match["url"]
    root = soup.find("main") or soup.find("article") or soup.body or soup
    markdown = MarkdownConverter(heading_style="ATX", bullets="-", escape_misc=False).convert_soup(root)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return markdown, title or None


# --------------------------------------------------------------------------- the command line


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-f",
        "--config-file",
        metavar="FILE",
        help="the site's mkdocs.yml (default: mkdocs.yml in this folder)",
    )
    common.add_argument(
        "--docs-dir", metavar="FOLDER", help="the folder of the policies, instead of docs_dir from mkdocs.yml"
    )
    parser = _Parser(
        prog="policy-archive",
        description="The published history of your policy pages, from the terminal. Reads mkdocs.yml in this "
        "folder (its docs_dir and the policy-archive plugin's options) and the git history; builds nothing.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    log = commands.add_parser(
        "log",
        parents=[common],
        help="list a policy's versions and revisions",
        description="List a policy's versions (newest first) and their revisions: the day of each commit, "
        "the effective date, the commit, the words added and removed, and the change note.",
    )
    log.add_argument("path", metavar="PATH", help="the policy, such as docs/privacy.md")
    log.add_argument("--json", action="store_true", help="print the data of versions.json instead of a table")
    log.set_defaults(run=cmd_log)

    diff = commands.add_parser(
        "diff",
        parents=[common],
        help="show what changed between two versions, word by word",
        description="Show the words that changed between two versions of a policy: removed words as "
        "[-…-] and added words as {+…+}, in colour on a terminal. FROM and TO are a date (the version in "
        "force that day), a version's slug (2024-01-15, 2024-01-15-2) or a commit. Default: the previous "
        "version against the current one; with FROM only, FROM against the current version.",
    )
    diff.add_argument("path", metavar="PATH", help="the policy, such as docs/privacy.md")
    diff.add_argument("old", metavar="FROM", nargs="?", help="the older version (default: the previous one)")
    diff.add_argument("to", metavar="TO", nargs="?", help="the newer version (default: the current one)")
    diff.add_argument(
        "-U",
        "--context",
        type=int,
        default=3,
        metavar="LINES",
        help="unchanged lines shown around each change (default 3)",
    )
    diff.add_argument("--full", action="store_true", help="show the whole text, not only the changes")
    diff.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the changes (default: on a terminal)",
    )
    diff.set_defaults(run=cmd_diff)

    check = commands.add_parser(
        "check",
        parents=[common],
        help="find problems in the policies' history, snapshots and clone (for CI)",
        description="Check every policy's front matter across its whole history, the snapshot files, that "
        "versions start in date order, and that the clone is not shallow. Prints each problem with its file, "
        "commit and fix; exits with status 1 when there is one.",
    )
    check.add_argument(
        "--since",
        metavar="COMMIT",
        help="report problems of commits made after COMMIT only (such as origin/main in a pull request)",
    )
    check.set_defaults(run=cmd_check)

    imp = commands.add_parser(
        "import",
        parents=[common],
        help="add a snapshot of a policy from before the repository",
        description="Add the text of a policy as somebody captured it (a Markdown file, or a saved HTML page "
        "converted to Markdown) to archive/<policy>/<DATE>.md, with its provenance in front matter. Never "
        "overwrites a snapshot.",
    )
    imp.add_argument(
        "policy", metavar="POLICY", help="the policy it is a version of, such as docs/privacy.md"
    )
    imp.add_argument("file", metavar="FILE", help="the captured text: Markdown, or a saved HTML page")
    imp.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the day the text shows")
    imp.add_argument(
        "--source", required=True, metavar="URL", help="where it was captured, such as a Wayback Machine URL"
    )
    imp.add_argument("--captured", metavar="YYYY-MM-DD", help="the day it was captured (default: --date)")
    imp.add_argument("--note", help="a line about the snapshot (default: 'Imported from FILE')")
    imp.add_argument("--html", action="store_true", help="treat FILE as HTML whatever its name")
    imp.set_defaults(run=cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    out = sys.stdout
    args.progress = Progress()
    try:
        project = load_project(args.config_file, args.docs_dir)
        return int(args.run(project, args, out))
    except (CliError, HistoryUnavailable, SnapshotError) as error:
        args.progress.clear()
        sys.stderr.write(f"policy-archive {args.command}: error: {error}\n")
        return 1
    except KeyboardInterrupt:
        args.progress.clear()
        sys.stderr.write("\n")
        return 130
    except BrokenPipeError:
        # The reader (`head`, `less`) is gone: stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as error:
        args.progress.clear()
        if os.environ.get("POLICY_ARCHIVE_DEBUG"):
            raise
        sys.stderr.write(
            f"policy-archive {args.command}: error: unexpected {type(error).__name__}: {error} "
            "(set POLICY_ARCHIVE_DEBUG=1 for the details, and please report it)\n"
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
