"""The benchmarks and the committed measurements of the site, run as modules from the repository root.

``python -m benchmarks.run`` times nn_scratch against its peers; ``python -m benchmarks.recipes``
chooses the recipes on a validation split; the ``reproduce_*``, ``pitfalls`` and ``gpu_check``
modules write the other result files of ``docs/data/``.
"""
