"""Descriptions of figures: the alt text a screen reader reads instead of the picture.

Every figure the site draws in a notebook gets, as its ``alt`` attribute, the
text :func:`figure_description` makes from the figure itself — its titles,
what each panel shows, its axis labels and legend entries — unless the notebook
wrote one by hand: :func:`describe` here, or, in a notebook (whose kernel cannot
import ``site_hooks``), matplotlib's own ``fig.set_label(text)``, which is what
:func:`describe` does. Nothing here draws; it only reads a matplotlib ``Figure``.
"""

from __future__ import annotations

__all__ = ["describe", "figure_description"]

_MAX_TITLES = 12  # a grid of 100 digits is summarised by its first titles


def describe(fig, text: str):
    """Give ``fig`` a description written by hand, used as its alt text instead of the generated one.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = describe(plt.figure(), "Loss falls from 2.3 to 0.3 in ten epochs")
    >>> figure_description(fig)
    'Loss falls from 2.3 to 0.3 in ten epochs'
    >>> plt.close("all")
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"a figure's description must be a non-empty string, got {text!r}")
    fig.set_label(text.strip())
    return fig


def _text(artist) -> str:
    return " ".join(artist.get_text().split()) if artist is not None else ""


def _describe_axes(ax) -> str:
    parts = []
    legend = ax.get_legend()
    lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")] or ax.get_lines()
    if ax.images:
        parts.append("image")
    elif lines:
        parts.append(f"{len(lines)} line{'s' if len(lines) > 1 else ''}" if len(lines) > 1 else "line")
    elif ax.patches or ax.collections:
        parts.append("chart")
    if ax.get_xlabel():
        parts.append(f"x: {_text(ax.xaxis.label)}")
    if ax.get_ylabel():
        parts.append(f"y: {_text(ax.yaxis.label)}")
    if legend is not None:
        parts.append("legend: " + ", ".join(_text(t) for t in legend.get_texts()))
    title = _text(ax.title) or _text(ax._left_title) or _text(ax._right_title)
    return (f"{title}: " if title else "") + ", ".join(parts)


def figure_description(fig) -> str:
    """Alt text for ``fig``: what it shows, from its titles, axis labels and legends.

    The text set with [`describe`][site_hooks.describe.describe] wins; otherwise it
    is built from the figure's suptitle and, panel by panel, each title, kind
    (image, lines), axis labels and legend entries. A grid of many small images
    (digits, weights) is summarised by the first titles. The site gives every
    notebook figure this text as its alt attribute.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([3, 2, 1], label="train"), ax.plot([3, 2.5, 2], label="validation")
    >>> _ = ax.set(title="Loss", xlabel="epoch", ylabel="cross-entropy"), ax.legend()
    >>> _ = fig.suptitle("Training a 784-10-10 network")
    >>> figure_description(fig)
    'Figure: Training a 784-10-10 network. Loss: 2 lines, x: epoch, y: cross-entropy, legend: train, validation.'
    >>> from nn_scratch.plots import plot_digits
    >>> figure_description(plot_digits(np.zeros((784, 20)), labels=list(range(10)) * 2))
    'Figure: 20 images titled 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, … (8 more).'
    >>> plt.close("all")
    """
    explicit = fig.get_label()
    if explicit:
        return explicit
    head = " ".join(fig.get_suptitle().split())
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.get_visible()]
    colorbars = [_text(ax.yaxis.label) or _text(ax.xaxis.label) for ax in fig.axes if ax.get_label() == "<colorbar>"]
    sentences = [head] if head else []
    imagegrid = len(panels) > 6 and all(ax.images and not ax.get_xlabel() for ax in panels)
    if imagegrid:
        titles = [_text(ax.title) for ax in panels]
        shown = ", ".join(t for t in titles[:_MAX_TITLES] if t)
        more = f", … ({len(titles) - _MAX_TITLES} more)" if len(titles) > _MAX_TITLES else ""
        sentences.append(f"{len(panels)} images" + (f" titled {shown}{more}" if shown else ""))
    else:
        sentences += [d for d in (_describe_axes(ax) for ax in panels) if d]
    if colorbars:
        sentences.append("colour scale: " + ", ".join(c for c in colorbars if c) if any(colorbars) else "colour scale")
    if not sentences:
        sentences.append("an untitled plot")
    return "Figure: " + ". ".join(sentences) + "."
