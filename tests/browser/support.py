"""What the browser tests share: the pages they visit, axe-core, and WCAG contrast."""

from __future__ import annotations

from functools import cache
from importlib import resources

from playwright.sync_api import Locator, Page

from .fixture_site import RAW, SLUGS

CURRENT = "privacy/"
LIST = "privacy/archive/"
WITHDRAWN = "refunds/"
COMPARE = "privacy/archive/compare/"
FIRST, MIDDLE, LATE, LATEST, UPCOMING = SLUGS
"""The privacy policy's versions: LATE has two revisions, LATEST is in force, UPCOMING is announced (it takes
effect after the build date)."""


def archived(slug: str) -> str:
    return f"privacy/archive/{slug}/"


def raw(slug: str) -> str:
    """The raw Markdown of the version `slug` (of its newest revision)."""
    return f"privacy/archive/raw/{RAW[slug]}.md"


PAGES = {
    "current": CURRENT,
    "list": LIST,
    "archived": archived(LATE),
    "in-force": archived(LATEST),
    "upcoming": archived(UPCOMING),
    "withdrawn": WITHDRAWN,
    "changes": archived(LATE) + "changes/",
    "side-by-side": archived(LATE) + "side-by-side/",
    "to-current": archived(FIRST) + "to-current/",
    "compare": COMPARE,
    "index": "",
}
"""Every kind of page the site has: the current policy (with its notice of the upcoming version), its version
list, an archived version (with a change note and an editorial revision), the archived page of the version in
force, the upcoming version, a withdrawn policy, what a version changed (inline, side by side, and from an old
version to the current one), the page comparing any two versions,
and the home page with the policies' table."""


AXE_URL = "/__tests__/axe.min.js"
"""Where the test server hands out axe-core, outside the site: a script loaded by URL is compiled once and
cached by the browser, where one injected as text would be compiled again on every page."""


@cache
def axe_source() -> str:
    """axe-core as the PyPI package axe-playwright-python ships it (axe.min.js, MPL-2.0, licence header
    kept)."""
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page, rules: list[str] | None = None) -> list[str]:
    """Run axe-core on the page, with its default rules (WCAG 2.x A/AA and best practices) or only `rules`:
    one line a problem."""
    page.add_script_tag(url=AXE_URL)
    violations = page.evaluate(
        """async (rules) => (await axe.run(document, {
            resultTypes: ["violations"], ...(rules ? {runOnly: {type: "rule", values: rules}} : {}),
        })).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " ")),
        }))""",
        rules,
    )
    return [f"{v['id']} ({v['impact']}): {v['help']} at {node}" for v in violations for node in v["nodes"]]


# The colours an element's text is drawn in and drawn on, both as opaque sRGB bytes: the text colour
# composited over the background, the background composited up the ancestors down from an opaque white
# canvas. Colours are read back through a canvas so that every syntax the browser computes (rgb(),
# color(srgb …), color-mix) counts.
_COLOURS_JS = """
(element) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const context = canvas.getContext("2d", {willReadFrequently: true});
  const paint = (colours) => {
    context.globalCompositeOperation = "copy";
    context.fillStyle = "#fff";
    context.fillRect(0, 0, 1, 1);
    context.globalCompositeOperation = "source-over";
    for (const colour of colours) {
      context.fillStyle = colour;
      context.fillRect(0, 0, 1, 1);
    }
    return Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3));
  };
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.backgroundImage !== "none") throw new Error("background image on " + node.className);
    layers.unshift(style.backgroundColor);
  }
  const text = getComputedStyle(element).color;
  return {text: paint([...layers, text]), background: paint(layers), css: text};
}
"""


def _luminance(rgb: list[int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_of(locator: Locator) -> float:
    """The WCAG contrast ratio of the element's text against what is behind it."""
    colours = locator.evaluate(_COLOURS_JS)
    light, dark = sorted((_luminance(colours["text"]), _luminance(colours["background"])), reverse=True)
    return (light + 0.05) / (dark + 0.05)
