"""Time `policy_archive.gitlog.read_history` alone. Usage: python history_case.py <docs dir> <repeats>

Prints one JSON line: each run's seconds, and how many files, revisions and bytes were read.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from policy_archive.gitlog import read_history


def main() -> None:
    docs, repeats = Path(sys.argv[1]), int(sys.argv[2])
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        history = read_history(docs)
        times.append(time.perf_counter() - started)
    revisions = [r for f in history.files.values() for r in f.revisions]
    print(
        json.dumps(
            {
                "runs": times,
                "files": len(history.files),
                "revisions": len(revisions),
                "bytes": sum(len(r.content) for r in revisions),
            }
        )
    )


if __name__ == "__main__":
    main()
