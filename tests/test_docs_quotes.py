"""The code the documentation quotes is the code of the package.

The maths pages follow every equation with the line of ``nn_scratch`` that
computes it, in fenced blocks titled with the source file::

    ```python title="nn_scratch/maths.py — softmax"
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    ```

A block either quotes lines by hand — then every line must appear verbatim
(up to indentation) as a line of that file — or includes a marked section with
pymdownx.snippets (``--8<-- "nn_scratch/network.py:forward"``) — then the
section must exist in that file. Either way, a change to the code that the
docs do not follow fails here, not silently on the site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"

FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,})\s*(?P<info>[^`]*)$")
TITLE = re.compile(r'title="(?P<path>nn_scratch/[\w/]+\.py)\b[^"]*"')
SNIPPET = re.compile(r'^\s*-{1,}8<-{1,}\s+"(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"\s*$')


def _fenced_blocks(md: Path):
    """Yield (first line number, info string, body lines) of every fenced block."""
    lines = md.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opened = FENCE_OPEN.match(lines[i])
        if not opened:
            i += 1
            continue
        fence, start, body = opened["fence"], i + 1, []
        i += 1
        while i < len(lines) and lines[i].strip() != fence:
            body.append(lines[i])
            i += 1
        yield start, opened["info"], body
        i += 1


def _quoting_blocks():
    found = []
    for md in sorted(DOCS.rglob("*.md")):
        for start, info, body in _fenced_blocks(md):
            title = TITLE.search(info)
            if title:
                rel = md.relative_to(REPO).as_posix()
                found.append(pytest.param(md, title["path"], body, id=f"{rel}:{start}"))
    return found


QUOTING_BLOCKS = _quoting_blocks()


def _section(source: str, name: str) -> list[str]:
    """The lines between ``--8<-- [start:name]`` and ``--8<-- [end:name]``."""
    lines = source.splitlines()
    starts = [i for i, line in enumerate(lines) if re.search(rf"-8<-+\s+\[start:{re.escape(name)}\]", line)]
    ends = [i for i, line in enumerate(lines) if re.search(rf"-8<-+\s+\[end:{re.escape(name)}\]", line)]
    assert len(starts) == 1 and len(ends) == 1, f"section {name!r} must be marked once: starts {starts}, ends {ends}"
    assert starts[0] < ends[0], f"section {name!r} ends before it starts"
    return lines[starts[0] + 1 : ends[0]]


def test_the_maths_pages_quote_the_code():
    # Guards the parametrised test below against passing by finding nothing.
    pages = {param.values[0].name for param in QUOTING_BLOCKS if param.values[0].parent.name == "maths"}
    assert {"forward.md", "activations.md", "loss.md", "backprop.md", "training.md"} <= pages


@pytest.mark.parametrize("md, path, body", QUOTING_BLOCKS)
def test_quoted_code_is_in_the_source(md, path, body):
    source_file = REPO / path
    assert source_file.is_file(), f"{md.name} quotes {path}, which does not exist"
    source = source_file.read_text(encoding="utf-8")
    source_lines = {line.strip() for line in source.splitlines()}
    lines = [line for line in body if line.strip()]
    assert lines, f"{md.name}: empty quote of {path}"
    for line in lines:
        snippet = SNIPPET.match(line)
        if snippet:
            assert snippet["path"] == path, f"{md.name}: block titled {path} includes {snippet['path']}"
            assert snippet["section"], f"{md.name}: include a marked section of {path}, not the whole file"
            section = _section(source, snippet["section"])
            assert any(s.strip() for s in section), f"section {snippet['section']!r} of {path} is empty"
        else:
            assert line.strip() in source_lines, f"{md.name} quotes a line that is not in {path}: {line.strip()!r}"


def test_a_drifted_quote_is_caught(tmp_path):
    """The checker itself: a quote that differs from the source by one character fails."""
    md = tmp_path / "page.md"
    md.write_text('```python title="nn_scratch/maths.py"\nreturn xp.maximum(Z, 1)\n```\n', encoding="utf-8")
    ((start, info, body),) = _fenced_blocks(md)
    assert TITLE.search(info)["path"] == "nn_scratch/maths.py"
    with pytest.raises(AssertionError, match="not in nn_scratch/maths.py"):
        test_quoted_code_is_in_the_source(md, "nn_scratch/maths.py", body)
    test_quoted_code_is_in_the_source(md, "nn_scratch/maths.py", ["return xp.maximum(Z, 0)"])


def test_a_missing_section_is_caught(tmp_path):
    md = tmp_path / "page.md"
    with pytest.raises(AssertionError, match="must be marked once"):
        test_quoted_code_is_in_the_source(md, "nn_scratch/network.py", ['--8<-- "nn_scratch/network.py:no-such"'])
