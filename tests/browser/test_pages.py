"""What a reader sees and follows: the banner of an archived version, the version list, the current page's
lines, a withdrawn policy, the comparison of two versions."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from .conftest import Opened, Served
from .fixture_site import COMMITS, REFUNDS, REFUNDS_WITHDRAWN, SLUGS
from .support import COMPARE, CURRENT, FIRST, LATE, LATEST, LIST, MIDDLE, UPCOMING, WITHDRAWN, archived, raw


def banner_links(opened: Opened) -> dict[str, str]:
    """The banner's navigation as link text → absolute URL, in order."""
    nav = opened.page.get_by_role("complementary").get_by_role("navigation", name="Versions")
    return {link.inner_text(): link.evaluate("a => a.href") for link in nav.get_by_role("link").all()}


def assert_has_in_order(links: dict[str, str], wanted: dict[str, str]) -> None:
    """`links` holds every link of `wanted`, with the same targets and in the same order (others may come
    between)."""
    assert {text: links.get(text) for text in wanted} == wanted
    assert [text for text in links if text in wanted] == [*wanted]


def test_archived_version_banner_says_what_and_when(
    visit: Callable[[str, str], Opened], served: Served
) -> None:
    opened = visit(archived(MIDDLE), "light")
    page = opened.page

    banner = page.get_by_role("complementary", name="Archived version")
    expect(banner).to_be_visible()
    expect(banner.locator(".pa-banner__what")).to_have_text("Archived version of Privacy Policy")
    assert [t.get_attribute("datetime") for t in banner.locator(".pa-banner__when time").all()] == [
        MIDDLE,
        LATE,
    ]
    expect(banner.locator(".pa-banner__changes")).to_contain_text("We now keep your invoices.")
    assert_has_in_order(
        banner_links(opened),
        {
            "← Previous: March 1, 2022": served.url(archived(FIRST)),
            "All versions (5)": served.url(LIST),
            "Next: January 15, 2024 →": served.url(archived(LATE)),
            "Current version": served.url(CURRENT),
            "Raw Markdown": served.url(raw(MIDDLE)),
        },
    )
    # The banner comes before the archived text, so it is read first; the title says which version it is.
    assert page.locator("article > *").first.evaluate("e => e.classList.contains('pa-banner')")
    expect(page.locator("article h1")).to_have_text(re.compile(r"^Privacy Policy\W*$"))
    expect(page).to_have_title(re.compile(rf"Privacy Policy \({MIDDLE}\)"))


def test_banner_links_lead_to_their_pages(open_page: Callable[..., Opened], served: Served) -> None:
    page = open_page(archived(MIDDLE)).page
    nav = page.get_by_role("navigation", name="Versions")

    nav.get_by_role("link", name=re.compile(r"^← Previous")).click()
    expect(page).to_have_url(served.url(archived(FIRST)))
    expect(page.locator(".pa-banner__when time").first).to_have_attribute("datetime", FIRST)
    page.go_back()

    nav.get_by_role("link", name=re.compile(r"^Next.*→$")).click()
    expect(page).to_have_url(served.url(archived(LATE)))
    expect(page.locator(".pa-banner__when time").first).to_have_attribute("datetime", LATE)
    page.go_back()

    nav.get_by_role("link", name="All versions (5)").click()
    expect(page).to_have_url(served.url(LIST))
    expect(page.locator("ol.pa-list")).to_be_visible()
    page.go_back()

    nav.get_by_role("link", name="Current version").click()
    expect(page).to_have_url(served.url(CURRENT))
    expect(page.locator(".pa-summary")).to_be_visible()
    expect(page.locator(".pa-banner")).to_have_count(0)
    page.go_back()

    page.get_by_role("complementary").get_by_role("link", name="Privacy Policy").click()
    expect(page).to_have_url(served.url(CURRENT))


def test_banner_raw_link_serves_the_committed_bytes(open_page: Callable[..., Opened], served: Served) -> None:
    page = open_page(archived(MIDDLE)).page
    link = page.get_by_role("navigation", name="Versions").get_by_role("link", name="Raw Markdown")

    with page.expect_response(served.url(raw(MIDDLE))) as response:
        link.click()

    assert response.value.status == 200
    assert response.value.body() == served.committed(served.commits[MIDDLE])


def test_banners_at_the_ends_of_the_timeline(visit: Callable[[str, str], Opened], served: Served) -> None:
    oldest = banner_links(visit(archived(FIRST), "light"))
    assert not [text for text in oldest if "Previous" in text]
    assert_has_in_order(
        oldest,
        {
            "All versions (5)": served.url(LIST),
            "Next: May 15, 2023 →": served.url(archived(MIDDLE)),
            "Current version": served.url(CURRENT),
            "Raw Markdown": served.url(raw(FIRST)),
        },
    )

    in_force = visit(archived(LATEST), "light")
    banner = in_force.page.get_by_role("complementary", name="Current version")
    expect(banner).to_have_class(re.compile(r"\bpa-banner--current\b"))
    expect(banner.locator(".pa-banner__when")).to_have_text("In force from June 30, 2025 to October 1, 2025.")
    links = banner_links(in_force)
    assert "Current version" not in links  # it is the current version
    assert_has_in_order(
        links,
        {
            "← Previous: January 15, 2024": served.url(archived(LATE)),
            "All versions (5)": served.url(LIST),
            "Next: October 1, 2025 →": served.url(archived(UPCOMING)),
            "Raw Markdown": served.url(raw(LATEST)),
        },
    )

    upcoming = visit(archived(UPCOMING), "light")
    banner = upcoming.page.get_by_role("complementary", name="Upcoming version")
    expect(banner.locator(".pa-banner__when")).to_have_text("Takes effect on October 1, 2025.")
    links = banner_links(upcoming)
    assert not [text for text in links if "Next" in text]
    assert_has_in_order(
        links,
        {
            "← Previous: June 30, 2025": served.url(archived(LATEST)),
            "All versions (5)": served.url(LIST),
            "Current version": served.url(CURRENT),
            "Raw Markdown": served.url(raw(UPCOMING)),
        },
    )


def test_editorial_revisions_open_from_the_banner(open_page: Callable[..., Opened], served: Served) -> None:
    page = open_page(archived(LATE)).page
    revisions = page.locator(".pa-banner details")
    expect(revisions.locator("summary")).to_have_text(re.compile(r"^2 revisions of this version"))
    expect(revisions.locator("a").first).to_be_hidden()

    revisions.locator("summary").click()

    raws = revisions.get_by_role("link", name="raw")
    expect(raws.first).to_be_visible()
    for link, day in zip(raws.all(), ["2024-02-01", "2024-01-10"], strict=True):
        href = link.evaluate("a => a.href")
        assert href == served.url(f"privacy/archive/raw/{day}.md")
        assert page.request.get(href).body() == served.committed(served.commits[day])
    # Each revision's change, the editorial fix included, as a unified diff of the Markdown.
    for link in revisions.get_by_role("link", name="diff").all():
        href = link.evaluate("a => a.href")
        assert href.endswith(".md.diff")
        assert page.request.get(href).text().startswith("--- privacy/archive/raw/")


def test_version_list_is_newest_first_and_links_every_version(
    visit: Callable[[str, str], Opened], served: Served
) -> None:
    page = visit(LIST, "light").page

    items = page.locator("ol.pa-list > li")
    expect(items).to_have_count(len(SLUGS))
    newest_first = [*reversed(SLUGS)]
    assert [
        t.get_attribute("datetime") for t in page.locator("ol.pa-list > li > a > time").all()
    ] == newest_first
    expect(items.nth(0).locator(".pa-label")).to_have_text("upcoming")
    expect(items.nth(1).locator(".pa-label")).to_have_text("current")
    expect(items.locator(".pa-label")).to_have_count(2)
    for item, slug in zip(items.all(), newest_first, strict=True):
        version = item.locator("> a").first
        expect(version.locator("time")).to_have_attribute("datetime", slug)
        assert version.evaluate("a => a.href") == served.url(archived(slug))
        assert item.get_by_role("link", name="raw", exact=True).evaluate("a => a.href") == served.url(
            raw(slug)
        )
    # Every link leads somewhere: the versions to their banners, the raw links to the committed bytes.
    for commit in COMMITS:
        if raw(commit.version).endswith(f"/{commit.day}.md"):
            body = page.request.get(served.url(raw(commit.version))).body()
            assert body == served.committed(served.commits[commit.day]), commit.day
    for slug in SLUGS:
        html = page.request.get(served.url(archived(slug))).text()
        assert re.search(rf'<p class="pa-banner__when">[^<]*<time datetime="{slug}">', html), slug


def test_version_list_link_opens_the_version(open_page: Callable[..., Opened], served: Served) -> None:
    page = open_page(LIST).page

    page.locator("ol.pa-list").get_by_role("link", name="May 15, 2023", exact=True).click()

    expect(page).to_have_url(served.url(archived(MIDDLE)))
    expect(page.locator(".pa-banner__when time").first).to_have_attribute("datetime", MIDDLE)


def test_current_page_says_when_it_changed_and_what_comes(
    open_page: Callable[..., Opened], served: Served
) -> None:
    page = open_page(CURRENT).page

    summary = page.locator("article h1 + .pa-summary")  # right under the title
    expect(summary).to_have_text("Last updated June 30, 2025 · 3 earlier versions")
    expect(summary.locator("time")).to_have_attribute("datetime", LATEST)
    expect(page.locator(".pa-banner")).to_have_count(0)
    upcoming = page.get_by_role("note")
    expect(upcoming).to_contain_text("A new version takes effect on October 1, 2025.")
    expect(upcoming).to_contain_text("Sign-in with passkeys.")
    # The page shows the text in force, not the announced one.
    expect(page.locator("article")).to_contain_text("Matomo")
    expect(page.locator("article")).not_to_contain_text("fingerprint")

    upcoming.get_by_role("link", name="Read the new version").click()
    expect(page).to_have_url(served.url(archived(UPCOMING)))
    page.go_back()

    summary.get_by_role("link", name="3 earlier versions").click()
    expect(page).to_have_url(served.url(LIST))
    expect(page.locator("article h1")).to_have_text(re.compile(r"^Privacy Policy: all versions"))


def test_withdrawn_policy_keeps_its_page_under_a_notice(
    visit: Callable[[str, str], Opened], served: Served
) -> None:
    page = visit(WITHDRAWN, "light").page

    banner = page.get_by_role("complementary", name="Withdrawn policy")
    expect(banner).to_contain_text("no longer applies")
    expect(banner.locator("time")).to_have_attribute("datetime", REFUNDS_WITHDRAWN)
    expect(page.locator("article")).to_contain_text(REFUNDS.splitlines()[2])
    assert banner.get_by_role("link").evaluate("a => a.href") == served.url("refunds/archive/")


def test_compare_page_shows_what_changed_between_two_chosen_versions(
    open_page: Callable[..., Opened], served: Served
) -> None:
    opened = open_page(COMPARE)
    page = opened.page
    form = page.locator("form.pa-compare__form")

    form.locator("select[name=from]").select_option(FIRST)
    form.locator("select[name=to]").select_option(LATEST)
    form.get_by_role("button", name="Compare").click()

    result = page.locator(".pa-compare__result")
    expect(result.locator("ins").first).to_be_visible()
    expect(result).to_contain_text("Matomo")  # only in the later version: added
    expect(result.locator("del")).to_contain_text(["questionnaire"])  # only in the earlier one: removed
    expect(page.get_by_role("status")).not_to_be_empty()
    assert [error for error in opened.errors if not error.endswith("/archive/sitemap.xml")] == []
    assert all(url.startswith(served.base) for url in opened.requests)
