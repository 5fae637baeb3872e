"""versions.json and policies.json: valid against their schemas, and true to git byte for byte."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import date

import jsonschema
import pytest
from policy_archive import data
from policy_archive.dates import DateFormatter
from policy_archive.diff import diff_stats
from policy_archive.pages import Layout

from .conftest import Site
from .test_feeds import DATES, LAYOUT, SITE_URL, policies_of, policy_text, url


def validate(document: dict[str, object], name: str) -> None:
    schema = data.schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, [f"{list(error.path)}: {error.message}" for error in errors]


def git_show(site: Site, commit: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "show", f"{commit}:docs/{path}"], cwd=site.root, capture_output=True, check=True
    ).stdout


@pytest.fixture
def commits(site: Site) -> list[str]:
    return [
        site.commit(
            "2024-01-10", "First policy", **{"privacy.md": policy_text("nothing", "2024-01-15", "First")}
        ),
        site.commit(
            "2024-01-12", "Typo", **{"privacy.md": policy_text("nothing at all", "2024-01-15", "First")}
        ),
        site.commit("2024-06-01", "Say more", **{"privacy.md": policy_text("your email and name")}),
        site.commit(
            "2025-11-20", "Announce", **{"privacy.md": policy_text("cookies", "2026-03-01", "Cookies")}
        ),
    ]


def test_versions_json_is_valid_and_true_to_git(site: Site, commits: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    document = data.versions_json(policy, LAYOUT, url, DATES, site_url=SITE_URL)

    validate(document, "versions")
    revisions = [revision for version in document["versions"] for revision in version["revisions"]]
    assert [revision["commit"] for revision in revisions] == commits
    for revision in revisions:
        content = git_show(site, revision["commit"], "privacy.md")
        assert revision["sha256"] == hashlib.sha256(content).hexdigest()
        assert revision["size"] == len(content)
        assert revision["blob"] == site.git("rev-parse", f"{revision['commit']}:docs/privacy.md").strip()
        assert revision["blob"] == data.git_blob_id(content)
    # JSON round trip: what is published is what was built.
    assert json.loads(data.dump(document)) == document


def test_versions_json_describes_each_version(site: Site, commits: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    document = data.versions_json(policy, LAYOUT, url, DATES, site_url=SITE_URL)

    assert document["current"] == "2024-06-01"
    assert document["upcoming"] == ["2026-03-01"]
    assert document["policy"]["feed_url"] == "https://policies.example/sub/privacy/archive/feed.xml"
    assert document["policy"]["versions_url"] == "https://policies.example/sub/privacy/archive/versions.json"
    first, second, third = document["versions"]
    assert (first["slug"], first["status"], first["effective"], first["effective_stated"]) == (
        "2024-01-15",
        "past",
        "2024-01-15",
        True,
    )
    assert (first["starts"], first["ends"], first["changes"]) == ("2024-01-15", "2024-06-01", "First")
    assert (second["status"], second["effective_stated"], second["changes"]) == ("current", False, None)
    assert (third["status"], third["ends"]) == ("upcoming", None)
    assert [len(v["revisions"]) for v in document["versions"]] == [2, 1, 1]
    assert first["url"] == "https://policies.example/sub/privacy/archive/2024-01-15/"
    assert first["raw_url"] == "https://policies.example/sub/privacy/archive/raw/2024-01-12.md"
    assert first["diff_url"] is None and first["unified_diff_url"] is None
    assert second["diff_url"] == "https://policies.example/sub/privacy/archive/2024-06-01/changes/"
    assert second["unified_diff_url"] == "https://policies.example/sub/privacy/archive/raw/2024-06-01.diff"
    revision = first["revisions"][0]
    assert revision["committed_at"] == "2024-01-10T12:00:00+00:00"
    assert revision["subject"] == "First policy" and revision["kind"] == "commit"
    assert revision["raw_url"] == "https://policies.example/sub/privacy/archive/raw/2024-01-10.md"


def test_word_counts_compare_with_the_previous_text(site: Site, commits: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    document = data.versions_json(policy, LAYOUT, url, DATES, site_url=SITE_URL)

    first, second, _ = document["versions"]
    assert (first["words_added"], first["words_removed"]) == (None, None)
    assert (first["revisions"][1]["words_added"], first["revisions"][1]["words_removed"]) == (2, 0)
    expected = diff_stats(policy.versions[0].latest.body, policy.versions[1].latest.body)
    assert (second["words_added"], second["words_removed"]) == (expected.words_added, expected.words_removed)
    assert second["words_added"] > 0 and second["words_removed"] > 0


def test_snapshots_carry_their_provenance(site: Site, commits: list[str]) -> None:
    content = (
        b"---\nsource: https://web.archive.org/web/20061207/x\ncaptured: 2006-12-08\nnote: Old\n---\n"
        b"# P\n\nOld.\n"
    )
    snapshot = site.root / "archive" / "privacy" / "2006-12-07.md"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_bytes(content)
    [policy] = policies_of(site, "privacy.md")

    document = data.versions_json(policy, LAYOUT, url, DATES, site_url=SITE_URL)

    validate(document, "versions")
    revision = document["versions"][0]["revisions"][0]
    assert revision["kind"] == "snapshot"
    assert revision["commit"] is None and revision["committed_at"] is None
    assert revision["snapshot"] == {
        "file": "archive/privacy/2006-12-07.md",
        "source": "https://web.archive.org/web/20061207/x",
        "captured": "2006-12-08",
        "capture_source": "the Wayback Machine",
        "note": "Old",
    }
    assert revision["sha256"] == hashlib.sha256(content).hexdigest()
    assert revision["blob"] == site.git("hash-object", str(snapshot)).strip()


def test_withdrawn_policy_has_no_current_version(site: Site, commits: list[str]) -> None:
    site.git("rm", "-q", "docs/privacy.md")
    site.commit("2025-12-01", "Withdraw")
    [policy] = policies_of(site, "privacy.md")

    versions = data.versions_json(policy, LAYOUT, url, DATES, site_url=SITE_URL)
    policies = data.policies_json([policy], LAYOUT, url, DATES, site_url=SITE_URL)

    validate(versions, "versions")
    validate(policies, "policies")
    assert versions["policy"]["withdrawn"] == "2025-12-01"
    assert versions["current"] is None
    assert versions["versions"][1]["status"] == "past"
    assert policies["policies"][0]["withdrawn"] == "2025-12-01"
    assert policies["policies"][0]["current"] is None


def test_policies_json_lists_current_and_upcoming_versions(site: Site, commits: list[str]) -> None:
    site.commit("2024-03-01", "Terms", **{"terms.md": "# Terms\n\nBe nice.\n"})
    policies = policies_of(site, "terms.md", "privacy.md")

    document = data.policies_json(policies, LAYOUT, url, DATES, site_url=SITE_URL)

    validate(document, "policies")
    assert document["feed_url"] == "https://policies.example/sub/feed.xml"
    assert [policy["path"] for policy in document["policies"]] == ["privacy.md", "terms.md"]
    privacy = document["policies"][0]
    assert privacy["title"] == "Privacy Policy"
    assert privacy["url"] == "https://policies.example/sub/privacy/"
    assert privacy["archive_url"] == "https://policies.example/sub/privacy/archive/"
    assert privacy["versions"] == 3
    assert privacy["current"]["slug"] == "2024-06-01"
    assert [version["slug"] for version in privacy["upcoming"]] == ["2026-03-01"]
    assert privacy["upcoming"][0]["changes"] == "Cookies"


def test_urls_without_a_site_url_start_at_the_site_root(site: Site, commits: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    document = data.versions_json(policy, Layout(publish_raw=False), url, DATES)

    validate(document, "versions")
    assert document["policy"]["url"] == "/privacy/"
    assert document["versions"][1]["url"] == "/privacy/archive/2024-06-01/"
    # Without raw Markdown there is neither a raw file nor a unified diff to link to.
    assert document["versions"][1]["raw_url"] is None
    assert document["versions"][1]["unified_diff_url"] is None


def test_commit_times_are_given_in_the_site_time_zone(site: Site, commits: list[str]) -> None:
    dates = DateFormatter(time_zone="Europe/Berlin")
    [policy] = policies_of(site, "privacy.md")

    document = data.versions_json(policy, LAYOUT, url, dates)

    assert document["versions"][0]["revisions"][0]["committed_at"] == "2024-01-10T13:00:00+01:00"


def test_data_files_are_placed_in_each_archive(site: Site, commits: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md")

    files = data.data_files([policy], LAYOUT, url, DATES, site_url=SITE_URL, site_title="Example")

    assert sorted(files) == [
        "feed.xml",
        "policies.json",
        "privacy/archive/feed.xml",
        "privacy/archive/raw/2024-01-12.md.diff",
        "privacy/archive/raw/2024-06-01.diff",
        "privacy/archive/raw/2024-06-01.md.diff",
        "privacy/archive/raw/2025-11-20.md.diff",
        "privacy/archive/raw/2026-03-01.diff",
        "privacy/archive/sitemap.xml",
        "privacy/archive/versions.json",
    ]
    # Each revision's change, the editorial fix of January 12 included, against the revision before it.
    typo = files["privacy/archive/raw/2024-01-12.md.diff"].decode()
    assert typo.startswith("--- privacy/archive/raw/2024-01-10.md\n+++ privacy/archive/raw/2024-01-12.md\n")
    assert "-We collect nothing.\n+We collect nothing at all.\n" in typo
    revisions = [
        r for v in json.loads(files["privacy/archive/versions.json"])["versions"] for r in v["revisions"]
    ]
    assert [r["unified_diff_url"] for r in revisions] == [
        None,
        *(
            f"{SITE_URL}privacy/archive/raw/{slug}.md.diff"
            for slug in ("2024-01-12", "2024-06-01", "2025-11-20")
        ),
    ]
    validate(json.loads(files["privacy/archive/versions.json"]), "versions")
    diff = files["privacy/archive/raw/2024-06-01.diff"].decode()
    assert diff.startswith("--- privacy/archive/raw/2024-01-12.md\n+++ privacy/archive/raw/2024-06-01.md\n")
    assert "-We collect nothing at all.\n+We collect your email and name.\n" in diff
    # Without a site_url, there is no absolute address for the feeds: only the data.
    assert "feed.xml" not in data.data_files([policy], LAYOUT, url, DATES, site_url=None)
    without_raw = Layout(publish_raw=False)
    without = data.data_files([policy], without_raw, url, DATES, site_url=SITE_URL)
    assert not [path for path in without if path.endswith(".diff")]


def test_unified_diff_applies_to_the_raw_markdown(site: Site, commits: list[str], tmp_path: object) -> None:
    [policy] = policies_of(site, "privacy.md")
    version = policy.versions[2]

    diff = data.version_unified_diff(policy, LAYOUT, version)

    old = policy.versions[1].latest.text.splitlines()
    new = version.latest.text.splitlines()
    removed = [line[1:] for line in diff.splitlines()[2:] if line.startswith("-")]
    added = [line[1:] for line in diff.splitlines()[2:] if line.startswith("+")]
    assert set(removed) <= set(old) and set(added) <= set(new)
    assert set(old) - set(removed) <= set(new)


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("privacy.md", "privacy/"),
        ("privacy/archive/index.md", "privacy/archive/"),
        ("privacy/archive/2024-01-15.md", "privacy/archive/2024-01-15/"),
        ("index.md", "./"),
        ("README.md", "./"),
        ("privacy/archive/versions.json", "privacy/archive/versions.json"),
    ],
)
def test_directory_url_matches_mkdocs(src: str, expected: str) -> None:
    from mkdocs.structure.files import File

    assert data.directory_url(src) == expected == File(src, "docs", "site", True).url
    assert data.directory_url(src, use_directory_urls=False) == File(src, "docs", "site", False).url


def test_schemas_are_shipped_with_the_package() -> None:
    for name in ("versions", "policies"):
        schema = data.schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)


def test_version_status_on_the_day_it_takes_effect(site: Site, commits: list[str]) -> None:
    [policy] = policies_of(site, "privacy.md", today=date(2026, 3, 1))

    document = data.versions_json(policy, LAYOUT, url, DATES)

    assert [version["status"] for version in document["versions"]] == ["past", "past", "current"]
    assert document["upcoming"] == []
