"""MkDocs glue: read the history once per build, add the archive's files, fill in the placeholders."""

from __future__ import annotations

import itertools
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import urljoin

import jinja2
import pathspec
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from . import changes, data, feeds, pages
from .cache import ResultCache, package_state, text_key
from .config import PolicyArchiveConfig
from .dates import DateFormatter
from .diff import DiffStats, DocumentDiff, diff_documents, diff_stats, side_by_side_html, unified_diff
from .frames import Frames, toc_of, url_pattern, with_heading
from .gitlog import FileHistory, HistoryUnavailable, RepoHistory, commits_since, read_history
from .pagestore import PageStore, Shelf, fingerprint
from .render import BlockRenderer, Rendered
from .sitefiles import ArchivePage, LazyFile, StaticFile, forget_folders, make_folder_for
from .snapshots import Snapshot, SnapshotError, read_snapshots
from .versions import Draft, Policy, PublishedRevision, Version, build_date, build_policy, problem_commit
from .workers import FAILURES, Workers

log = get_plugin_logger(__name__)

DiffKey: TypeAlias = "tuple[str, tuple[str, ...]]"
"""A diff's kind and what it is computed from (the texts' keys, the column labels), as the cache knows it."""
DiffJob: TypeAlias = "tuple[str, str, str, dict[str, Any]]"
"""A diff's kind, the old and new texts, and the options of the function that computes it."""
PageParts: TypeAlias = "tuple[str, str, list[dict[str, Any]]]"
"""An archive page's title (plain text), its content (HTML) and its headings (for the table of contents)."""
PageContent: TypeAlias = "Callable[[SiteLinks], PageParts]"


@dataclass(frozen=True)
class SiteLinks:
    """Links from one page to the files the site publishes, by source path, noting each file looked up:
    kept archive pages are reused only while those files are where they were (`Shelf.links_still_lead`)."""

    files: Files
    page: File
    seen: dict[str, str | None]

    def find(self, src: str) -> File | None:
        found = self.files.get_file_from_path(src)
        self.seen[src] = found.url if found else None
        return found

    def link(self, src: str) -> str:
        target = self.find(src)
        assert target is not None, f"{src} was not generated"
        return target.url_relative_to(self.page)

    def exists(self, src: str) -> bool:
        return self.find(src) is not None


STYLESHEET = "assets/policy-archive.css"
SCRIPT = "assets/policy-archive.js"
FOLD_CONTEXT = 2
"""Unchanged blocks kept open around each change; longer unchanged runs are folded."""
PARALLEL_FROM = 40
"""Missing diffs worth starting worker processes for; fewer are computed as their pages are built."""


class PolicyArchivePlugin(BasePlugin[PolicyArchiveConfig]):
    serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # A writer previewing with `mkdocs serve` sees uncommitted edits as a draft; a published build does not.
        self.serving = command == "serve"

    def on_shutdown(self) -> None:
        # MkDocs keeps plugin instances across config reloads; the next command starts afresh.
        self.serving = False

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.dates = DateFormatter(self.config.site_locale(config.theme), self.config.time_zone)
        self.layout = pages.Layout(self.config.archive_segment, self.config.publish_raw)
        self.is_policy = pathspec.GitIgnoreSpec.from_lines(self.config.policies).match_file
        try:
            self.today = build_date(os.environ.get("SOURCE_DATE_EPOCH"), self.dates)
        except ValueError as error:
            raise PluginError(str(error)) from None
        markdown = {"extensions": config.markdown_extensions, "extension_configs": config.mdx_configs}
        self.markdown_options = markdown
        cache_dir = self.config.cache_dir
        folder = Path(config.config_file_path).parent / cache_dir if cache_dir else None
        self.results = ResultCache(folder, {"markdown": markdown, "fold": FOLD_CONTEXT})
        self.store = PageStore(folder / "pages" if folder else None)
        self.renderer = BlockRenderer(config.markdown_extensions, config.mdx_configs)
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(SCRIPT)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        forget_folders()
        self.workers: Workers[DiffKey] | None = None
        history = self._history(Path(config.docs_dir))
        snapshots = self._snapshots(Path(config.config_file_path).parent / self.config.snapshots_dir)
        current = [f.src_uri for f in files.documentation_pages() if self.is_policy(f.src_uri)]
        for path in current:
            _readable(files, path, config)
        withdrawn = [
            path
            for path, file_history in history.files.items()
            if file_history.deleted_at and self.config.publish_withdrawn and path not in current
        ]
        checked = self._checked_commits(Path(config.docs_dir), history)
        self.policies: dict[str, Policy] = {}
        for path in current + withdrawn:
            draft = self._draft(files, path, history)
            # Let go of the file's history as its policy is made: a policy keeps one copy of each text, and a
            # long history should not be in memory twice over.
            file_history = history.files.pop(path, None)
            policy = build_policy(
                path,
                file_history,
                self.dates,
                today=self.today,
                snapshots=snapshots.pop(path, ()),
                effective_pattern=self.config.effective_pattern,
                draft=draft,
            )
            self._report(policy, file_history, checked)
            self.policies[path] = policy
        for path, unclaimed in snapshots.items():
            log.warning(
                f"{unclaimed[0].file}: there is no policy {path} in {config.docs_dir} for this snapshot; "
                f"add the policy or move the snapshot to the folder named after its policy."
            )
        self.archive_pages: dict[str, tuple[Policy, PageContent]] = {}
        self.diff_views: list[changes.DiffView] = []
        self.stats: dict[str, dict[str, DiffStats]] = {}
        for policy in self.policies.values():
            self._add_archive(policy, files, config)
        self._add_data(files, config)
        self._precompute_diffs()
        files.append(File.generated(config, STYLESHEET, content=_stylesheet()))
        files.append(File.generated(config, SCRIPT, content=_asset("policy-archive.js")))
        self.files = files
        return files

    def _report(self, policy: Policy, history: FileHistory | None, checked: set[str] | None) -> None:
        """Warn of each problem, saying how to stop a past commit's problem from failing `--strict` builds;
        only note those of commits at or before `check_since` (`checked`: the commits after it)."""
        latest = history.revisions[-1].commit if history and history.revisions else None
        for problem in policy.problems:
            commit = problem_commit(problem)
            if commit is None:
                log.warning(problem)
            elif checked is not None and not any(newer.startswith(commit) for newer in checked):
                log.info(f"{problem} (At or before `check_since`: noted only.)")
            elif latest is not None and not latest.startswith(commit):
                log.warning(
                    f"{problem} The commit is in the past and stays as it is: to keep `--strict` builds passing, "
                    f"set `check_since: {latest[:12]}` under `policy-archive` in mkdocs.yml."
                )
            else:
                log.warning(problem)

    def _checked_commits(self, docs_dir: Path, history: RepoHistory) -> set[str] | None:
        """The commits after `check_since`, whose problems are warned about (None: every commit's are)."""
        since = self.config.check_since
        if not since or history.head is None:
            return None
        try:
            return commits_since(docs_dir, since)
        except ValueError as error:
            raise PluginError(
                f"policy-archive: `check_since: {since}` in mkdocs.yml: {error}. Give a commit of this "
                "repository's history (its hash or a tag), or remove the option."
            ) from None

    def _draft(self, files: Files, path: str, history: RepoHistory) -> Draft | None:
        """The working tree's text of a policy, when it differs from its last commit and drafts are shown."""
        if not (self.serving or self.config.publish_drafts):
            return None
        file = files.get_file_from_path(path)
        if file is None or file.generated_by is not None:
            return None
        committed = history.files.get(path)
        content = file.content_bytes
        if committed and committed.revisions and committed.revisions[-1].content == content:
            return None
        return Draft(path=path, content=content)

    def _precompute_diffs(self) -> None:
        """Start computing the diffs the cache lacks on every core; the pages collect them as they are written."""
        jobs: dict[DiffKey, DiffJob] = {}
        for view in self.diff_views:
            key, job = self._diff_job(view)
            if key not in jobs and not self.results.has(*key):
                jobs[key] = job
        if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
            return
        try:
            self.workers = Workers(_compute_diff, jobs, lambda key, result: self.results.put(*key, result))
        except FAILURES as error:
            log.debug(f"Diffs computed in one process: {error}")

    def _diff_job(self, view: changes.DiffView) -> tuple[DiffKey, DiffJob]:
        """What a diff view needs computed, and its key in the cache."""
        old, new = view.old.latest.body, view.new.latest.body
        options: dict[str, Any] = dict(self.markdown_options)
        labels: tuple[str, ...] = ()
        if view.kind == "side-by-side":
            labels = (self.dates.long(view.old.starts), self.dates.long(view.new.starts))
            options.update(old_label=labels[0], new_label=labels[1])
        kind = "side-by-side" if view.kind == "side-by-side" else "inline"
        return (kind, (text_key(old), text_key(new), *labels)), (kind, old, new, options)

    def _diff(self, view: changes.DiffView) -> Any:
        """A diff from the cache, from the worker processes, or else computed here."""
        key, job = self._diff_job(view)
        if self.workers is not None:
            self.workers.collect(key)
        return self.results.get(*key, lambda: _compute_diff(job))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for shelf, (names, pending) in self.data_pending.items():
            if not pending:  # every file made and kept: the next build may copy them
                shelf.note_files(names)
        for path, seen in self.links_seen.items():
            shelf = self.shelves.get(path)
            if shelf is not None:
                shelf.note_links(seen)
        self.store.prune()
        if self.workers is not None:
            self.workers.finish()
            if self.workers.problem is not None:
                log.debug(f"Diffs computed in one process: {self.workers.problem}")

    def on_build_error(self, *, error: Exception) -> None:
        if getattr(self, "workers", None) is not None:
            self.workers.stop()

    def _diff_stats(self, old: str, new: str) -> DiffStats:
        """The words a change added and removed: from its inline diff when one is computed anyway."""
        parts = (text_key(old), text_key(new))

        def count() -> DiffStats:
            inline = ("inline", parts)
            if self.workers is not None and inline in self.workers.waiting:
                self.workers.collect(inline)
            if self.results.has(*inline):
                job = ("inline", old, new, self.markdown_options)
                diff: DocumentDiff = self.results.get(*inline, lambda: _compute_diff(job))
                return diff.stats
            return diff_stats(old, new)

        return self.results.get("stats", parts, count)

    def _unified_diff(self, old: str, new: str, old_label: str, new_label: str) -> str:
        return self.results.get(
            "unified",
            (text_key(old), text_key(new), old_label, new_label),
            lambda: unified_diff(old, new, old_label, new_label),
        )

    def _add_data(self, files: Files, config: MkDocsConfig) -> None:
        """versions.json per policy, policies.json, and the Atom feeds (which need absolute URLs)."""
        if not config.site_url:
            log.warning(
                "No feeds are published: Atom feeds need absolute links. Set `site_url` in mkdocs.yml "
                "to the address the site is served from."
            )

        def url(src: str) -> str:
            found = files.get_file_from_path(src)
            return (found or File(src, None, config.site_dir, config.use_directory_urls)).url

        policies = [policy for policy in self.policies.values() if policy.versions]
        self.data_pending: dict[Shelf, tuple[list[str], set[str]]] = {}
        # What a policy's data files are made from besides the policy (its files' addresses follow from it).
        settings = fingerprint(
            package_state(),
            self.results.settings,
            dict(self.config),
            self.today,
            config.site_url,
            config.site_name,
            config.use_directory_urls,
        )
        for policy in policies:
            shelf = self.store.shelf(f"{policy.path} (data)", fingerprint(settings, policy))
            kept = shelf.kept_files() if shelf is not None else None
            if kept is not None:
                for path, stored in kept.items():
                    files.append(StaticFile.generated(config, path, abs_src_path=str(stored)))
                continue
            makers = data.policy_data_makers(
                policy,
                self.layout,
                url,
                self.dates,
                site_url=config.site_url,
                site_title=config.site_name,
                count=self._diff_stats,
                unified=self._unified_diff,
            )
            # Made as they are written, after the pages: the word counts come with the diffs by then.
            pending = set(makers)
            if shelf is not None:
                self.data_pending[shelf] = (list(makers), pending)
            for path, make in makers.items():
                files.append(LazyFile(config, path, partial(_made_and_kept, make, shelf, pending)))
        site = data.site_data_files(
            policies, self.layout, url, self.dates, site_url=config.site_url, site_title=config.site_name
        )
        for path, content in site.items():
            files.append(StaticFile.generated(config, path, content=content))
        self.feeds_published = bool(config.site_url)
        self.site_url = config.site_url

    def _history(self, docs_dir: Path) -> RepoHistory:
        try:
            history = read_history(docs_dir, wanted=self.is_policy)
        except HistoryUnavailable as error:
            log.warning(f"The policy archive is empty: {error}")
            return RepoHistory(files={}, shallow=False, head=None)
        if history.head is None:
            log.warning(
                "The policy archive is empty: the repository has no commit yet. Commit your policies "
                "(`git add docs && git commit`) to start their history."
            )
        if history.shallow:
            log.warning(
                "This is a shallow clone, so the archive misses every version older than the clone's depth. "
                "Fetch the whole history with `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` "
                "on actions/checkout)."
            )
        return history

    def _snapshots(self, folder: Path) -> dict[str, list[Snapshot]]:
        try:
            return read_snapshots(folder)
        except SnapshotError as error:
            raise PluginError(f"policy-archive: {error}") from None

    def _add_archive(self, policy: Policy, files: Files, config: MkDocsConfig) -> None:
        if not policy.versions:
            return
        if policy.withdrawn_on:
            content = pages.withdrawn_page_markdown(policy, self.layout, files.src_uris.__contains__)
            files.append(
                File.generated(config, policy.path, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
            )
        self._add_page(files, config, self.layout.list_page(policy), policy, partial(self._list_page, policy))
        for version in policy.versions:
            src = self.layout.version_page(policy, version)
            self._add_page(files, config, src, policy, partial(self._version_page, policy, version))
            for revision in version.revisions:
                raw = self.layout.raw_file(policy, revision)
                if raw:
                    files.append(LazyFile(config, raw, partial(_raw_content, revision)))
        self._add_changes(policy, files, config)
        self._add_redirects(policy, files, config)

    def _stats_of(self, policy: Policy) -> dict[str, DiffStats]:
        """Words added and removed by each version, by slug, counted once they are asked for: by then the
        worker processes have mostly counted them with the diffs."""
        if policy.path not in self.stats:
            self.stats[policy.path] = {
                new.slug: self._diff_stats(old.latest.body, new.latest.body)
                for old, new in itertools.pairwise(policy.versions)
            }
        return self.stats[policy.path]

    def _add_changes(self, policy: Policy, files: Files, config: MkDocsConfig) -> None:
        for view in changes.views(policy):
            self.diff_views.append(view)
            src = changes.view_page(self.layout, policy, view)
            self._add_page(files, config, src, policy, partial(self._diff_page, policy, view))
        compare = self.layout.compare_page(policy)
        self._add_page(files, config, compare, policy, partial(self._compare_page, policy))

    def _add_page(
        self, files: Files, config: MkDocsConfig, src: str, policy: Policy, content: PageContent
    ) -> None:
        """An archive page, written in the theme's frame (see `frames`) when MkDocs copies the files."""
        files.append(ArchivePage(config, src, self._page_html, self._write_page))
        self.archive_pages[src] = (policy, content)

    def _add_redirects(self, policy: Policy, files: Files, config: MkDocsConfig) -> None:
        """Old addresses of a renamed policy, its archive and its versions lead to the new ones."""
        for former in policy.former_paths:
            for old_src, new_src in self.layout.moves(policy, former):
                if old_src in files.src_uris:
                    continue  # a new page took the old name: it wins
                old = File(old_src, None, config.site_dir, config.use_directory_urls)
                new = files.get_file_from_path(new_src)
                assert new is not None, f"{new_src} was not generated"
                html = pages.redirect_html(new.url_relative_to(old))
                files.append(StaticFile.generated(config, old.dest_uri, content=html))

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        policy = self.policies.get(page.file.src_uri)
        if policy is None or not policy.upcoming or policy.current is None or policy.withdrawn_on:
            return markdown
        # The committed text takes effect later: until then, readers get the version in force.
        in_force = policy.current.latest
        return pages.rebase_links(
            in_force.body, in_force.source_path, policy.path, files.src_uris.__contains__
        )

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        link = self._linker(page.file)
        if pages.POLICY_LIST in html:
            html = html.replace(
                pages.POLICY_LIST, pages.policy_list_html(self.policies.values(), link, self.dates)
            )
        policy = self.policies.get(page.file.src_uri)
        if policy is None:
            return html
        if policy.withdrawn_on:
            return html.replace(
                pages.BANNER, pages.withdrawn_banner_html(policy, self.layout, link, self.dates)
            )
        return _after_title(html, pages.current_summary_html(policy, self.layout, link, self.dates))

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self.files = files
        self.frames = Frames(env, config, self.nav, files)
        self.shelves: dict[str, Shelf | None] = {}
        self.links_seen: dict[str, dict[str, str | None]] = {}
        self.site_state: str | None = None
        self.files_use_directory_urls = config.use_directory_urls
        return env

    def on_template_context(
        self, context: TemplateContext, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        """Search engines find the archive through the site's sitemap, though MkDocs does not render its pages."""
        if template_name != "sitemap.xml":
            return context
        archive = [file for file in self.files if isinstance(file, ArchivePage)]
        for file in archive:
            if file.page is None:
                Page(None, file, config)  # what the sitemap reads: the address and the build date
        context["pages"] = [*context["pages"], *archive]
        return context

    def _linker(self, page: File) -> pages.Link:
        """Links from `page` to the files the site publishes, by their source paths."""
        return SiteLinks(self.files, page, {}).link

    def _write_page(self, file: ArchivePage) -> None:
        """Put an archive page in the site: the copy kept from an earlier build when nothing it is made from
        changed since, else made now (and kept)."""
        policy, _ = self.archive_pages[file.src_uri]
        shelf = self._shelf(policy)
        target = file.abs_dest_path
        make_folder_for(target)
        if shelf is not None and shelf.copy_to(file.dest_uri, target):
            return
        html = self._page_html(file)
        with open(target, "w", encoding="utf-8") as output:
            output.write(html)
        if shelf is not None:
            shelf.keep(file.dest_uri, html)

    def _shelf(self, policy: Policy) -> Shelf | None:
        """Where the pages of `policy` are kept, under a fingerprint of everything they are made from."""
        if policy.path not in self.shelves:
            if self.site_state is None:
                self.site_state = self._site_state()
            key = fingerprint(self.site_state, policy)
            shelf = self.store.shelf(policy.path, key)
            if shelf is not None and not shelf.links_still_lead(self._url_of):
                shelf.clear()  # a file its pages link to moved or appeared: they are made again
            self.shelves[policy.path] = shelf
        return self.shelves[policy.path]

    def _url_of(self, src: str) -> str | None:
        found = self.files.get_file_from_path(src)
        return found.url if found else None

    def _site_state(self) -> str:
        """What archive pages are made from besides their policy: this package, its settings, the build date
        and the theme's frames (navigation included). The files they link to are checked apart, as each
        shelf notes them."""
        urls = sorted({url_pattern(file.url) for file in self.files if isinstance(file, ArchivePage)})
        return fingerprint(
            package_state(),
            self.results.settings,
            dict(self.config),
            self.today,
            self.feeds_published,
            self.site_url,
            self.files_use_directory_urls,
            self.frames.state(urls),
        )

    def _page_html(self, file: ArchivePage) -> str:
        policy, content = self.archive_pages[file.src_uri]
        title, html, toc = content(SiteLinks(self.files, file, self.links_seen.setdefault(policy.path, {})))
        head = ""
        if self.feeds_published:
            head = feeds.autodiscovery_link(
                f"{policy.title}: versions", _relative(feeds.feed_file(policy, self.layout), file)
            )
        return self.frames.page(
            url=file.url,
            title=title,
            content=with_heading(title, html),
            toc=toc_of(toc),
            head=head,
            skip_to=pages.BANNER_ID if f'id="{pages.BANNER_ID}"' in html else None,
        )

    def _heading(self, title: str) -> Rendered:
        markdown = pages.heading_markdown(title)
        return self.results.get("document", (text_key(markdown),), lambda: self.renderer.document(markdown))

    def _list_page(self, policy: Policy, links: SiteLinks) -> PageParts:
        link = links.link
        title = pages.list_page_title(policy)
        heading = self._heading(title)
        stats = self._stats_of(policy)
        listing = changes.timeline_svg(policy, stats, self.layout, link, self.dates, self.today)
        listing += pages.version_list_html(policy, stats, self.layout, link, self.dates)
        if self.feeds_published:
            listing = feeds.subscribe_link_html(link(feeds.feed_file(policy, self.layout))) + listing
        return title, heading.html + "\n" + listing, heading.toc

    def _version_page(self, policy: Policy, version: Version, links: SiteLinks) -> PageParts:
        link = links.link
        permalink = urljoin(self.site_url, links.page.url) if self.site_url else None
        banner = pages.banner_html(policy, version, self.layout, link, self.dates, permalink)
        revision = version.latest
        text = self.results.get(
            "document", (text_key(revision.body),), lambda: self.renderer.document(revision.body)
        )
        body = pages.relink_html(text.html, revision.source_path, link, links.exists)
        return pages.version_page_title(policy, version), banner + "\n" + body, text.toc

    def _diff_page(self, policy: Policy, view: changes.DiffView, links: SiteLinks) -> PageParts:
        title = changes.diff_page_title(policy, view, self.dates)
        heading = self._heading(title)
        return title, heading.html + "\n" + self._diff_html(policy, view, links), heading.toc

    def _compare_page(self, policy: Policy, links: SiteLinks) -> PageParts:
        title = changes.compare_page_title(policy)
        heading = self._heading(title)
        form = changes.compare_form_html(policy, self.layout, links.link, self.dates)
        return title, heading.html + "\n" + form, heading.toc

    def _diff_html(self, policy: Policy, view: changes.DiffView, links: SiteLinks) -> str:
        link = links.link
        if view.kind == "side-by-side":
            stats = self._stats_of(policy)[view.new.slug]
            summary = changes.diff_summary_html(policy, view, stats, None, self.layout, link, self.dates)
            body: str = self._diff(view)
        else:
            diff: DocumentDiff = self._diff(view)
            summary = changes.diff_summary_html(policy, view, diff.stats, diff, self.layout, link, self.dates)
            body = diff.html + changes.change_steps_html(diff)
        return summary + pages.relink_html(body, view.new.latest.source_path, link, links.exists)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Let browsers and feed readers find the feeds: the site's on every page, a policy's on its pages.

        Archive pages get their policy's feed when they are written in their frame (`_write_page`)."""
        if not self.feeds_published:
            return output
        links = [
            feeds.autodiscovery_link(
                f"{config.site_name}: policy changes", _relative(feeds.SITE_FEED, page.file)
            )
        ]
        policy = self.policies.get(page.file.src_uri)
        if policy is not None and policy.versions:
            href = _relative(feeds.feed_file(policy, self.layout), page.file)
            links.insert(0, feeds.autodiscovery_link(f"{policy.title}: versions", href))
        return output.replace("</head>", "\n".join(links) + "\n</head>", 1)


def _made_and_kept(
    make: Callable[[], bytes], shelf: Shelf | None, pending: set[str], file: LazyFile
) -> bytes:
    """A data file made as it is written, and kept for the next build."""
    content = make()
    if shelf is not None:
        shelf.keep(file.src_uri, content)
    pending.discard(file.src_uri)
    return content


def _raw_content(revision: PublishedRevision, _: LazyFile) -> bytes:
    return revision.content


def _compute_diff(job: DiffJob) -> object:
    """One diff, in this process or a worker."""
    kind, old, new, options = job
    if kind == "side-by-side":
        return side_by_side_html(old, new, **options)
    return diff_documents(old, new, fold_context=FOLD_CONTEXT, **options)


def _relative(target: str, page: File) -> str:
    """A URL relative to `page` for a static file published at `target`."""
    return posixpath.relpath(target, posixpath.dirname(page.dest_uri) or ".")


def _readable(files: Files, path: str, config: MkDocsConfig) -> None:
    """Swap a policy file that is not UTF-8 for its text with U+FFFD, so MkDocs can show it instead of failing."""
    file = files.get_file_from_path(path)
    assert file is not None
    content = file.content_bytes
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as error:
        log.warning(
            f"{path} is not valid UTF-8 (byte {error.start}): its page shows \ufffd where the bytes could not be "
            "read. Save the file as UTF-8."
        )
        files.remove(file)
        text = content.decode("utf-8", errors="replace")
        files.append(File.generated(config, path, content=text, inclusion=file.inclusion))


def _after_title(html: str, addition: str) -> str:
    end = html.find("</h1>")
    if end == -1:
        return addition + html
    end += len("</h1>")
    return html[:end] + "\n" + addition + html[end:]


def _stylesheet() -> str:
    sheets = sorted((resources.files(__package__) / "assets").iterdir(), key=lambda sheet: sheet.name)
    return "\n".join(sheet.read_text(encoding="utf-8") for sheet in sheets if sheet.name.endswith(".css"))


def _asset(name: str) -> str:
    return (resources.files(__package__) / "assets" / name).read_text(encoding="utf-8")
