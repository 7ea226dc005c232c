"""Find the numbers typed into the site's prose: every docs page and every notebook's Markdown cells.

A number in prose must be a field the build fills (``{{ namespace.name }}``,
``site_hooks/fields.py``), printed by a notebook's code, or stand on the
allow-list ``tests/prose_allowlist.toml`` with its reason: a figure quoted
from a named source, or a constant of the format. This module finds the
numbers that are none of these; ``tests/test_prose_numbers.py`` fails on them.

What counts as a number with a unit or a meaning (the rules below):

* a number followed by a unit — ``%``, points, GFLOP(/s), kB/MB/GB, ms, µs,
  s/seconds/minutes/hours, ``×``/"times" (as in "3.5× faster") — or by a count
  noun: parameters, weights, biases, steps, iterations, epochs, images,
  examples, digits, seeds, units, writers, rows, columns;
* a number with two or more decimals (0.29, 90.95): a measured or computed
  value, whatever follows it.

Code (fenced blocks and inline ``code``) is exempt: the doctests run it.
Link targets, HTML tags and the fields themselves are skipped. Math is
scanned like prose.

Examples
--------
>>> [f.number for f in scan_text("The network has 7,960 parameters and reaches 91.3 %.")]
['7,960 parameters', '91.3 %']
>>> scan_text("It has {{ net.params }} parameters; `x = 0.25` is code.")
[]
>>> [f.line for f in scan_text("one\\n\\ntook 12 ms")]
[3]
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ALLOWLIST = REPO / "tests" / "prose_allowlist.toml"

# Not the second factor of a shape ("28 × 28 images" is a format, "28 images" is not what it says).
_NUM = r"(?<![\w.,/^{_-])(?<!×\s)(?<!×)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNITS = (
    r"%|percent\b|per\s*cent\b|points?\b|GFLOP(?:/s)?\b|FLOPs?\b|[kKMG]i?B\b|bytes\b|ms\b|µs\b|us\b|ns\b|s\b|seconds?\b|"
    r"minutes?\b|hours?\b|×(?!\s*(?:[\d$\\(]|[a-zA-Z]\b))|times\b|-fold\b|"
    r"parameters?\b|weights?\b|biases\b|steps?\b|iterations?\b|epochs?\b|images?\b|examples?\b|digits?\b|"
    r"seeds?\b|(?:hidden\s+)?units?\b|writers\b|rows?\b|columns?\b|pixels?\b"
)
NUMBER_WITH_UNIT = re.compile(rf"({_NUM})(?:\s|&nbsp;|\\,|~)*({_UNITS})")
MANY_DECIMALS = re.compile(r"(?<![\w.,/^{_-])\d+\.\d{2,}(?![\d.])")

_FENCE = re.compile(r"^(\s*)(```|~~~)")
_SKIP_INLINE = re.compile(
    r"`[^`\n]*`"  # inline code
    r"|\{\{[^}]*\}\}"  # a field
    r"|\]\([^)]*\)"  # a link's target
    r"|<[^>\n]*>"  # an HTML tag and its attributes
    r"|https?://\S+"
)


@dataclass(frozen=True)
class Finding:
    """One number found in prose: where it is and what it reads."""

    path: str
    line: int
    number: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.number!r} in: {self.text.strip()}"


def _blank(match: re.Match) -> str:
    # Keep the line structure (and every offset) so the line numbers stay right.
    return re.sub(r"[^\n]", " ", match.group(0))


def scan_text(text: str, path: str = "<text>", first_line: int = 1, lines: list[int] | None = None) -> list[Finding]:
    """The typed-in numbers of Markdown ``text``; ``lines`` maps each line of it to a line of ``path``.

    A number and its unit may sit on two lines ("its 7,960" / "parameters").
    """
    raw_lines = text.split("\n")
    clean, fenced = [], False
    for raw in raw_lines:
        if _FENCE.match(raw):
            fenced = not fenced
            clean.append(" " * len(raw))
        elif fenced:
            clean.append(" " * len(raw))
        else:
            clean.append(_SKIP_INLINE.sub(_blank, raw))
    body = "\n".join(clean)
    starts = [0]
    for line in clean:
        starts.append(starts[-1] + len(line) + 1)

    def line_of(offset: int) -> int:
        i = next(k for k in range(len(clean)) if starts[k + 1] > offset)
        return i

    spans = [(m.start(), m.end(), re.sub(r"\s+", " ", m.group(0)).strip()) for m in NUMBER_WITH_UNIT.finditer(body)]
    spans += [
        (m.start(), m.end(), m.group(0))
        for m in MANY_DECIMALS.finditer(body)
        if not any(a <= m.start() < b for a, b, _ in spans)
    ]
    out = []
    for start, _, found in sorted(spans):
        i = line_of(start)
        out.append(Finding(path, lines[i] if lines else first_line + i, found, raw_lines[i]))
    return out


def markdown_cells(source: str) -> list[tuple[str, list[int]]]:
    """The Markdown cells of a jupytext percent-format notebook: (text, line number of each line).

    Examples
    --------
    >>> cells = markdown_cells("# %% [markdown]\\n# Took 3 s.\\n\\n# %%\\nx = 3\\n")
    >>> cells
    [('Took 3 s.\\n', [2, 3])]
    """
    cells, current = [], None
    for n, line in enumerate(source.split("\n"), start=1):
        if line.startswith("# %%"):
            if current:
                cells.append(current)
            current = ([], []) if "[markdown]" in line else None
            continue
        if current is not None:
            current[0].append(line[2:] if line.startswith("# ") else line.lstrip("#"))
            current[1].append(n)
    if current:
        cells.append(current)
    return [("\n".join(text), lines) for text, lines in cells]


def scan_file(path: Path) -> list[Finding]:
    """The typed-in numbers of one docs page (``.md``) or notebook (``.py``, Markdown cells only)."""
    rel = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return [f for text, lines in markdown_cells(source) for f in scan_text(text, rel, lines=lines)]
    return scan_text(source, rel)


def prose_files(root: Path = REPO) -> list[Path]:
    """Every page the site's prose lives in."""
    docs = root / "docs"
    return sorted(docs.rglob("*.md")) + sorted((docs / "notebooks").glob("*.py"))


def load_allowlist(path: Path = ALLOWLIST) -> list[dict]:
    """The allow-list, one ``{page, number, reason}`` per number (an entry may list several ``numbers``)."""
    entries = []
    for entry in tomllib.loads(path.read_text(encoding="utf-8"))["allow"]:
        numbers = entry.get("numbers", [entry["number"]] if "number" in entry else [])
        if "page" not in entry or not numbers or not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path.name}: entry {entry} needs a page ('*' for every page), a number and a reason")
        entries += [{"page": entry["page"], "number": n, "reason": entry["reason"]} for n in numbers]
    return entries


def unexplained(findings: list[Finding], allowlist: list[dict]) -> list[Finding]:
    """The findings that no allow-list entry covers (same page or ``*``, and the same number text).

    Examples
    --------
    >>> found = scan_text("784 pixels; 41 s", "docs/x.md")
    >>> [str(f) for f in unexplained(found, [{"page": "*", "number": "784 pixels", "reason": "format"}])]
    ["docs/x.md:1: '41 s' in: 784 pixels; 41 s"]
    """
    allowed = {(e["page"], e["number"]) for e in allowlist}
    return [f for f in findings if (f.path, f.number) not in allowed and ("*", f.number) not in allowed]
