"""Files the archive adds to the site, made when MkDocs writes them rather than when they are listed.

A long history lists tens of thousands of files (every revision's Markdown, every page of the archive); making
their content only as each is written keeps them from all being in memory at once.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel

_FOLDERS_MADE: set[str] = set()


def forget_folders() -> None:
    """Start a build: the site folder was emptied."""
    _FOLDERS_MADE.clear()


def make_folder_for(path: str) -> None:
    """Make the folder a file goes in, once per build: thousands of files share a few hundred folders."""
    folder = os.path.dirname(path)
    if folder not in _FOLDERS_MADE:
        os.makedirs(folder, exist_ok=True)
        _FOLDERS_MADE.add(folder)


class StaticFile(File):
    """A generated file copied as it is, whatever its name: raw Markdown, redirect pages."""

    def is_documentation_page(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        # As MkDocs does, without asking the file system for the folder again for every file.
        make_folder_for(self.abs_dest_path)
        content = self._content
        if content is None:
            assert self.abs_src_path is not None
            shutil.copyfile(self.abs_src_path, self.abs_dest_path)
        else:
            with open(self.abs_dest_path, "wb") as output:
                output.write(content.encode("utf-8") if isinstance(content, str) else content)


class LazyFile(StaticFile):
    """A generated file whose content `make` gives when it is written (or read)."""

    def __init__(
        self,
        config: MkDocsConfig,
        src_uri: str,
        make: Callable[[LazyFile], str | bytes],
        *,
        dest_uri: str | None = None,
        inclusion: InclusionLevel = InclusionLevel.UNDEFINED,
    ) -> None:
        super().__init__(
            src_uri, None, config.site_dir, config.use_directory_urls, dest_uri=dest_uri, inclusion=inclusion
        )
        self.generated_by = "policy-archive"
        self._make = make

    @property  # type: ignore[override]
    def _content(self) -> str | bytes:
        return self._make(self)

    def is_modified(self) -> bool:
        return True


class ArchivePage(LazyFile):
    """A generated page of the archive, written in the theme's frame (see `frames`) when MkDocs copies the
    site's files.

    It is a static file to MkDocs (no Markdown pass, no theme rendering, not in the search index). `render`
    makes the HTML; `write` puts the page in the site (from a kept copy, or rendered)."""

    def __init__(
        self,
        config: MkDocsConfig,
        src_uri: str,
        render: Callable[[ArchivePage], str],
        write: Callable[[ArchivePage], None],
    ) -> None:
        # The address MkDocs would give a Markdown page of that name: `a/b.md` is `a/b/`.
        dest_uri = File(src_uri, None, config.site_dir, config.use_directory_urls).dest_uri
        super().__init__(
            config,
            src_uri,
            render,
            dest_uri=dest_uri,
            inclusion=InclusionLevel.NOT_IN_NAV,  # type: ignore[arg-type]
        )
        self._write = write

    def copy_file(self, dirty: bool = False) -> None:
        self._write(self)
