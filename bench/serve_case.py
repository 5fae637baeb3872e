"""The `mkdocs serve` reload, measured in-process the way `mkdocs serve` rebuilds.

Usage: python serve_case.py <mkdocs.yml> <site dir> <page to edit> <reloads>

Loads the config, runs the plugins' `on_startup(command="serve")` once, builds once (the initial build of
`mkdocs serve`), then `reloads` times: appends a paragraph to the page in the working tree, loads the config
again (as `mkdocs serve` does before each rebuild; MkDocs keeps the plugin instances across loads) and times
`build`. The page is restored afterwards. Prints one JSON line with the times.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config


def main() -> None:
    config_file, site_dir, page, reloads = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    original = page.read_bytes()

    def get_config():
        config = load_config(config_file=config_file, site_dir=site_dir)
        mount = urlsplit(config.site_url or "/").path
        config.site_url = f"http://127.0.0.1:8000{mount}"
        return config

    started = time.perf_counter()
    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=config.site_url, dirty=False)
    initial = time.perf_counter() - started
    times = []
    try:
        for n in range(reloads):
            with page.open("a", encoding="utf-8") as f:
                f.write(
                    f"\n\nA paragraph added while previewing, edit {n + 1}: we now also explain how "
                    "long we keep your data and whom you can ask about it.\n"
                )
            started = time.perf_counter()
            config = get_config()
            build(config, serve_url=config.site_url, dirty=False)
            times.append(time.perf_counter() - started)
    finally:
        page.write_bytes(original)
        config.plugins.on_shutdown()
    print(json.dumps({"initial": initial, "reloads": times}))


if __name__ == "__main__":
    main()
