"""Benchmark of mkdocs-policy-archive against the plain and naive builds, side by side in one run.

    python bench/run.py                  # the genai-eu bundle if ../shared/data has it, else synthetic 1000
    python bench/run.py --limit-commits 200       # the bundle's first 200 commits only
    python bench/run.py --synthetic 50            # a generated history of 50 versions
    python bench/run.py --synthetic 1000,10000 --only cold   # the scale target
    python bench/run.py --only plain,cold,warm --keep

See bench/README.md for what each case is and how to read the output. Results also go to bench/out/last.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import synth  # noqa: E402

DEFAULT_BUNDLE = ROOT.parent / "shared" / "data" / "genai-eu-versions.bundle"
CASES = ["history", "plain", "naive", "cold", "warm", "serve"]
TIME_BIN = "/usr/bin/time"


# ---------------------------------------------------------------- measuring one subprocess


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants from /proc (Linux only)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        if not Path("/proc/self/stat").exists():
            return
        while not self.stopped.is_set():
            self.peak_kb = max(self.peak_kb, self._tree_rss_kb())
            self.stopped.wait(self.interval)

    def _tree_rss_kb(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rpartition(")")[2].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * page_kb
        total = 0
        for pid in rss:
            p = pid
            while p > 1:
                if p == self.pid:
                    total += rss[pid]
                    break
                p = parents.get(p, 0)
        return total


@dataclass
class Measure:
    seconds: float | None = None
    peak_mb: float | None = None
    """ru_maxrss of the command: the largest single process (with the processes it waited for)."""
    tree_mb: float | None = None
    """Sampled sum of the RSS of the command and all its children at once (catches worker pools)."""
    load_before: list[float] = field(default_factory=list)
    load_after: list[float] = field(default_factory=list)
    status: str = "ok"
    detail: str = ""
    extra: dict = field(default_factory=dict)


def measure(command: list[str], cwd: Path, timeout: float, env: dict | None = None) -> tuple[Measure, str]:
    """Run `command`, timing wall clock and peak RSS. Returns the measure and the command's stdout."""
    m = Measure(load_before=[round(x, 2) for x in os.getloadavg()])
    fd, rusage_file = tempfile.mkstemp(prefix="bench-rusage-")
    os.close(fd)
    if os.access(TIME_BIN, os.X_OK):
        wrapped = [TIME_BIN, "-v", "-o", rusage_file, *command]
    else:
        wrapped = [sys.executable, str(BENCH / "rusage_wrap.py"), rusage_file, *command]
    started = time.perf_counter()
    proc = subprocess.Popen(
        wrapped,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, **(env or {})},
        text=True,
    )
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        m.status, m.detail = "timeout", f"killed after {timeout:.0f} s"
    m.seconds = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    m.tree_mb = round(sampler.peak_kb / 1024, 1) if sampler.peak_kb else None
    m.load_after = [round(x, 2) for x in os.getloadavg()]
    text = Path(rusage_file).read_text(errors="replace")
    os.unlink(rusage_file)
    for line in text.splitlines():
        if "Maximum resident set size" in line:
            m.peak_mb = round(int(line.rsplit(":", 1)[1]) / 1024, 1)
    if m.status == "ok" and proc.returncode != 0:
        m.status = "failed"
        m.detail = (err.strip().splitlines() or [f"exit {proc.returncode}"])[-1][:300]
        sys.stderr.write(err[-3000:])
    return m, out


# ---------------------------------------------------------------- the data set and the sites


@dataclass
class Dataset:
    name: str
    repo: Path
    commits: int
    versions: int = 0
    files: int = 0
    markdown_mb: float = 0.0


def clone_bundle(bundle: Path, dest: Path, limit: int | None) -> Dataset:
    subprocess.run(["git", "clone", "-q", str(bundle), str(dest)], check=True)
    if limit:
        commits = _git(dest, "rev-list", "--first-parent", "--reverse", "HEAD").split()
        if limit < len(commits):
            _git(dest, "reset", "-q", "--hard", commits[limit - 1])
    commits = int(_git(dest, "rev-list", "--count", "HEAD"))
    name = bundle.stem + (f" (first {limit} commits)" if limit else "")
    return Dataset(name=name, repo=dest, commits=commits)


def synthetic(versions: int, dest: Path) -> Dataset:
    synth.generate(dest, versions)
    return Dataset(name=f"synthetic {versions}", repo=dest, commits=versions)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def busiest_page(repo: Path) -> Path:
    """The current policy with the most revisions: the one a writer is most likely to be editing."""
    counts: dict[str, int] = {}
    for line in _git(repo, "log", "--first-parent", "--format=", "--name-only", "-z", "HEAD").split("\0"):
        line = line.strip("\n")
        if line.endswith(".md") and Path(line).name not in ("index.md", "README.md"):
            counts[line] = counts.get(line, 0) + 1
    for path, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if (repo / path).is_file():
            return repo / path
    raise SystemExit(f"no policy page in {repo}")


SITE = """\
site_name: Policy archive benchmark
site_url: https://example.org/policies/
docs_dir: {docs}
theme:
  name: material
  font: false
markdown_extensions:
  - tables
  - toc
"""


def write_sites(work: Path, docs: Path) -> dict[str, Path]:
    """One folder per site (MkDocs refuses docs_dir == the config's folder), each with its mkdocs.yml."""
    plugins = {
        "plain": "plugins:\n  - search\n",
        "naive": f"plugins:\n  - search\nhooks:\n  - {json.dumps(str(BENCH / 'naive_hook.py'))}\n",
        "ours": "plugins:\n  - search\n  - policy-archive\n",
    }
    sites = {}
    for name, extra in plugins.items():
        folder = work / f"site-{name}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "mkdocs.yml").write_text(SITE.format(docs=json.dumps(str(docs))) + extra)
        sites[name] = folder / "mkdocs.yml"
    return sites


def cache_dir(site_yml: Path) -> Path:
    """The plugin's cache folder for this site: its `cache_dir` option's default (.cache/policy-archive)."""
    default = ".cache/policy-archive"
    try:
        from policy_archive.config import PolicyArchiveConfig

        option = getattr(PolicyArchiveConfig, "cache_dir", None)
        if option is not None and isinstance(getattr(option, "default", None), str) and option.default:
            default = option.default
    except Exception:
        pass
    path = Path(default)
    return path if path.is_absolute() else site_yml.parent / path


# ---------------------------------------------------------------- the cases


def mkdocs_build(site: Path, out: Path, timeout: float) -> Measure:
    m = measure(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(site), "-d", str(out)],
        cwd=site.parent,
        timeout=timeout,
    )[0]
    if out.is_dir():  # a sanity check that each case built what it claims to
        m.extra["html_pages"] = sum(1 for _ in out.rglob("*.html"))
        m.extra["site_mb"] = round(sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20, 1)
    return m


def run_dataset(
    data: Dataset, work: Path, only: list[str], args: argparse.Namespace, save=lambda result: None
) -> dict:
    sites = write_sites(work, data.repo)
    results: dict[str, Measure] = {}

    def current() -> dict:
        return {
            "dataset": asdict(data) | {"repo": str(data.repo)},
            "cases": {k: asdict(v) for k, v in results.items()},
        }

    def report(case: str, m: Measure) -> None:
        results[case] = m
        save(current())
        secs = "-" if m.seconds is None else f"{m.seconds:.2f} s"
        print(
            f"  {case:<14} {secs:>10}  peak {m.peak_mb or 0:7.1f} MB  tree {m.tree_mb or 0:7.1f} MB  "
            f"load {m.load_before[0] if m.load_before else '-'}→{m.load_after[0] if m.load_after else '-'}"
            f"  {m.status if m.status != 'ok' else ''} {m.detail}",
            flush=True,
        )

    if "history" in only:
        m, out = measure(
            [sys.executable, str(BENCH / "history_case.py"), str(data.repo), str(args.history_repeats)],
            cwd=work,
            timeout=args.timeout,
        )
        if m.status == "ok":
            info = json.loads(out.strip().splitlines()[-1])
            m.extra = info
            m.detail = (
                f"(process {m.seconds:.2f} s; read_history runs: "
                + ", ".join(f"{t:.3f}" for t in info["runs"])
                + ")"
            )
            m.seconds = info["runs"][0]  # what one build pays; later runs find the objects in the OS cache
            data.versions, data.files = info["revisions"], info["files"]
            data.markdown_mb = round(info["bytes"] / 2**20, 1)
        report("history", m)
    if "plain" in only:
        report("plain", mkdocs_build(sites["plain"], work / "out-plain", args.timeout))
    if "naive" in only:
        report("naive", mkdocs_build(sites["naive"], work / "out-naive", args.timeout))
    if "cold" in only:
        shutil.rmtree(cache_dir(sites["ours"]), ignore_errors=True)
        shutil.rmtree(work / "out-ours", ignore_errors=True)
        report("cold", mkdocs_build(sites["ours"], work / "out-ours", args.timeout))
    if "warm" in only:
        report("warm", mkdocs_build(sites["ours"], work / "out-ours", args.timeout))
    if "serve" in only:
        page = busiest_page(data.repo)
        print(f"  (serve: editing {page.relative_to(data.repo)}, {args.reloads} reload(s) each)", flush=True)
        for name in ("plain", "ours"):
            m, out = measure(
                [
                    sys.executable,
                    str(BENCH / "serve_case.py"),
                    str(sites[name]),
                    str(work / f"serve-{name}"),
                    str(page),
                    str(args.reloads),
                ],
                cwd=work,
                timeout=args.timeout,
            )
            if m.status == "ok":
                info = json.loads(out.strip().splitlines()[-1])
                m.extra = info
                m.detail = (
                    f"(process {m.seconds:.2f} s; initial build {info['initial']:.2f} s; reloads "
                    + ", ".join(f"{t:.2f}" for t in info["reloads"])
                    + ")"
                )
                m.seconds = statistics.median(info["reloads"])
            # Whatever happened, the working tree must be back as committed for the next cases.
            _git(data.repo, "checkout", "-q", "--", ".")
            report(f"serve-{name}", m)
    return current()


# ---------------------------------------------------------------- targets


def _secs(result: dict, case: str) -> float | None:
    m = result["cases"].get(case)
    return m["seconds"] if m and m["status"] == "ok" else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def targets(results: list[dict]) -> list[dict]:
    rows = []

    def add(name: str, value: float | None, limit: float, unit: str, what: str) -> None:
        met = None if value is None else value <= limit
        rows.append({"target": name, "value": value, "limit": limit, "unit": unit, "met": met, "on": what})

    for r in results:
        what = r["dataset"]["name"]
        add("cold / naive", _ratio(_secs(r, "cold"), _secs(r, "naive")), 0.5, "x", what)
        add("warm / plain", _ratio(_secs(r, "warm"), _secs(r, "plain")), 3, "x", what)
        add(
            "serve reload ours / plain", _ratio(_secs(r, "serve-ours"), _secs(r, "serve-plain")), 2, "x", what
        )
        add("history", _secs(r, "history"), 1, "s", what)
    synthetic = sorted(
        (r for r in results if r["dataset"]["name"].startswith("synthetic")),
        key=lambda r: r["dataset"]["commits"],
    )
    if len(synthetic) >= 2:
        small, big = synthetic[0], synthetic[-1]

        def per_version(r: dict) -> float | None:
            s = _secs(r, "cold")
            n = r["dataset"]["versions"] or r["dataset"]["commits"]
            return s / n if s is not None else None

        add(
            "per-version cold cost, largest / smallest",
            _ratio(per_version(big), per_version(small)),
            1.2,
            "x",
            f"{big['dataset']['name']} vs {small['dataset']['name']}",
        )
        peaks = [
            max(m["peak_mb"] or 0, m["tree_mb"] or 0)
            for case, m in big["cases"].items()
            if case in ("cold", "warm", "serve-ours") and m["status"] == "ok"
        ]
        add("peak memory of our builds", max(peaks) if peaks else None, 1024, "MB", big["dataset"]["name"])
    return rows


def print_summary(results: list[dict], rows: list[dict]) -> None:
    for r in results:
        d = r["dataset"]
        print(
            f"\n{d['name']}: {d['commits']} commits, {d['files']} files, {d['versions']} file versions, "
            f"{d['markdown_mb']} MB of Markdown across versions"
        )
        print(f"  {'case':<14} {'seconds':>9} {'peak MB':>9} {'tree MB':>9} {'pages':>7}  {'load':<18}")
        for case, m in r["cases"].items():
            secs = "-" if m["seconds"] is None or m["status"] != "ok" else f"{m['seconds']:.2f}"
            load = f"{m['load_before'][0]:.2f}→{m['load_after'][0]:.2f}" if m["load_before"] else ""
            note = "" if m["status"] == "ok" else m["status"] + ": " + m["detail"]
            pages = m["extra"].get("html_pages", "")
            print(
                f"  {case:<14} {secs:>9} {m['peak_mb'] or 0:>9.1f} {m['tree_mb'] or 0:>9.1f} {pages:>7}  "
                f"{load:<18}{note}"
            )
    print("\nTargets")
    for t in rows:
        if t["value"] is None:
            verdict, value = "not measured", "-"
        else:
            verdict = "met" if t["met"] else "NOT met"
            value = f"{t['value']:.3f} {t['unit']}" if t["unit"] != "MB" else f"{t['value']:.0f} MB"
        limit = f"≤ {t['limit']:g} {t['unit']}" if t["unit"] != "MB" else f"< {t['limit']:g} MB"
        print(f"  {t['target']:<42} {value:>12}  ({limit:>9})  {verdict:<13} [{t['on']}]")


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--synthetic",
        action="append",
        default=[],
        metavar="N[,M...]",
        help="generate a history of N versions instead of cloning the bundle (repeatable or "
        "comma-separated: several sizes give the scale targets)",
    )
    p.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE, help=f"default: {DEFAULT_BUNDLE}")
    p.add_argument("--limit-commits", type=int, metavar="N", help="use only the bundle's first N commits")
    p.add_argument(
        "--only", default=",".join(CASES), help=f"comma-separated cases (default: {','.join(CASES)})"
    )
    p.add_argument(
        "--reloads", type=int, default=2, help="serve reloads per site; the median counts (default 2)"
    )
    p.add_argument("--history-repeats", type=int, default=3, help="read_history runs; the first counts")
    p.add_argument(
        "--timeout", type=float, default=3600, help="seconds before a case is killed (default 3600)"
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary folders (clones, sites, output)")
    p.add_argument("--json", type=Path, default=BENCH / "out" / "last.json", help="where the results go")
    args = p.parse_args(argv)
    args.only = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = set(args.only) - set(CASES)
    if unknown:
        p.error(f"unknown case(s) {', '.join(sorted(unknown))}; choose from {', '.join(CASES)}")
    args.sizes = [int(n) for s in args.synthetic for n in s.split(",") if n.strip()]
    return args


def machine() -> dict:
    def version(module: str) -> str | None:
        try:
            from importlib.metadata import version as v

            return v(module)
        except Exception:
            return None

    try:
        commit = _git(ROOT, "rev-parse", "HEAD").strip()
        dirty = bool(_git(ROOT, "status", "--porcelain", "--", "hooks").strip())
    except Exception:
        commit, dirty = None, None
    return {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "project_commit": commit,
        "hooks_uncommitted_changes": dirty,
        "rss_measure": "/usr/bin/time -v" if os.access(TIME_BIN, os.X_OK) else "getrusage(RUSAGE_CHILDREN)",
    }


def save(args: argparse.Namespace, info: dict, results: list[dict], partial: bool) -> None:
    """Written after every case too, so a long run that is stopped still leaves its figures."""
    args.json.parent.mkdir(parents=True, exist_ok=True)
    machine_info = info | {"load_average_end": [round(x, 2) for x in os.getloadavg()]}
    args.json.write_text(
        json.dumps(
            {
                "machine": machine_info,
                "argv": sys.argv[1:],
                "partial": partial,
                "results": results,
                "targets": targets(results),
            },
            indent=2,
        )
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    print(
        f"{info['cpus']} CPUs, load average {info['load_average']}, Python {info['python']}, "
        f"MkDocs {info['mkdocs']}, Material {info['mkdocs-material']}, "
        f"project {str(info['project_commit'])[:10]}"
        f"{' + uncommitted changes in hooks/' if info['hooks_uncommitted_changes'] else ''}"
    )
    top = Path(tempfile.mkdtemp(prefix="policy-archive-bench-"))
    results = []
    try:
        plans: list[tuple[str, object]] = []
        if args.sizes:
            plans = [("synthetic", n) for n in args.sizes]
        elif args.bundle.exists():
            plans = [("bundle", args.bundle)]
        else:
            print(f"{args.bundle} not found: using a synthetic history of 1000 versions")
            plans = [("synthetic", 1000)]
        for kind, what in plans:
            work = top / (f"synthetic-{what}" if kind == "synthetic" else "bundle")
            work.mkdir()
            started = time.perf_counter()
            if kind == "synthetic":
                data = synthetic(int(what), work / "repo")  # type: ignore[arg-type]
            else:
                data = clone_bundle(what, work / "repo", args.limit_commits)  # type: ignore[arg-type]
            print(
                f"\n== {data.name}: {data.commits} commits, prepared in "
                f"{time.perf_counter() - started:.1f} s "
                f"in {work}",
                flush=True,
            )
            results.append(
                run_dataset(
                    data, work, args.only, args, save=lambda r: save(args, info, [*results, r], partial=True)
                )
            )
        print_summary(results, targets(results))
        save(args, info, results, partial=False)
        print(f"\nload average at the end {[round(x, 2) for x in os.getloadavg()]}; results in {args.json}")
    finally:
        if args.keep:
            print(f"kept {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
