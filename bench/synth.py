"""A synthetic policy history: a few ~40 KB policies, small realistic edits per commit, fixed dates.

Written with one `git fast-import` stream, so 10,000 commits take seconds, and deterministic: the same
`versions` and `seed` always give the same repository (same commit ids).
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

POLICIES = ["privacy", "terms", "cookies", "acceptable-use", "data-processing"]
TARGET_BYTES = 40_000
START = 1_420_070_400  # 2015-01-01T00:00:00Z
STEP = 6 * 3600  # one commit every six hours: 10,000 commits span ~7 years

_WORDS = [
    "we",
    "you",
    "your",
    "data",
    "personal",
    "information",
    "service",
    "services",
    "account",
    "use",
    "process",
    "processing",
    "provide",
    "collect",
    "share",
    "third",
    "parties",
    "partners",
    "law",
    "legal",
    "basis",
    "consent",
    "legitimate",
    "interest",
    "contract",
    "retain",
    "retention",
    "period",
    "delete",
    "request",
    "access",
    "rectify",
    "object",
    "restrict",
    "portability",
    "controller",
    "processor",
    "security",
    "measures",
    "encryption",
    "transfer",
    "outside",
    "european",
    "economic",
    "area",
    "safeguards",
    "cookies",
    "analytics",
    "advertising",
    "marketing",
    "communications",
    "email",
    "address",
    "payment",
    "billing",
    "device",
    "identifiers",
    "logs",
    "location",
    "children",
    "age",
    "minimum",
    "notify",
    "changes",
    "policy",
    "effective",
    "date",
    "terms",
    "agreement",
    "liability",
    "warranty",
    "disclaimer",
    "termination",
    "suspension",
    "content",
    "licence",
    "intellectual",
    "property",
    "rights",
    "governing",
    "courts",
    "dispute",
    "resolution",
    "arbitration",
    "jurisdiction",
    "complaint",
    "supervisory",
    "authority",
    "officer",
    "contact",
]
_HEADINGS = (
    "Who we are",
    "What we collect",
    "How we use it",
    "Legal bases",
    "Sharing",
    "International transfers",
    "Retention",
    "Your rights",
    "Security",
    "Children",
    "Cookies",
    "Changes to this policy",
    "Contact",
    "Liability",
    "Termination",
    "Governing law",
    "Disputes",
    "Definitions",
    "Acceptable use",
    "Payments",
)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.12:
        return "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(3, 6)))
    if kind < 0.16:
        rows = [
            f"| {rng.choice(_WORDS)} | {rng.choice(_WORDS)} {rng.choice(_WORDS)} "
            f"| {rng.randint(1, 36)} months |"
            for _ in range(rng.randint(3, 6))
        ]
        return "\n".join(["| Category | Purpose | Retention |", "| --- | --- | --- |", *rows])
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 7)))


def _initial(rng: random.Random, name: str) -> list[str]:
    """Blocks of a policy: title, date line, then sections of paragraphs, up to ~TARGET_BYTES."""
    blocks = [f"# {name.replace('-', ' ').title()}", "Last updated: 2015-01-01"]
    size = 0
    while size < TARGET_BYTES:
        block = f"## {rng.choice(_HEADINGS)}" if rng.random() < 0.15 else _paragraph(rng)
        blocks.append(block)
        size += len(block) + 2
    return blocks


def _edit(rng: random.Random, blocks: list[str], date: str) -> None:
    """One small edit, as policy writers make them: a word, a sentence, a paragraph in or out."""
    blocks[1] = f"Last updated: {date}"
    body = range(2, len(blocks))
    i = rng.choice(body)
    size = sum(len(b) + 2 for b in blocks)
    roll = rng.random()
    if roll < 0.45 and not blocks[i].startswith(("#", "|", "-")):
        sentences = blocks[i].split(". ")
        j = rng.randrange(len(sentences))
        sentences[j] = _sentence(rng).rstrip(".")
        blocks[i] = ". ".join(sentences)
    elif roll < 0.65:
        words = blocks[i].split(" ")
        j = rng.randrange(len(words))
        if not words[j].startswith(("#", "|", "-")):
            words[j] = rng.choice(_WORDS)
        blocks[i] = " ".join(words)
    elif roll < 0.85 and size < TARGET_BYTES * 1.1:
        blocks.insert(i, _paragraph(rng))
    elif len(blocks) > 6 and size > TARGET_BYTES * 0.9:
        del blocks[i]
    else:
        blocks[i] = _paragraph(rng)


def generate(dest: Path, versions: int, seed: int = 7) -> Path:
    """A git repository at `dest` with `versions` commits, each adding or changing one policy."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True)
    docs: dict[str, list[str]] = {}
    stream = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=dest, stdin=subprocess.PIPE)
    assert stream.stdin is not None
    out = stream.stdin
    for n in range(versions):
        when = START + n * STEP
        date = _iso(when)
        if n < len(POLICIES):
            name = POLICIES[n]
            docs[name] = _initial(rng, name)
            docs[name][1] = f"Last updated: {date}"
            message = f"Add {name} policy"
        else:
            name = rng.choice(POLICIES)
            _edit(rng, docs[name], date)
            message = f"Update {name} policy"
        data = ("\n\n".join(docs[name]) + "\n").encode()
        msg = message.encode()
        out.write(b"commit refs/heads/main\n")
        out.write(f"committer Policy Bot <policy@example.org> {when} +0000\n".encode())
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        out.write(f"M 100644 inline {name}.md\n".encode())
        out.write(b"data %d\n%s\n" % (len(data), data))
    out.write(b"done\n")
    out.close()
    if stream.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=dest, check=True)
    return dest


def _iso(timestamp: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc).date().isoformat()


if __name__ == "__main__":
    import sys

    generate(Path(sys.argv[1]), int(sys.argv[2]))
