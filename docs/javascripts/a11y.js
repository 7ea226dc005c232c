// Accessibility fixes to the theme's and the notebooks' markup, on every page.
// Material's instant navigation swaps the content without a page load, and
// document$ emits for every page it shows, so the fixes run again each time.
(function () {
  "use strict";

  // The instant-navigation progress bar has role="progressbar" but no name.
  function nameProgressBars() {
    document.querySelectorAll('[role="progressbar"]:not([aria-label]):not([aria-labelledby])').forEach(function (bar) {
      bar.setAttribute("aria-label", "Loading the page");
    });
  }

  var FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

  function kind(el) {
    if (el.matches("table, .md-typeset__table, .md-typeset__scrollwrap") || el.querySelector("table")) return "table";
    if (el.closest("mjx-container, .katex-display") || el.querySelector("mjx-container, .katex-display")) return "formula";
    if (el.matches("pre, code") || el.closest("pre")) return "code";
    if (el.closest(".jp-OutputArea")) return "output";
    return "content";
  }

  // A region that scrolls sideways must be reachable by keyboard (WCAG 2.1.1):
  // focusable, and named so a screen reader says what it is.
  function focusScrollables() {
    var article = document.querySelector("article.md-content__inner") || document.querySelector(".md-content");
    if (!article) return;
    article.querySelectorAll("*").forEach(function (el) {
      if (el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1) return;
      var style = getComputedStyle(el);
      var scrolls = /(auto|scroll)/.test(style.overflowX + " " + style.overflowY);
      if (!scrolls || el.hasAttribute("tabindex") || el.querySelector(FOCUSABLE)) return;
      el.setAttribute("tabindex", "0");
      if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
        // A name needs a role that takes one. Tables become landmarks (region), as
        // they are worth jumping to; code and outputs stay plain groups, or a notebook
        // would fill the landmark list.
        var what = kind(el);
        el.setAttribute("role", what === "table" ? "region" : "group");
        el.setAttribute("aria-label", "Scrollable " + what);
      }
    });
  }

  function apply() {
    nameProgressBars();
    focusScrollables();
    // Formulas are laid out by MathJax after the page is shown; their width is known then.
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) MathJax.startup.promise.then(focusScrollables);
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(focusScrollables, 200);
  });
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(apply);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply);
  else apply();
})();
