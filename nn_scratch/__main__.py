"""``python -m nn_scratch``: the same command line as ``nn-scratch`` (see :mod:`nn_scratch.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
