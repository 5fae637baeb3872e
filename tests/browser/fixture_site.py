"""The fixture site the browser tests read: its configuration and the git history of its policies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import material

# The site the browser tests read: the example site's theme settings (both palettes with a toggle, no Google
# Fonts), over a fixture repository.
MKDOCS_YML = """\
site_name: Test policies
site_url: https://policies.example/
docs_dir: {docs_dir}
theme:
  name: material
  custom_dir: overrides
  language: en
  font: false
  features:
    - navigation.footer
    - content.tooltips
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: indigo
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: indigo
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode
plugins:
  - search
  - policy-archive:
      time_zone: UTC
markdown_extensions:
  - toc:
      permalink: true
  - attr_list
  - md_in_html
  - tables
extra_css:
  - stylesheets/site.css
"""

# Fixes for what axe finds in the theme itself, not in the archive; the example site needs the same.
SITE_CSS = """\
/* Material's footer line is 4.47:1 on the light palette (WCAG AA asks 4.5:1): use its stronger shade. */
.md-copyright {
  color: var(--md-footer-fg-color--light);
}

/* Links in the policies' own text are told apart by more than their colour (WCAG 1.4.1). Only paragraphs
   without a class: the archive's own paragraphs and lists must look after their links themselves. */
.md-typeset p:not([class]) > a:not(.headerlink),
.md-copyright a {
  text-decoration: underline;
}
"""


def search_partial() -> str:
    """Material's search box, with the accessible name its dialog lacks (axe's aria-dialog-name)."""
    partial = Path(material.__file__).parent / "templates" / "partials" / "search.html"
    original = partial.read_text(encoding="utf-8")
    fixed = original.replace('role="dialog">', 'role="dialog" aria-label="{{ lang.t(\'search\') }}">', 1)
    assert fixed != original, f"{partial} changed: update the override"
    return fixed


PRIVACY = """\
{front}# Privacy Policy

Northwind Mail Sp. z o.o. ("we") runs the newsletter service at northwind.example. This policy says which
personal data we process, why, and what you can ask of us.

## What we collect

{collect}

## Why we process it

| Purpose | Legal basis | How long we keep it |
| --- | --- | --- |
{purposes}

## Your rights

You may ask for a copy of your data, have it corrected or erased, and object to its processing. Write to
privacy@northwind.example; we answer within {answer_days} days. The [terms of service](terms.md) say how to
close your account.

{extra}
"""

NEWSLETTER = "| Sending the newsletter | Consent | Until you unsubscribe |"
INVOICES = "| Invoicing | Legal obligation | Five years |"
OPENS = "| Measuring opens | Legitimate interest | 13 months |"
NAME, BILLING = "- your name and email address", "- your billing address and invoices"
PASSKEY_NAME = "- your name and email address, and the public keys of your passkeys"
"""The first item, edited by the upcoming version (as is the last row of the table)."""
QUESTIONNAIRE = "- the answers you give in our postal questionnaire"
MATOMO = "- which of our emails you open, measured with Matomo on our own servers"
FAX = "Requests may also be sent by fax to +48 58 000 00 00."
DPO = "Our data protection officer is Zofia Kowalczyk — dpo@northwind.example."


def _privacy(
    front: str = "", *, collect: list[str], purposes: list[str], answer_days: int, extra: str
) -> str:
    return PRIVACY.format(
        front=f"---\n{front}---\n\n" if front else "",
        collect="\n".join(collect),
        purposes="\n".join(purposes),
        answer_days=answer_days,
        extra=extra,
    )


@dataclass(frozen=True)
class Commit:
    day: str
    message: str
    text: str
    version: str
    """The slug of the version this commit is a revision of."""


# The privacy policy's history: five versions, the third with an editorial fix, the last one announced
# (upcoming on the build date, TODAY).
# Words only in versions that are not in force: "questionnaire" and "fax" (the first two), "fingerprint" (the
# upcoming one). Only in the version in force: "Matomo".
COMMITS = [
    Commit(
        "2022-03-01",
        "First privacy policy",
        _privacy(collect=[NAME, QUESTIONNAIRE], purposes=[NEWSLETTER], answer_days=30, extra=FAX),
        "2022-03-01",
    ),
    Commit(
        "2023-05-15",
        "Add payment data",
        _privacy(
            "changes: We now keep your invoices.\n",
            collect=[NAME, BILLING, QUESTIONNAIRE],
            purposes=[NEWSLETTER, INVOICES],
            answer_days=30,
            extra=FAX,
        ),
        "2023-05-15",
    ),
    Commit(
        "2024-01-10",
        "Drop the questionnaire, answer faster",
        _privacy(
            "effective: 2024-01-15\nchanges: No more postal questionnaire; answers within 14 days.\n",
            collect=[NAME, BILLING],
            purposes=[NEWSLETTER, INVOICES],
            answer_days=14,
            extra=DPO.replace("Kowalczyk", "Kowalcyk"),
        ),
        "2024-01-15",
    ),
    Commit(
        "2024-02-01",
        "Fix the officer's name",
        _privacy(
            "effective: 2024-01-15\nchanges: No more postal questionnaire; answers within 14 days.\n",
            collect=[NAME, BILLING],
            purposes=[NEWSLETTER, INVOICES],
            answer_days=14,
            extra=DPO,
        ),
        "2024-01-15",
    ),
    Commit(
        "2025-06-30",
        "Add analytics",
        _privacy(
            collect=[NAME, BILLING, MATOMO], purposes=[NEWSLETTER, INVOICES, OPENS], answer_days=14, extra=DPO
        ),
        "2025-06-30",
    ),
    Commit(
        "2025-07-15",
        "Announce sign-in with passkeys",
        _privacy(
            "effective: 2025-10-01\nchanges: Sign-in with passkeys.\n",
            collect=[PASSKEY_NAME, BILLING, MATOMO, "- a fingerprint template, kept on your own device"],
            purposes=[NEWSLETTER, INVOICES, OPENS.replace("13 months", "25 months")],
            answer_days=14,
            extra=DPO,
        ),
        "2025-10-01",
    ),
]
TODAY = "2025-08-01"
"""The day of the build (SOURCE_DATE_EPOCH), so the last version stays upcoming."""
SLUGS = list(dict.fromkeys(commit.version for commit in COMMITS))
"""The privacy policy's versions, oldest first."""
RAW = {commit.version: commit.day for commit in COMMITS}
"""Each version's raw Markdown, by the day of its newest revision: `archive/raw/<day>.md`."""
REFUNDS = "# Refund Policy\n\nWe refund unused months of a yearly plan within 30 days of a request.\n"
REFUNDS_ADDED, REFUNDS_WITHDRAWN = "2022-06-01", "2024-03-01"
