"""Run a command and write its peak RSS like `/usr/bin/time -v` does, for machines without GNU time.

Usage: python rusage_wrap.py <report file> <command...>. A fresh process, so RUSAGE_CHILDREN holds only the
command (and what it waited for), not earlier cases.
"""

import resource
import subprocess
import sys

code = subprocess.call(sys.argv[2:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
if sys.platform == "darwin":
    peak //= 1024  # bytes on macOS
with open(sys.argv[1], "w") as report:
    report.write(f"\tMaximum resident set size (kbytes): {peak}\n")
sys.exit(code)
