/*
 * Draw a digit: the network trained during the site build, run in the browser.
 *
 * The first half of this file is pure functions — preprocess() and forward() —
 * with no DOM in sight, so Node.js can require() them and the test suite can
 * check that they give the same numbers as nn_scratch (tests/test_draw_parity.py).
 * The second half wires them to the "Draw a digit" page and only runs in a
 * browser; the canvas the reader draws on is the pad of pad.js, loaded before
 * this file. The Playground loads this file too, for classify().
 *
 * Arrays are row-major Float64Arrays: an image of height h and width w stores
 * pixel (i, j) at i * w + j, and W[l] (n_l x n_{l-1}) stores W_ij at i * n_{l-1} + j.
 */
(function (root) {
  "use strict";

  var SIZE = 28;            // MNIST images are 28 x 28 ...
  var BOX = 20;             // ... with the digit fitted into a 20 x 20 box,
  var TIE = 1e-9;          // exact halves of the centring shift round up (as in Python)
  var CENTRE = 13.5;        // centred by its centre of mass on the middle of the grid.
  var INK_THRESHOLD = 0.1;  // pixels with more ink than this belong to the digit

  /* ---------------------------------------------------------------- preprocessing */

  // Area averaging from nIn pixels to nOut (arguments in the order of Python's
  // nn_scratch.preprocess.area_matrix(n_out, n_in)): output pixel j covers the input
  // interval [j nIn/nOut, (j+1) nIn/nOut) and takes the mean of what it covers,
  // each input pixel weighted by the length of its overlap. Returns the
  // nOut x nIn matrix R (row-major); every row sums to 1.
  function areaMatrix(nOut, nIn) {
    var R = new Float64Array(nOut * nIn);
    var step = nIn / nOut;  // input pixels per output pixel
    for (var j = 0; j < nOut; j++) {
      var start = (j * nIn) / nOut, end = ((j + 1) * nIn) / nOut;
      for (var i = Math.floor(start); i < Math.min(nIn, Math.ceil(end)); i++) {
        var overlap = Math.min(end, i + 1) - Math.max(start, i);
        if (overlap > 0) R[j * nIn + i] = overlap / step;
      }
    }
    return R;
  }

  // C = A B for row-major A (n x k) and B (k x m).
  function matmul(A, B, n, k, m) {
    var C = new Float64Array(n * m);
    for (var i = 0; i < n; i++) {
      for (var t = 0; t < k; t++) {
        var a = A[i * k + t];
        if (a === 0) continue;
        for (var j = 0; j < m; j++) C[i * m + j] += a * B[t * m + j];
      }
    }
    return C;
  }

  // Centre of mass (row, column) of an h x w image, in its index coordinates:
  // c_y = sum_{y,x} y v_yx / sum v, from the row and column sums.
  function centreOfMass(img, h, w) {
    var rows = new Float64Array(h), cols = new Float64Array(w), total = 0, i, j;
    for (i = 0; i < h; i++) {
      for (j = 0; j < w; j++) {
        var v = img[i * w + j];
        rows[i] += v;
        cols[j] += v;
        total += v;
      }
    }
    var sy = 0, sx = 0;
    for (i = 0; i < h; i++) sy += i * rows[i];
    for (j = 0; j < w; j++) sx += j * cols[j];
    return [sy / total, sx / total];
  }

  function clip(v, lo, hi) {
    return v < lo ? lo : v > hi ? hi : v;
  }

  /*
   * From a drawing to the 784 numbers the network reads, as MNIST was made:
   *   1. ink: values in [0, 1], 1 = full ink (what the caller passes in);
   *   2. crop to the bounding box of the pixels with ink > 0.1 — none: null;
   *   3. scale so the longer side is 20 px, keeping the aspect ratio, by area averaging;
   *   4. put it in a 28 x 28 field of zeros, then move it so that its centre of
   *      mass lands on the middle (13.5, 13.5), as far as the borders allow;
   *   5. flatten row by row to 784 values in [0, 1].
   * The same steps as nn_scratch.preprocess.preprocess_digit, in float64, except
   * that an empty drawing gives null here where Python raises ValueError.
   */
  function preprocess(ink, height, width) {
    if (!ink || ink.length !== height * width) {
      throw new Error("ink must hold height * width = " + height * width + " values, got " + (ink ? ink.length : ink));
    }
    var top = height, bottom = -1, left = width, right = -1;
    for (var i = 0; i < height; i++) {
      for (var j = 0; j < width; j++) {
        if (ink[i * width + j] > INK_THRESHOLD) {
          if (i < top) top = i;
          if (i > bottom) bottom = i;
          if (j < left) left = j;
          if (j > right) right = j;
        }
      }
    }
    if (bottom < 0) return null;  // an empty canvas is not a digit

    var h = bottom - top + 1, w = right - left + 1;
    var crop = new Float64Array(h * w);
    for (i = 0; i < h; i++) {
      for (j = 0; j < w; j++) crop[i * w + j] = ink[(top + i) * width + left + j];
    }

    var nh, nw;
    if (h >= w) {
      nh = BOX;
      nw = Math.max(1, Math.floor((BOX * w) / h + 0.5));
    } else {
      nw = BOX;
      nh = Math.max(1, Math.floor((BOX * h) / w + 0.5));
    }
    // out = Ry crop Rx^T: rows first, then columns.
    var Ry = areaMatrix(nh, h), Rx = areaMatrix(nw, w);
    var RxT = new Float64Array(w * nw);
    for (i = 0; i < nw; i++) for (j = 0; j < w; j++) RxT[j * nw + i] = Rx[i * w + j];
    var small = matmul(matmul(Ry, crop, nh, h, w), RxT, nh, w, nw);

    // Put the box in the middle of a 28 x 28 field, find the centre of mass
    // there, and move the box so that it lands on (13.5, 13.5), borders permitting.
    var y0 = Math.floor((SIZE - nh) / 2), x0 = Math.floor((SIZE - nw) / 2);
    var field = new Float64Array(SIZE * SIZE);
    for (i = 0; i < nh; i++) for (j = 0; j < nw; j++) field[(y0 + i) * SIZE + x0 + j] = small[i * nw + j];
    var c = centreOfMass(field, SIZE, SIZE);
    // TIE rounds exact halves up, as nn_scratch.preprocess does, so that the last
    // bit of a floating-point sum cannot move a symmetric digit by a pixel.
    var y1 = clip(y0 + Math.floor(CENTRE - c[0] + 0.5 + TIE), 0, SIZE - nh);
    var x1 = clip(x0 + Math.floor(CENTRE - c[1] + 0.5 + TIE), 0, SIZE - nw);

    var x = new Float64Array(SIZE * SIZE);
    for (i = 0; i < nh; i++) {
      for (j = 0; j < nw; j++) x[(y1 + i) * SIZE + x1 + j] = clip(small[i * nw + j], 0, 1);
    }
    return x;
  }

  /* ---------------------------------------------------------------- the network */

  function flatten(rows, name) {
    var n = rows.length, m = n ? rows[0].length : 0;
    var out = new Float64Array(n * m);
    for (var i = 0; i < n; i++) {
      if (rows[i].length !== m) throw new Error(name + " is not rectangular");
      for (var j = 0; j < m; j++) out[i * m + j] = rows[i][j];
    }
    return out;
  }

  // The parsed JSON of nn_scratch.saving.export_json -> {sizes, W: [...], b: [...], metadata}.
  function loadModel(json) {
    if (!json || json.format !== "nn-scratch-network" || json.version !== 1) {
      throw new Error("not an nn-scratch network file (format nn-scratch-network, version 1)");
    }
    var sizes = json.layer_sizes, W = [], b = [];
    for (var l = 1; l < sizes.length; l++) {
      var Wl = json.params["W" + l], bl = json.params["b" + l];
      if (!Wl || Wl.length !== sizes[l] || Wl[0].length !== sizes[l - 1] || !bl || bl.length !== sizes[l]) {
        throw new Error("W" + l + " / b" + l + " do not match layer_sizes " + sizes.join("-"));
      }
      W.push(flatten(Wl, "W" + l));
      b.push(flatten(bl, "b" + l));
    }
    return { sizes: sizes.slice(), W: W, b: b, metadata: json.metadata || {} };
  }

  // Softmax of one column: subtract the maximum first so exp cannot overflow.
  function softmax(z) {
    var max = -Infinity, sum = 0, a = new Float64Array(z.length), k;
    for (k = 0; k < z.length; k++) if (z[k] > max) max = z[k];
    for (k = 0; k < z.length; k++) {
      a[k] = Math.exp(z[k] - max);
      sum += a[k];
    }
    for (k = 0; k < z.length; k++) a[k] /= sum;
    return a;
  }

  /*
   * Forward propagation of one example x (n_0 values), any depth:
   *   Z[l] = W[l] A[l-1] + b[l],  A[l] = ReLU(Z[l]) on hidden layers, softmax(Z[L]) at the end.
   * Returns {Z: [Z1 .. ZL], A: [A0 = x, A1 .. AL], probs: AL}.
   */
  function forward(model, x) {
    var A = [x], Z = [], L = model.W.length;
    for (var l = 1; l <= L; l++) {
      var n = model.sizes[l], nPrev = model.sizes[l - 1];
      var W = model.W[l - 1], b = model.b[l - 1], Aprev = A[l - 1];
      var z = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var s = 0, row = i * nPrev;
        for (var j = 0; j < nPrev; j++) s += W[row + j] * Aprev[j];
        z[i] = s + b[i];
      }
      var a;
      if (l < L) {
        a = new Float64Array(n);
        for (i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0;
      } else {
        a = softmax(z);
      }
      Z.push(z);
      A.push(a);
    }
    return { Z: Z, A: A, probs: A[L] };
  }

  function argmax(v) {
    var best = 0;
    for (var k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
    return best;
  }

  // Everything the page shows for one drawing, or null when nothing is drawn.
  function classify(model, ink, height, width) {
    var x = preprocess(ink, height, width);
    if (x === null) return null;
    var out = forward(model, x);
    return { x: x, probs: out.probs, hidden: out.A.slice(1, -1), digit: argmax(out.probs) };
  }

  var api = {
    INK_THRESHOLD: INK_THRESHOLD,
    areaMatrix: areaMatrix,
    centreOfMass: centreOfMass,
    preprocess: preprocess,
    loadModel: loadModel,
    softmax: softmax,
    forward: forward,
    argmax: argmax,
    classify: classify,
  };

  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
    return;
  }

  /* ---------------------------------------------------------------- the page */

  // Material's instant navigation re-runs this script whenever the page is
  // entered again; keep the first copy and just (re)initialise the new page.
  if (root.NNDigit) {
    root.NNDigit.init();
    return;
  }
  root.NNDigit = api;

  var models = {};  // file name -> Promise of a loaded model, fetched once per session

  function fetchJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  function getModel(base, file) {
    if (!models[file]) {
      models[file] = fetchJSON(base + file).then(loadModel);
      models[file].catch(function () { delete models[file]; });
    }
    return models[file];
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function percent(p) {
    return (100 * p).toFixed(1) + " %";
  }

  // The ten probability bars, one row per digit: label, track with its fill, value.
  function buildBars(box) {
    var bars = [];
    for (var k = 0; k < 10; k++) {
      var row = el("div", "nn-digit__bar");
      var fill = el("span", "nn-digit__fill");
      var value = el("span", "nn-digit__value", "");
      var track = el("span", "nn-digit__track");
      row.appendChild(el("span", "nn-digit__label", String(k)));
      track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(value);
      box.appendChild(row);
      bars.push({ row: row, fill: fill, value: value });
    }
    return bars;
  }

  // One grid of squares per hidden layer of the model; returns the squares, layer by layer.
  function buildHidden(box, sizes) {
    var hiddenCells = [];
    box.textContent = "";
    for (var l = 1; l < sizes.length - 1; l++) {
      var n = sizes[l];
      var layer = el("div", "nn-digit__layer");
      layer.appendChild(el("div", "nn-digit__layer-name", "A" + l + " (" + n + " units)"));
      var grid = el("div", "nn-digit__cells");
      grid.style.gridTemplateColumns = "repeat(" + Math.min(n, 10) + ", 1fr)";
      var cells = [];
      for (var i = 0; i < n; i++) {
        var cell = el("span", "nn-digit__cell");
        if (n <= 10) cell.appendChild(el("span", "nn-digit__cell-value", ""));
        grid.appendChild(cell);
        cells.push(cell);
      }
      layer.appendChild(grid);
      box.appendChild(layer);
      hiddenCells.push(cells);
    }
    return hiddenCells;
  }

  // The bars of the probabilities, or empty bars when probs is null.
  function showBars(bars, probs, digit) {
    for (var k = 0; k < 10; k++) {
      bars[k].fill.style.width = probs ? (100 * probs[k]).toFixed(2) + "%" : "0";
      bars[k].value.textContent = probs ? percent(probs[k]) : "";
      bars[k].row.classList.toggle("nn-digit__bar--top", k === digit);
    }
  }

  // The 28 x 28 input the network reads: dark = ink, as on paper.
  function showInput(pctx, x) {
    var img = pctx.createImageData(SIZE, SIZE);
    for (var p = 0; p < SIZE * SIZE; p++) {
      var v = 255 - Math.round(255 * x[p]);
      img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v;
      img.data[4 * p + 3] = 255;
    }
    pctx.putImageData(img, 0, 0);
  }

  // Hidden activations, each layer scaled by its largest value (ReLU: all >= 0);
  // hidden is null for an empty drawing.
  function showHidden(hiddenCells, hidden) {
    hiddenCells.forEach(function (cells, l) {
      var a = hidden ? hidden[l] : new Float64Array(cells.length), max = 0;
      for (var i = 0; i < a.length; i++) if (a[i] > max) max = a[i];
      cells.forEach(function (cell, i) {
        cell.style.setProperty("--activation", max > 0 ? String(a[i] / max) : "0");
        cell.title = hidden ? "A" + (l + 1) + "[" + i + "] = " + a[i].toFixed(3) : "";
        if (cell.firstChild) cell.firstChild.textContent = hidden ? a[i].toFixed(1) : "";
      });
    });
  }

  function showEmpty(view) {
    view.app.dataset.prediction = "";
    view.answer.textContent = "–";
    view.status.textContent = "Draw a digit in the box.";
    view.timing.textContent = "";
    showBars(view.bars, null, -1);
    view.pctx.clearRect(0, 0, SIZE, SIZE);
    showHidden(view.hiddenCells, null);
  }

  function show(view, result, ms) {
    view.app.dataset.prediction = String(result.digit);
    view.answer.textContent = String(result.digit);
    // The status is the page's live region: a screen reader announces the
    // prediction once the stroke is finished, not at every frame of it.
    if (!view.pad.drawing) {
      view.status.textContent = "The network reads a " + result.digit + " (" + percent(result.probs[result.digit]) + ").";
    }
    view.timing.textContent = "Preprocessing and forward pass: " + ms.toFixed(2) + " ms";
    showBars(view.bars, result.probs, result.digit);
    showInput(view.pctx, result.x);
    showHidden(view.hiddenCells, result.hidden);
  }

  // Read the pad with the current network and show what it computes.
  function update(view) {
    if (!view.model) return;
    var canvas = view.pad.canvas, t0 = performance.now();
    var result = classify(view.model, view.pad.ink(), canvas.height, canvas.width);
    var ms = performance.now() - t0;
    if (result === null) showEmpty(view);
    else show(view, result, ms);
  }

  function useModel(view, file) {
    view.app.dataset.model = "";
    view.status.textContent = "Loading the network…";
    return getModel(view.base, file).then(function (m) {
      view.model = m;
      view.app.dataset.model = file;
      view.hiddenCells = buildHidden(view.hiddenBox, m.sizes);
      update(view);
    });
  }

  function fail(view, err) {
    view.status.textContent = "Could not load the network: " + err.message;
    view.app.dataset.error = err.message;
  }

  // The list of networks trained during the build (written by site_hooks/draw.py)
  // fills the menu; the first is the page's default.
  function loadManifest(view) {
    var select = view.select;
    return fetchJSON(view.base + "models.json").then(function (manifest) {
      select.textContent = "";
      manifest.models.forEach(function (m) {
        var option = el("option", "", m.label + " — test accuracy " + percent(m.test_accuracy));
        option.value = m.file;
        select.appendChild(option);
      });
      select.disabled = manifest.models.length < 2;
      return useModel(view, manifest.models[0].file);
    });
  }

  function init() {
    var app = document.getElementById("nn-digit");
    if (!app || app.dataset.ready) return;  // not this page, or already set up
    app.dataset.ready = "true";
    var q = function (sel) { return app.querySelector(sel); };
    var view = {
      app: app,
      base: app.dataset.models,  // folder of the model files, relative to this page
      select: q(".nn-digit__model"),
      status: q(".nn-digit__status"),
      answer: q(".nn-digit__answer"),
      timing: q(".nn-digit__timing"),
      pctx: q(".nn-digit__preview").getContext("2d"),
      bars: buildBars(q(".nn-digit__bars")),
      hiddenBox: q(".nn-digit__hidden"),
      hiddenCells: [],
      model: null,
    };
    view.pad = new root.NNPad.Pad(q(".nn-digit__canvas"), function () { update(view); });
    q(".nn-digit__clear").addEventListener("click", function () { view.pad.clear(); });
    view.select.addEventListener("change", function () {
      useModel(view, view.select.value).catch(function (err) { fail(view, err); });
    });
    loadManifest(view).catch(function (err) { fail(view, err); });
  }

  api.init = init;
  // pad.js runs before this script on a page load. After Material's instant
  // navigation both are inserted again and each runs as soon as it arrives: if
  // this one comes first, it waits for pad.js, which announces itself.
  function whenPad(then) {
    if (root.NNPad) then();
    else document.addEventListener("nn:script-loaded", function () { whenPad(then); }, { once: true });
  }
  // On Material's instant navigation document$ emits for every page; without it
  // (or before Material's bundle has run) wait for the document to be parsed.
  function subscribe() {
    whenPad(function () {
      if (root.document$ && typeof root.document$.subscribe === "function") root.document$.subscribe(init);
      init();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", subscribe);
  else subscribe();
  document.dispatchEvent(new Event("nn:script-loaded"));  // for playground.js, as pad.js does
})(typeof window !== "undefined" ? window : this);
