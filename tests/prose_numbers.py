"""Find the numbers typed into the site's prose, wherever a reader meets it.

A number in prose must be a field the build fills (``{{ namespace.name }}``,
``site_hooks/fields.py``), computed by code (a notebook's ``{value}`` in an
f-string), a constant of the MNIST format named in the package, or stand on
the allow-list ``tests/prose_allowlist.toml`` with the words around it and
its reason. This module finds the numbers that are none of these;
``tests/test_prose_numbers.py`` fails on them.

Where prose lives (``prose_files``):

* every docs page (``docs/**/*.md``) and ``README.md``;
* the Markdown cells of every notebook (``docs/notebooks/*.py``), and the text
  its code writes into the page: the literal parts of its strings, which
  become ``Markdown(...)``, printed lines, figure titles and table cells (in
  an f-string, each ``{value}`` is computed and skipped; the words typed
  around it are prose);
* the docstrings of ``nn_scratch`` that the API reference renders (public
  modules, classes, functions; doctest lines are code and skipped);
* the strings in ``site_hooks/*.py`` from which the hooks write pages
  (every string literal but docstrings).

What counts as a typed number (the rules, each tested in
``tests/test_prose_numbers.py``):

* a number followed by a unit — ``%`` (also ``\\%`` in maths), points,
  GFLOP(/s), kB/MB/GB, ms, µs, s/seconds/minutes/hours, ``×``/"times"
  (as in "3.5× faster") — or by a count noun (parameters, weights, steps,
  iterations, epochs, images, examples, digits, units, …), either at once or
  after up to three words that are not function words ("the first 10,000
  training images", "1,000 full-batch iterations");
* a number grouped in thousands, whatever follows it: ``7,960``, ``60 000``,
  ``7{,}960``, ``7\\,960`` (never read as its last group, "960");
* a number with two or more decimals (0.29, 90.95);
* in a Markdown table row, a number with any decimals (``| 91.3 |``).

Code is exempt (fenced blocks, inline code, doctest lines): the doctests run
it. Link targets, HTML tags and fields are skipped. Maths is scanned like prose.

The constants of the format are allowed by *name*, from the package
(``FORMAT``): 784 pixels or inputs (``PIXELS``), 28 rows, columns or pixels
(the image side), 10 digits or classes (``NUM_CLASSES``), 60,000 training and
10,000 test images (the counts of ``MNIST_FILES``) — never retyped here.

Examples
--------
>>> [f.number for f in scan_text("The network has 7,960 parameters and reaches 91.3 %.")]
['7,960 parameters', '91.3 %']
>>> scan_text("It has {{ net.params }} parameters; `x = 0.25` is code; 784 pixels, 10 digits.")
[]
>>> [f.line for f in scan_text("one\\n\\ntook 12 ms")]
[3]
"""

from __future__ import annotations

import ast
import importlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ALLOWLIST = REPO / "tests" / "prose_allowlist.toml"

# Thousands separators: a comma, a (thin, no-break) space, LaTeX's \, and {,}, and their HTML entities.
_SEP = r"(?:,|[ \u00a0\u2009\u202f]|\\,|\{,\}|&nbsp;|&#8239;|&thinsp;)"
# Not a list of numbers: "784,128,10" (layer sizes) is no thousands grouping.
_GROUPED = rf"\d{{1,3}}(?:{_SEP}\d{{3}})+(?!\d|,\d)"
# Not inside a word or a longer number, not the second factor of a shape ("28 × 28 images"), and not the
# last group of a space-grouped number ("7 960" is one number, never "960").
_BEFORE = r"(?<![\w.,/^{_-])(?<!×\s)(?<!×)(?<!\d[ \u00a0\u2009\u202f])(?<!\d\\,)(?<!\d\{,\})"
_NUM = rf"{_BEFORE}(?:{_GROUPED}|\d+)(?:\.\d+)?"
_UNITS = (
    r"\\?%|percent\b|per\s*cent\b|points?\b|GFLOP(?:/s)?\b|FLOPs?\b|[kKMG]i?B(?:/s)?\b|bytes\b|ms\b|µs\b|us\b|"
    r"ns\b|s\b|seconds?\b|minutes?\b|hours?\b|×(?!\s*(?:[\d${\\(]|[a-zA-Z]\b))|times\b|-fold\b|"
    r"parameters?\b|weights?\b|biases\b|steps?\b|updates\b|iterations?\b|epochs?\b|images?\b|examples?\b|digits?\b|"
    r"seeds?\b|units?\b|writers\b|rows?\b|columns?\b|pixels?\b|inputs?\b|passes\b|calls\b|threads\b|cores\b"
)
# Words that end the link between a number and a later noun ("step 3 updates the weights" is no count of weights).
_FUNCTION_WORDS = (
    r"a|an|the|of|and|or|but|to|in|on|at|for|with|by|from|into|than|as|per|is|are|was|were|be|been|has|have|had|"
    r"it|its|this|that|these|those|which|who|each|every|all|any|no|not|then|so|if|when|where|while|out|over|"
    r"already|also|only|still|just|about|roughly|nearly|almost|more|less|most|least"
)
# Up to three words, each after a space ("2P × one pass" is no count), none a function word.
_BETWEEN = rf"(?:(?<=\s)(?!(?:{_FUNCTION_WORDS})\b)[A-Za-z][\w’'-]*\s+){{0,3}}"
_GAP = r"(?:\s|&nbsp;|\\,|\\ |~|\\(?:text|mathrm|mbox)\{\s*)*"
NUMBER_WITH_UNIT = re.compile(rf"({_NUM})({_GAP}{_BETWEEN})({_UNITS})")
GROUPED = re.compile(rf"{_BEFORE}{_GROUPED}(?:\.\d+)?")
MANY_DECIMALS = re.compile(r"(?<![\w.,/^{_-])\d+\.\d{2,}(?![\d.])")
TABLE_DECIMAL = re.compile(r"(?<![\w.,/^{_-])\d+\.\d+(?![\d.])")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")

_FENCE = re.compile(r"^(\s*)(```|~~~)")
_SKIP_INLINE = re.compile(
    r"``[^`\n]*``"  # reStructuredText's inline code (docstrings)
    r"|:\w+:`[^`\n]*`"  # a role, :func:`name`
    r"|`[^`\n]*`"  # inline code
    r"|\{\{[^}]*\}\}"  # a field
    r"|\]\([^)]*\)"  # a link's target
    r"|<[^>\n]*>"  # an HTML tag and its attributes
    r"|https?://\S+"
)


# --- The constants of the format, by name ---------------------------------------------------------------------


def _package_constant(*names: str):
    """The first of ``names`` found in the package's modules (the package is being reorganised: look widely)."""
    for module_name in ("nn_scratch", "nn_scratch.idx", "nn_scratch.data", "nn_scratch.download"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in names:
            if hasattr(module, name):
                return getattr(module, name)
    raise LookupError(f"nn_scratch defines none of {names}: tests/prose_numbers.py reads the format from it")


def _format_constants() -> dict[int, re.Pattern]:
    """Each constant of the MNIST format, and the words after it that name it."""
    files = _package_constant("MNIST_FILES")
    train = files["train-images-idx3-ubyte"].count
    test = files["t10k-images-idx3-ubyte"].count
    side = _package_constant("SIDE", "ROWS", "IMAGE_SIDE", "IMAGE_SIZE")
    return {
        _package_constant("PIXELS"): re.compile(r"(?:\w+\s+)*(?:pixels?|inputs?|rows?|weights)$"),
        side: re.compile(r"(?:rows?|columns?|pixels?)$"),
        _package_constant("NUM_CLASSES"): re.compile(r"(?:digits?|classes|outputs?|labels?)$"),
        # The split sizes: "60,000 training images", "60,000 training and 10,000 test", "all 10,000 images".
        train: re.compile(
            r"(?:image\s+)?(?:official\s+)?(?:MNIST\s+)?(?:training(?:\s+(?:images|examples|labels|set))?|images|examples)$"
        ),
        test: re.compile(
            r"(?:image\s+)?(?:official\s+)?(?:MNIST\s+)?(?:test(?:\s+(?:images|examples|labels|set))?|images|examples)$"
        ),
        train + test: re.compile(r"images$"),
    }


FORMAT = _format_constants()


def value_of(number: str) -> float:
    """The value of a number as typed, separators removed.

    Examples
    --------
    >>> value_of("7{,}960"), value_of("60 000"), value_of("91.3")
    (7960.0, 60000.0, 91.3)
    """
    return float(re.sub(_SEP, "", number))


def is_format_constant(number: str, words: str) -> bool:
    """Whether ``number`` followed by ``words`` names a constant of the format ("784 pixels").

    Examples
    --------
    >>> is_format_constant("784", "pixels"), is_format_constant("60,000", "training images")
    (True, True)
    >>> is_format_constant("10,000", "training images"), is_format_constant("785", "pixels")
    (False, False)
    """
    if "." in number:
        return False
    nouns = FORMAT.get(int(value_of(number)))
    return bool(nouns and nouns.fullmatch(re.sub(r"[\s-]+", " ", words).strip()))


# --- Scanning Markdown --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One number found in prose: where it is, what it reads, and its paragraph (for the allow-list's context)."""

    path: str
    line: int
    number: str
    text: str
    paragraph: str = ""
    span: tuple[int, int] = (0, 0)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.number!r} in: {self.text.strip()}"


def _blank(match: re.Match) -> str:
    # Keep the line structure (and every offset) so the line numbers stay right.
    return re.sub(r"[^\n]", " ", match.group(0))


def _clean(raw_lines: list[str]) -> list[str]:
    """The lines with code, fields, link targets and tags blanked out, same lengths."""
    clean, fenced, doctest = [], False, False
    for raw in raw_lines:
        stripped = raw.strip()
        if _FENCE.match(raw):
            fenced = not fenced
            clean.append(" " * len(raw))
        elif fenced:
            clean.append(" " * len(raw))
        elif stripped.startswith((">>>", "... ")) or stripped == "..." or (doctest and stripped):
            doctest = True  # a doctest and its output, up to the next blank line
            clean.append(" " * len(raw))
        else:
            doctest = False
            clean.append(_SKIP_INLINE.sub(_blank, raw))
    return clean


def _spans(body: str, clean: list[str], starts: list[int]) -> list[tuple[int, int, str]]:
    found = []
    for m in NUMBER_WITH_UNIT.finditer(body):
        if not is_format_constant(m.group(1), m.group(2) + m.group(3)):
            found.append((m.start(), m.end(), re.sub(r"\s+", " ", m.group(0)).strip()))

    def new(m: re.Match) -> bool:
        return not any(a <= m.start() < b or m.start() <= a < m.end() for a, b, _ in found)

    found += [(m.start(), m.end(), m.group(0)) for m in GROUPED.finditer(body) if new(m) and not _in_format(body, m)]
    found += [(m.start(), m.end(), m.group(0)) for m in MANY_DECIMALS.finditer(body) if new(m)]
    for i, line in enumerate(clean):
        if TABLE_ROW.match(line):
            for m in TABLE_DECIMAL.finditer(line):
                start = starts[i] + m.start()
                if not any(a <= start < b for a, b, _ in found):
                    found.append((start, start + len(m.group(0)), m.group(0)))
    return sorted(found)


def _in_format(body: str, m: re.Match) -> bool:
    # A grouped count followed by the words that name it ("60,000 training images", "10,000-image test set").
    words = re.findall(r"[A-Za-z]+", body[m.end() : m.end() + 40].split("\n\n")[0])
    return any(is_format_constant(m.group(0), " ".join(words[:k])) for k in range(1, 4))


def _paragraphs(raw: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of ``raw``: text between blank lines."""
    bounds, start = [], 0
    for m in re.finditer(r"\n[ \t#]*\n", raw):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(raw)))
    return bounds


def _flat(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """``text[start:end]`` with every run of whitespace as one space, and where each character came from."""
    out, where, space = [], [], False
    for k in range(start, end):
        if text[k].isspace():
            space = bool(out)
            continue
        if space:
            out.append(" ")
            where.append(k - 1)  # the space stands for the whitespace before this character
            space = False
        out.append(text[k])
        where.append(k)
    return "".join(out), where


def scan_text(text: str, path: str = "<text>", first_line: int = 1, lines: list[int] | None = None) -> list[Finding]:
    """The typed-in numbers of Markdown ``text``; ``lines`` maps each line of it to a line of ``path``.

    A number and its unit may sit on two lines ("its 7,960" / "parameters").
    """
    raw_lines = text.split("\n")
    clean = _clean(raw_lines)
    body = "\n".join(clean)
    starts = [0]
    for line in clean:
        starts.append(starts[-1] + len(line) + 1)
    paragraphs = _paragraphs(text)
    out = []
    for start, end, found in _spans(body, clean, starts):
        i = next(k for k in range(len(clean)) if starts[k + 1] > start)
        p_start, p_end = next((a, b) for a, b in paragraphs if a <= start <= b)
        flat, where = _flat(text, p_start, p_end)
        span = (
            next(k for k, w in enumerate(where) if w >= start),
            next((k for k, w in enumerate(where) if w >= end), len(flat)),
        )
        out.append(Finding(path, lines[i] if lines else first_line + i, found, raw_lines[i], flat, span))
    return out


# --- Where prose lives ----------------------------------------------------------------------------------------


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


def _string_text(node: ast.AST) -> str | None:
    """The text a string literal writes: an f-string's ``{value}`` parts become ``{…}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)
    return None


def generated_strings(source: str) -> list[tuple[str, int]]:
    """The literal text of every string in ``source`` but its docstrings, with its line.

    In a notebook these are what its code writes where the reader sees it — ``Markdown``, ``print``,
    figure titles, table cells; in a hook, the pages it writes. An f-string's ``{value}`` parts are
    computed and read as ``{…}``.

    Examples
    --------
    >>> generated_strings("'Doc: 3 s.'\\nprint(f'took {t:.1f} s over 3 epochs')\\nx = '5 ms'")
    [('took {…} s over 3 epochs', 2), ('5 ms', 3)]
    """
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Constant | ast.JoinedStr) and id(n) not in docstrings]
    # An f-string's parts and format specs are read through the f-string itself.
    inner = {id(v) for n in nodes if isinstance(n, ast.JoinedStr) for v in ast.walk(n) if v is not n}
    out = []
    for node in sorted(nodes, key=lambda n: (n.lineno, n.col_offset)):
        text = _string_text(node)
        if text and id(node) not in inner:
            out.append((text, node.lineno))
    return out


def docstrings(source: str) -> list[tuple[str, int]]:
    """The docstrings the API reference renders: the module's and its public classes', functions' and names'.

    Examples
    --------
    >>> docstrings("'Mod.'\\ndef f():\\n    'F takes 3 s.'\\ndef _g():\\n    'Private.'\\nN = 1\\n'N.'")
    [('Mod.', 1), ('F takes 3 s.', 3), ('N.', 7)]
    """
    tree = ast.parse(source)
    out = []

    def visit(node: ast.AST, body: list[ast.stmt]) -> None:
        doc = ast.get_docstring(node, clean=True) if not isinstance(node, ast.Module) or body else None
        if doc:
            out.append((doc, body[0].lineno))
        for k, stmt in enumerate(body):
            if isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                if not stmt.name.startswith("_") or stmt.name == "__init__":
                    visit(stmt, stmt.body)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign) and k + 1 < len(body):
                after = body[k + 1]
                if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                    if isinstance(after.value.value, str):
                        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                        if any(isinstance(t, ast.Name) and not t.id.startswith("_") for t in targets):
                            out.append((after.value.value, after.lineno))

    visit(tree, tree.body)
    return out


def blank_literal_blocks(text: str) -> str:
    """``text`` with reStructuredText's literal blocks (the indented lines after ``::``) blanked: code.

    Examples
    --------
    >>> blank_literal_blocks("Run::\\n\\n    x --epochs 10\\n\\nThen 3 s.").split("\\n")
    ['Run::', '', '                ', '', 'Then 3 s.']
    """
    lines, out, block = text.split("\n"), [], None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if block is not None and line.strip() and indent <= block:
            block = None
        out.append(" " * len(line) if block is not None else line)
        if block is None and line.rstrip().endswith("::"):
            block = indent
    return "\n".join(out)


def _scan_pieces(pieces: list[tuple[str, int]], rel: str) -> list[Finding]:
    found = []
    for text, line in pieces:
        found += scan_text(text, rel, first_line=line)
    return found


def scan_file(path: Path, kind: str | None = None) -> list[Finding]:
    """The typed-in numbers of one file, read as ``kind`` (by default, from where the file lives).

    ``page`` (Markdown), ``notebook`` (Markdown cells and the code's strings), ``docstrings``
    (``nn_scratch``), ``hook`` (every string literal but docstrings, ``site_hooks``).
    """
    rel = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)
    source = path.read_text(encoding="utf-8")
    kind = kind or _kind(path)
    if kind == "page":
        return scan_text(source, rel)
    if kind == "notebook":
        found = [f for text, lines in markdown_cells(source) for f in scan_text(text, rel, lines=lines)]
        return found + _scan_pieces(generated_strings(source), rel)
    if kind == "docstrings":
        return _scan_pieces([(blank_literal_blocks(text), line) for text, line in docstrings(source)], rel)
    if kind == "hook":
        return _scan_pieces(generated_strings(source), rel)
    raise ValueError(f"unknown kind {kind!r} for {rel}")


def _kind(path: Path) -> str:
    if path.suffix == ".md":
        return "page"
    return {"nn_scratch": "docstrings", "site_hooks": "hook"}.get(path.parent.name, "notebook")


def prose_files(root: Path = REPO) -> list[Path]:
    """Every file the site's prose comes from."""
    docs = root / "docs"
    return (
        [root / "README.md"]
        + sorted(docs.rglob("*.md"))
        + sorted((docs / "notebooks").glob("*.py"))
        + sorted((root / "nn_scratch").glob("*.py"))
        + sorted((root / "site_hooks").glob("*.py"))
    )


# --- The allow-list -------------------------------------------------------------------------------------------


def load_allowlist(path: Path = ALLOWLIST) -> list[dict]:
    """The allow-list: ``{page, numbers, contexts, reason}`` per entry (see the top of the toml)."""
    entries = []
    for entry in tomllib.loads(path.read_text(encoding="utf-8"))["allow"]:
        numbers = entry.get("numbers", [entry["number"]] if "number" in entry else [])
        contexts = entry.get("contexts", [entry["context"]] if "context" in entry else [])
        if not entry.get("page") or not numbers or not contexts or not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path.name}: entry {entry} needs a page, a number, a context and a reason")
        contexts = [re.sub(r"\s+", " ", c).strip() for c in contexts]
        missing = [c for c in contexts if not any(_normal(n) in c for n in numbers)]
        if missing:
            raise ValueError(f"{path.name}: each context must contain one of its numbers {numbers}: {missing}")
        entries.append({"page": entry["page"], "numbers": numbers, "contexts": contexts, "reason": entry["reason"]})
    return entries


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def allows(entry: dict, finding: Finding) -> bool:
    """Whether ``entry`` allows ``finding``: same page, same number, and one of its contexts around it.

    Examples
    --------
    >>> f = scan_text("Zhang reports 85 % on a dev split. We got 91 %.", "docs/x.md")
    >>> entry = {"page": "docs/x.md", "numbers": ["85 %", "91 %"], "contexts": ["reports 85 % on a dev split"]}
    >>> [allows(entry, x) for x in f]
    [True, False]
    """
    if entry["page"] != finding.path or _normal(finding.number) not in map(_normal, entry["numbers"]):
        return False
    for context in entry["contexts"]:
        at = finding.paragraph.find(context)
        while at != -1:
            if at <= finding.span[0] and finding.span[1] <= at + len(context):
                return True
            at = finding.paragraph.find(context, at + 1)
    return False


def unexplained(findings: list[Finding], allowlist: list[dict]) -> list[Finding]:
    """The findings that no allow-list entry covers.

    Examples
    --------
    >>> found = scan_text("Kaggle's 85 %; 41 s", "docs/x.md")
    >>> entry = {"page": "docs/x.md", "numbers": ["85 %"], "contexts": ["Kaggle's 85 %"], "reason": "quoted"}
    >>> [str(f) for f in unexplained(found, [entry])]
    ["docs/x.md:1: '41 s' in: Kaggle's 85 %; 41 s"]
    """
    return [f for f in findings if not any(allows(e, f) for e in allowlist)]
