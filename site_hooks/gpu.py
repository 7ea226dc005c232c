"""MkDocs hook: the numbers of the "Running on a GPU" page, read from the committed runs.

``docs/gpu.md`` quotes the CPU reproduction of Ananda Biswas's 784-500-150-10
network (``docs/data/biswas-784-500-150-10.json``, by
``benchmarks/reproduce_biswas.py``) and the GPU one
(``docs/data/biswas-784-500-150-10-gpu.json``, by ``benchmarks/gpu_check.py``).
The GPU file exists only once someone has run the script on a GPU and
committed its output; until then ``{{ gpu.result }}`` says plainly that no GPU
run has been measured. The fields are registered as the ``gpu`` namespace of
``site_hooks/fields.py``, where a field nobody computes fails the build.
"""

from __future__ import annotations

import json
from pathlib import Path

import fields  # site_hooks/fields.py, the one registry of {{ namespace.name }} fields
from mkdocs.exceptions import PluginError

PAGE = "gpu.md"
CPU_RUN = "data/biswas-784-500-150-10.json"
GPU_RUN = "data/biswas-784-500-150-10-gpu.json"


def _pct(x: float) -> str:
    return f"{100 * x:.2f} %"


def gpu_result(gpu: dict | None, cpu_seconds: float) -> str:
    """The page's paragraph on the GPU run: a table of the committed run, or that there is none.

    Examples
    --------
    >>> gpu_result(None, 3773.3).startswith("**Not measured yet.**")
    True
    >>> run = {"library": "torch", "device": "GPU X", "dtype": "float32", "status": "complete",
    ...        "completed_iterations": 1000, "wall_time_s": 37.73, "result": {"test_accuracy": 0.9177}}
    >>> print(gpu_result({"runs": [run], "provenance": {"finished_utc": "2026-12-01T00:00:00Z"}}, 3773.3))
    | library | GPU | dtype | iterations | wall time | test accuracy | CPU time ÷ GPU time |
    |---|---|---|---|---|---|---|
    | torch | GPU X | float32 | 1,000 (complete) | 37.7 s | 91.77 % | 100 |
    <BLANKLINE>
    Measured by `benchmarks/gpu_check.py`, finished 2026-12-01T00:00:00Z.
    """
    if gpu is None:
        return (
            "**Not measured yet.** No GPU run of this network has been committed: "
            f"`docs/{GPU_RUN}` does not exist, so this page gives no GPU time and no GPU accuracy. "
            "On a machine with an NVIDIA GPU, `python -m benchmarks.gpu_check` writes it."
        )
    rows = [
        "| library | GPU | dtype | iterations | wall time | test accuracy | CPU time ÷ GPU time |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in gpu["runs"]:
        rows.append(
            f"| {run['library']} | {run['device']} | {run['dtype']} | "
            f"{run['completed_iterations']:,} ({run['status']}) | {run['wall_time_s']:.1f} s | "
            f"{_pct(run['result']['test_accuracy'])} | {cpu_seconds / run['wall_time_s']:.0f} |"
        )
    finished = gpu["provenance"].get("finished_utc", "")
    return "\n".join(rows) + f"\n\nMeasured by `benchmarks/gpu_check.py`, finished {finished}."


def numbers(docs_dir: Path) -> dict:
    """Every ``{{ gpu.<name> }}`` of the page, computed from the committed JSON files."""
    try:
        cpu = json.loads((docs_dir / CPU_RUN).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PluginError(f"site_hooks/gpu.py needs docs/{CPU_RUN}: {err}") from err
    gpu_path = docs_dir / GPU_RUN
    gpu = json.loads(gpu_path.read_text(encoding="utf-8")) if gpu_path.is_file() else None
    prov = cpu["provenance"]
    return {
        "tutorial_accuracy": _pct(cpu["reported_test_accuracy"]),
        "cpu_minutes": f"{prov['wall_time_s'] / 60:.1f}",
        "cpu_machine": f"{prov['cpu_count']} CPU cores ({prov['processor']})",
        "cpu_dtype": cpu["training"]["dtype"],
        "cpu_iterations": f"{cpu['completed_iterations']:,}",
        "cpu_test_accuracy": _pct(cpu["result"]["test_accuracy"]),
        "result": gpu_result(gpu, prov["wall_time_s"]),
    }


def on_config(config):
    docs_dir = Path(config["docs_dir"])
    fields.register("gpu", lambda: numbers(docs_dir), source="site_hooks/gpu.py")
