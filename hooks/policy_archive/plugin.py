"""MkDocs glue: read the history once per build, add the archive's files, fill in the placeholders."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pathspec
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from . import pages
from .config import PolicyArchiveConfig
from .dates import DateFormatter
from .gitlog import HistoryUnavailable, RepoHistory, read_history
from .versions import Policy, Version, build_policy

log = get_plugin_logger(__name__)

STYLESHEET = "assets/policy-archive.css"


class RawMarkdownFile(File):
    """A revision's Markdown served as it is: a static file, although its name ends in `.md`."""

    def is_documentation_page(self) -> bool:
        return False


class PolicyArchivePlugin(BasePlugin[PolicyArchiveConfig]):
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.dates = DateFormatter(self.config.site_locale(config.theme), self.config.time_zone)
        self.layout = pages.Layout(self.config.archive_segment, self.config.publish_raw)
        self.is_policy = pathspec.GitIgnoreSpec.from_lines(self.config.policies).match_file
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        paths = [f.src_uri for f in files.documentation_pages() if self.is_policy(f.src_uri)]
        history = self._history(Path(config.docs_dir))
        self.policies: dict[str, Policy] = {}
        for path in paths:
            policy = build_policy(path, history.files.get(path), self.dates)
            for problem in policy.problems:
                log.warning(problem)
            self.policies[path] = policy
        self.pages: dict[str, tuple[Policy, Version | None]] = {}
        for policy in self.policies.values():
            self._add_archive(policy, files, config)
        files.append(File.generated(config, STYLESHEET, content=_stylesheet()))
        return files

    def _history(self, docs_dir: Path) -> RepoHistory:
        try:
            history = read_history(docs_dir, wanted=self.is_policy)
        except HistoryUnavailable as error:
            log.warning(f"The policy archive is empty: {error}")
            return RepoHistory(files={}, shallow=False, head=None)
        if history.shallow:
            log.warning(
                "This is a shallow clone, so the archive misses every version older than the clone's depth. "
                "Fetch the whole history with `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` "
                "on actions/checkout)."
            )
        return history

    def _add_archive(self, policy: Policy, files: Files, config: MkDocsConfig) -> None:
        if not policy.versions:
            return
        hidden = InclusionLevel.NOT_IN_NAV
        list_page = self.layout.list_page(policy)
        files.append(File.generated(config, list_page, content=pages.list_page_markdown(policy), inclusion=hidden))
        self.pages[list_page] = (policy, None)
        exists = files.src_uris.__contains__
        for version in policy.versions:
            src = self.layout.version_page(policy, version)
            markdown = pages.version_page_markdown(policy, version, self.layout, exists)
            files.append(File.generated(config, src, content=markdown, inclusion=hidden))
            self.pages[src] = (policy, version)
            for revision in version.revisions:
                raw = self.layout.raw_file(policy, revision)
                if raw:
                    files.append(RawMarkdownFile.generated(config, raw, content=revision.revision.content))

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        def link(src_uri: str) -> str:
            target = files.get_file_from_path(src_uri)
            assert target is not None, f"{src_uri} was not generated"
            return target.url_relative_to(page.file)

        src = page.file.src_uri
        if pages.POLICY_LIST in html:
            html = html.replace(pages.POLICY_LIST, pages.policy_list_html(self.policies.values(), link, self.dates))
        if src in self.policies:
            summary = pages.current_summary_html(self.policies[src], self.layout, link, self.dates)
            return _after_title(html, summary)
        if src not in self.pages:
            return html
        policy, version = self.pages[src]
        if version is None:
            return html.replace(pages.VERSION_LIST, pages.version_list_html(policy, self.layout, link, self.dates))
        return html.replace(pages.BANNER, pages.banner_html(policy, version, self.layout, link, self.dates))


def _after_title(html: str, addition: str) -> str:
    end = html.find("</h1>")
    if end == -1:
        return addition + html
    end += len("</h1>")
    return html[:end] + "\n" + addition + html[end:]


def _stylesheet() -> str:
    sheets = sorted((resources.files(__package__) / "assets").iterdir(), key=lambda sheet: sheet.name)
    return "\n".join(sheet.read_text(encoding="utf-8") for sheet in sheets if sheet.name.endswith(".css"))
