// Accessibility fixes to the theme's and the notebooks' markup, on every page.
// Material's instant navigation swaps the content without a page load, and
// document$ emits for every page it shows, so the fixes run again each time.
(function () {
  "use strict";

  // The instant-navigation progress bar has role="progressbar" but no name,
  // and the theme's search box is a role="dialog" without one.
  function nameUnnamed(selector, name) {
    document.querySelectorAll(selector + ":not([aria-label]):not([aria-labelledby])").forEach(function (el) {
      el.setAttribute("aria-label", name);
    });
  }

  var FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

  function kind(el) {
    if (el.matches("table, .md-typeset__table, .md-typeset__scrollwrap") || el.querySelector("table")) return "table";
    if (el.matches("pre, code") || el.closest("pre")) return "code";
    if (el.closest(".jp-OutputArea")) return "output";
    return "content";
  }

  // A region that scrolls sideways must be reachable by keyboard (WCAG 2.1.1):
  // focusable, and named so a screen reader says what it is. Only the boxes that
  // can scroll are measured: tables (Material's wrapper), code blocks and
  // notebook cells. Formulas are not among them: the build made their display
  // boxes focusable and named already (site_hooks/katex.py). A box inside a
  // closed <details> is measured when it opens. A box the browser has not drawn
  // yet (content-visibility, docs/stylesheets/load.css) is measured when it comes
  // near the screen or, before that, when the browser is idle, one at a time:
  // asking its size makes the browser lay out the block around it, which the
  // page should not pay for while it loads, yet the keyboard must reach it.
  var SCROLLERS = ".md-typeset__scrollwrap, pre > code, .highlight-ipynb, .jp-OutputArea-output";

  function drawn(el) {
    return !el.checkVisibility || el.checkVisibility({ contentVisibilityAuto: true });
  }

  // Every box is measured first and changed afterwards: a change between two
  // measurements would make the browser lay the page out again for each box.
  function focusIfScrolling(boxes) {
    var found = boxes.filter(function (el) {
      if (el.closest("details:not([open])") || el.hasAttribute("tabindex") || el.querySelector(FOCUSABLE)) return false;
      if (el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1) return false;
      var style = getComputedStyle(el);
      return /(auto|scroll)/.test(style.overflowX + " " + style.overflowY);
    });
    found.forEach(function (el) {
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

  var idle = window.requestIdleCallback || function (step) {
    setTimeout(function () { step({ timeRemaining: function () { return 10; } }); }, 50);
  };
  var waiting = [];

  function measureWhenIdle(deadline) {
    while (waiting.length && deadline.timeRemaining() > 5) {
      var el = waiting.shift();
      if (el.isConnected) focusIfScrolling([el]);
    }
    if (waiting.length) idle(measureWhenIdle);
  }

  function focusScrollables(root) {
    root = root || document.querySelector("article.md-content__inner") || document.querySelector(".md-content");
    if (!root) return;
    var boxes = Array.prototype.slice.call(root.querySelectorAll(SCROLLERS));
    if (root.matches(SCROLLERS)) boxes.unshift(root);
    focusIfScrolling(boxes.filter(drawn));
    var later = boxes.filter(function (el) {
      return !drawn(el) && !el.closest("details:not([open])") && waiting.indexOf(el) < 0;
    });
    if (later.length && !waiting.length) idle(measureWhenIdle);
    waiting = waiting.concat(later);
  }

  function apply() {
    nameUnnamed('[role="progressbar"]', "Loading the page");
    nameUnnamed('.md-search[role="dialog"]', "Search");
    focusScrollables();
  }

  // Neither event bubbles: listen in the capture phase.
  document.addEventListener("toggle", function (event) {
    if (event.target.open) focusScrollables(event.target);
  }, true);
  document.addEventListener("contentvisibilityautostatechange", function (event) {
    if (!event.skipped) focusScrollables(event.target);
  }, true);

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { focusScrollables(); }, 200);
  });
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(apply);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply);
  else apply();
})();
