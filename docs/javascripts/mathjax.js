// MathJax 3 configuration. It must load before the vendored
// assets/vendor/mathjax/tex-mml-chtml.js (mkdocs.yml lists it first).
//
// Where maths comes from:
//  * Markdown pages and API docstrings: pymdownx.arithmatex (generic mode)
//    wraps each formula in <span class="arithmatex">\( … \)</span> or
//    <div class="arithmatex">\[ … \]</div>.
//  * Notebooks: mkdocs-jupyter leaves $…$ and $$…$$ untouched inside
//    <div class="jp-MarkdownOutput">; LaTeX outputs sit in .jp-RenderedLatex.
// MathJax ignores everything else, so a dollar sign in prose or code is never
// mistaken for maths. An element with any class is ignored unless it is one
// of those above; an element without a class (the <p> and <li> of a notebook
// cell, the <p> around an arithmatex span) inherits its parent's choice. The
// usual ".*|" would also match the empty class and so skip every <p> inside a
// notebook cell, leaving its formulas as raw TeX.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".+",
    processHtmlClass: "arithmatex|jp-MarkdownOutput|jp-RenderedLatex",
  },
  startup: {
    // The first typeset happens in the document$ subscription below, like
    // every later one, so there is one code path for all pages.
    typeset: false,
  },
};

// Material's instant navigation swaps the page body without reloading, and
// document$ emits for the first page and after every swap. MathJax keeps
// per-page state (cached font data, equation labels), so clear it before
// typesetting the new content. Chaining on startup.promise waits for MathJax
// to finish loading and keeps typesetting calls from overlapping.
document$.subscribe(() => {
  MathJax.startup.promise = MathJax.startup.promise.then(() => {
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    return MathJax.typesetPromise();
  });
});
