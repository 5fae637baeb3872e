"""The issue's "naive archive" baseline, as an MkDocs hook: every revision of every page as a plain page.

No diffs, no archive lists, no banners: each revision's Markdown becomes `<page>/v/<commit>.md`, kept out of
the nav (a nav with every version is rendered into every page: quadratic) but in the search index, since the
search plugin stays on. History comes from the project's own one-pass reader, so the baseline is not slowed
down by a subprocess per revision.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.structure.files import File, Files, InclusionLevel
from policy_archive.gitlog import read_history


def on_files(files: Files, config) -> Files:
    history = read_history(Path(config.docs_dir), lambda path: path.endswith(".md"))
    for path, file_history in history.files.items():
        stem = path[: -len(".md")]
        for revision in file_history.revisions:
            files.append(
                File.generated(
                    config,
                    f"{stem}/v/{revision.commit}.md",
                    content=revision.content.decode("utf-8", "replace"),
                    inclusion=InclusionLevel.NOT_IN_NAV,
                )
            )
    return files
