"""Diffs computed ahead in worker processes, on every core, while the build goes on in this one.

The pages ask for their diffs one at a time, in the order the jobs were handed out; the workers' results arrive
in that order too, so a page waits only for its own diff and those before it, and the build process writes
version pages and the site's own pages meanwhile.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

Key = TypeVar("Key")
# Settings that cannot travel to another process (a lambda in an extension's options, say) or a pool that
# cannot start: the diffs are then computed in the build's own process.
FAILURES = (OSError, TypeError, AttributeError, pickle.PicklingError, BrokenProcessPool)


class Workers(Generic[Key]):
    """Jobs run by a pool of processes; each result is handed to `keep` as it is collected."""

    def __init__(
        self,
        function: Callable[[Any], object],
        jobs: dict[Key, Any],
        keep: Callable[[Key, object], None],
        *,
        processes: int | None = None,
    ) -> None:
        self.keep = keep
        self.waiting = set(jobs)
        self.problem: BaseException | None = None
        count = processes or min(os.cpu_count() or 1, 8)
        self.pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"))
        chunk = max(1, min(8, len(jobs) // (4 * count)))
        self.results: Iterator[tuple[Key, object]] = zip(
            jobs, self.pool.map(function, jobs.values(), chunksize=chunk), strict=True
        )

    def collect(self, key: Key | None = None) -> None:
        """Wait until the result for `key`, and every one handed out before it, is kept (all of them: None)."""
        if key is not None and key not in self.waiting:
            return
        try:
            for done, result in self.results:
                self.waiting.discard(done)
                self.keep(done, result)
                if done == key:
                    return
        except FAILURES as error:
            self.problem = error
            self.stop()

    def finish(self) -> None:
        """Keep what is left (the next build wants it too) and stop the processes."""
        if self.waiting:
            self.collect()
        self.pool.shutdown(wait=True)

    def stop(self) -> None:
        """Stop at once: a failed build, or a pool that broke."""
        self.waiting.clear()
        self.pool.shutdown(wait=False, cancel_futures=True)
