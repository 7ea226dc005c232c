"""Run in every notebook kernel at start (``PYTHONSTARTUP``, set by site_hooks/figure_alt.py).

Every matplotlib figure a notebook shows is written as a PNG by IPython's
``print_figure``; here that PNG also carries the figure's description
(``site_hooks.describe.figure_description``) in its standard ``Description`` text
chunk. The description thus travels with the image into the page, where the
figure_alt hook makes it the image's alt text. Nothing is added to the
notebook's own namespace.
"""


def _install():
    import functools
    import importlib.util
    import os
    from pathlib import Path

    from IPython.core import pylabtools

    # The kernel runs from the notebook's folder, where site_hooks is not importable:
    # describe.py is loaded from beside this file, whose path the hook put in PYTHONSTARTUP.
    spec = importlib.util.spec_from_file_location(
        "site_hooks.describe", Path(os.environ["PYTHONSTARTUP"]).with_name("describe.py")
    )
    describe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(describe)
    figure_description = describe.figure_description

    original = pylabtools.print_figure

    # The inline backend binds pylabtools.print_figure when it starts, after this file runs.
    @functools.wraps(original)
    def print_figure(fig, fmt="png", *args, **kwargs):
        if fmt in ("png", "retina"):
            kwargs.setdefault("metadata", {"Description": figure_description(fig)})
        return original(fig, fmt, *args, **kwargs)

    pylabtools.print_figure = print_figure


# IPython runs this file as __main__; imported (by pytest's doctest collection) it changes nothing.
if __name__ == "__main__":
    _install()
del _install
