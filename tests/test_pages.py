"""The page content helpers, on plain strings."""

from __future__ import annotations

from policy_archive.pages import relink_html


def link(src: str) -> str:
    return f"../../{src.removesuffix('.md')}/"


def test_relink_points_relative_links_to_the_pages_they_name() -> None:
    html = (
        '<p><a href="terms.md#cookies">terms</a> <img src="logo.png" alt=""> '
        '<a href="missing.md">gone</a> <a href="https://example.org/terms.md">out</a> '
        '<a href="#top">top</a> <a href="/abs.md">abs</a> '
        '<span data-href="terms.md" data-src="logo.png">data</span></p>'
    )

    relinked = relink_html(html, "legal/privacy.md", link, {"legal/terms.md", "legal/logo.png"}.__contains__)

    assert relinked == (
        '<p><a href="../../legal/terms/#cookies">terms</a> <img src="../../legal/logo.png/" alt=""> '
        '<a href="missing.md">gone</a> <a href="https://example.org/terms.md">out</a> '
        '<a href="#top">top</a> <a href="/abs.md">abs</a> '
        '<span data-href="terms.md" data-src="logo.png">data</span></p>'
    )


def test_relink_unescapes_and_escapes_addresses() -> None:
    html = '<a href="a&amp;b.md?x=1&amp;y=2">both</a>'

    relinked = relink_html(html, "p.md", lambda src: f"{src}/", {"a&b.md"}.__contains__)

    assert relinked == '<a href="a&amp;b.md/?x=1&amp;y=2">both</a>'
