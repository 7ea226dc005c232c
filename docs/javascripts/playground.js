/*
 * The Playground page (docs/playground.md): loads the data, drives the
 * training worker (playground-train.js), draws the curves, shows what the
 * trained network gets wrong and lets the reader draw for it. The drawing pad
 * is pad.js (window.NNPad) and the digit preparation and forward pass come
 * from digit.js (window.NNDigit), the scripts of "Draw a digit", so both pages
 * take and read a drawing alike. The initialisation schemes come from the
 * page (data-init-schemes, written by site_hooks/playground.py from nn_scratch)
 * and go to the worker with the settings.
 */
(function (root) {
  "use strict";

  if (root.NNPlayground) {  // Material's instant navigation runs page scripts again
    root.NNPlayground.init();
    return;
  }

  var SIZE = 28, N0 = SIZE * SIZE;
  var dataPromise = null;  // the data, fetched once per visit of the site

  // The data file of site_hooks/playground.py: "NNPG", then uint32 version, n_train, n_heldout, n0.
  function loadData(url) {
    if (!dataPromise) {
      dataPromise = fetch(url)
        .then(function (r) {
          if (!r.ok) throw new Error(url + ": HTTP " + r.status);
          return new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
        })
        .then(function (buffer) {
          var bytes = new Uint8Array(buffer), view = new DataView(buffer);
          var magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
          if (magic !== "NNPG" || view.getUint32(4, true) !== 1) throw new Error(url + " is not a Playground data file (version 1)");
          var nTrain = view.getUint32(8, true), nHeld = view.getUint32(12, true), n0 = view.getUint32(16, true);
          if (n0 !== N0 || bytes.length !== 20 + (nTrain + nHeld) * (n0 + 1)) throw new Error(url + " has the wrong size");
          var at = 20;
          function take(n) {
            var part = bytes.subarray(at, at + n);
            at += n;
            return part;
          }
          var train = { pixels: take(nTrain * n0), labels: take(nTrain) };
          var heldOut = { pixels: take(nHeld * n0), labels: take(nHeld) };
          return { train: train, heldOut: heldOut, n0: n0, bytes: bytes.length };
        });
      dataPromise.catch(function () { dataPromise = null; });
    }
    return dataPromise;
  }

  function percent(p) {
    return (100 * p).toFixed(1) + " %";
  }

  function cssVar(el, name, fallback) {
    var v = getComputedStyle(el).getPropertyValue(name).trim();
    return v || fallback;
  }

  /* ------------------------------------------------------------------ charts */

  // One chart: x = steps from 0 to xMax, y from 0 to yMax; two series.
  function drawChart(canvas, series, xMax, yMax, yFormat) {
    var dpr = root.devicePixelRatio || 1;
    var cssW = canvas.clientWidth || canvas.width, cssH = cssW * (canvas.height / canvas.width);
    if (canvas.width !== Math.round(cssW * dpr)) {
      canvas.width = Math.round(cssW * dpr);
      canvas.height = Math.round(cssH * dpr);
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    var W = canvas.width / dpr, H = canvas.height / dpr;
    var left = 48, right = 12, top = 10, bottom = 30, w = W - left - right, h = H - top - bottom;
    var fg = cssVar(canvas, "--nn-pg-fg", "#000"), grid = cssVar(canvas, "--nn-pg-grid", "#ccc");
    ctx.clearRect(0, 0, W, H);
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = fg;
    ctx.strokeStyle = grid;
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (var k = 0; k <= 4; k++) {
      var yv = (yMax * k) / 4, y = top + h - (h * k) / 4;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + w, y);
      ctx.stroke();
      ctx.fillText(yFormat(yv), left - 6, y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (k = 0; k <= 4; k++) {
      var x = left + (w * k) / 4;
      ctx.fillText(String(Math.round((xMax * k) / 4)), x, top + h + 6);
    }
    series.forEach(function (s) {
      if (s.points.length === 0) return;
      ctx.strokeStyle = cssVar(canvas, s.color, fg);
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dash);
      ctx.beginPath();
      s.points.forEach(function (p, i) {
        var px = left + (w * p[0]) / Math.max(1, xMax), py = top + h - (h * Math.min(p[1], yMax)) / yMax;
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      });
      if (s.points.length === 1) ctx.arc(left + (w * s.points[0][0]) / Math.max(1, xMax), top + h - (h * Math.min(s.points[0][1], yMax)) / yMax, 2, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.setLineDash([]);
    });
  }

  /* -------------------------------------------------------------------- page */

  var current = null;  // the open page's state, pg below

  // The page's elements and the state of its run, in one object that the functions below share.
  function pageState(app) {
    var q = function (sel) { return app.querySelector(sel); };
    return {
      app: app,
      form: q(".nn-pg__controls"),
      status: q(".nn-pg__status"),
      trainButton: q(".nn-pg__train"),
      pauseButton: q(".nn-pg__pause"),
      resetButton: q(".nn-pg__reset"),
      out: { step: q(".nn-pg__step"), epoch: q(".nn-pg__epoch"), rate: q(".nn-pg__rate"), loss: q(".nn-pg__loss"), accuracy: q(".nn-pg__accuracy") },
      lossChart: q(".nn-pg__chart--loss"),
      accChart: q(".nn-pg__chart--accuracy"),
      wrongBox: q(".nn-pg__wrong"),
      answer: q(".nn-pg__answer"),
      clearButton: q(".nn-pg__clear"),
      padCanvas: q(".nn-pg__pad"),
      dataUrl: new URL(app.dataset.data, location.href).href,
      workerUrl: new URL(app.dataset.worker, location.href).href,
      schemes: JSON.parse(app.dataset.initSchemes),  // name -> {label, W, b}, from nn_scratch
      data: null,
      worker: null,
      phase: "loading",
      totalSteps: 0,
      logs: [],
      model: null,      // the trained network, for the pad (NNDigit's model layout)
      modelStep: 0,
      redraw: false,
      pad: null,
    };
  }

  function setPhase(pg, p) {
    pg.phase = p;
    pg.app.dataset.phase = p;
    pg.trainButton.disabled = !(p === "ready" || p === "paused");
    pg.trainButton.textContent = p === "paused" ? "Resume" : "Train";
    pg.pauseButton.disabled = p !== "training";
    pg.resetButton.disabled = p === "loading" || p === "ready";
    Array.prototype.forEach.call(pg.form.querySelectorAll("input, select"), function (el) {
      el.disabled = !(p === "ready");
    });
  }

  // The two charts from the log entries so far: loss and accuracy, training batches and held-out images.
  function drawCurves(pg) {
    pg.redraw = false;
    var xMax = Math.max(1, pg.totalSteps);
    var trainLoss = [], heldLoss = [], trainAcc = [], heldAcc = [], yLoss = 0.5;
    pg.logs.forEach(function (e) {
      if (e.loss !== undefined) {
        trainLoss.push([e.step, e.loss]);
        trainAcc.push([e.step, e.trainAccuracy]);
        yLoss = Math.max(yLoss, e.loss);
      }
      heldLoss.push([e.step, e.heldOutLoss]);
      heldAcc.push([e.step, e.heldOutAccuracy]);
      yLoss = Math.max(yLoss, e.heldOutLoss);
    });
    yLoss = Math.min(Math.ceil(yLoss * 2) / 2, 10);
    drawChart(pg.lossChart, [
      { points: trainLoss, color: "--nn-pg-train", dash: [] },
      { points: heldLoss, color: "--nn-pg-held", dash: [6, 3] },
    ], xMax, yLoss, function (v) { return v.toFixed(1); });
    drawChart(pg.accChart, [
      { points: trainAcc, color: "--nn-pg-train", dash: [] },
      { points: heldAcc, color: "--nn-pg-held", dash: [6, 3] },
    ], xMax, 1, function (v) { return Math.round(100 * v) + " %"; });
    pg.app.dataset.points = String(pg.logs.length);
  }

  function scheduleDraw(pg) {
    if (pg.redraw) return;
    pg.redraw = true;
    requestAnimationFrame(function () { drawCurves(pg); });
  }

  function clearRun(pg) {
    pg.logs = [];
    pg.totalSteps = 0;
    pg.model = null;
    Object.keys(pg.out).forEach(function (name) {
      pg.out[name].textContent = name === "step" || name === "epoch" ? "0" : "–";
    });
    pg.app.dataset.steps = "0";
    pg.app.dataset.heldOutAccuracy = "";
    delete pg.app.dataset.tryPrediction;
    pg.wrongBox.textContent = "";
    pg.answer.textContent = "Train the network first, then draw here.";
    drawCurves(pg);
  }

  function newWorker(pg) {
    if (pg.worker) pg.worker.terminate();
    var worker = new Worker(pg.workerUrl);
    worker.onmessage = function (event) { onMessage(pg, event.data); };
    worker.onerror = function (e) {
      pg.status.textContent = "The training stopped with an error: " + (e.message || "unknown error");
      setPhase(pg, "ready");
    };
    // Copies of just these bytes (a view would take its whole buffer along).
    function copy(part) { return { pixels: part.pixels.slice(), labels: part.labels.slice() }; }
    worker.postMessage({ type: "data", train: copy(pg.data.train), heldOut: copy(pg.data.heldOut), n0: pg.data.n0 });
    pg.worker = worker;
  }

  // One misclassified held-out image, drawn dark on light as on paper, with its caption.
  function wrongFigure(heldOut, index, predicted) {
    var label = heldOut.labels[index];
    var fig = document.createElement("figure");
    var c = document.createElement("canvas");
    c.width = c.height = SIZE;
    c.setAttribute("role", "img");
    c.setAttribute("aria-label", "Held-out image " + index + ": a " + label + ", read as " + predicted);
    var ctx = c.getContext("2d"), img = ctx.createImageData(SIZE, SIZE);
    for (var p = 0; p < N0; p++) {
      var v = 255 - heldOut.pixels[index * N0 + p];
      img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v;
      img.data[4 * p + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    var cap = document.createElement("figcaption");
    cap.textContent = "a " + label + ", read as " + predicted;
    fig.appendChild(c);
    fig.appendChild(cap);
    return fig;
  }

  function showWrong(pg, msg) {
    var heldOut = pg.data.heldOut;
    pg.wrongBox.textContent = "";
    msg.wrong.forEach(function (pair) {
      pg.wrongBox.appendChild(wrongFigure(heldOut, pair[0], pair[1]));
    });
    var note = document.createElement("p");
    note.className = "nn-pg__wrong-count";
    note.textContent = msg.wrongCount + " of " + heldOut.labels.length + " held-out images misclassified; the first " + msg.wrong.length + " shown.";
    pg.wrongBox.appendChild(note);
  }

  function steps(n) {
    return n.toLocaleString("en");
  }

  // What the worker says, by message type (see playground-train.js).
  var HANDLERS = {
    started: function (pg, msg) {
      pg.totalSteps = msg.totalSteps;
    },
    log: function (pg, msg) {
      var e = msg.entry;
      pg.logs.push(e);
      pg.out.accuracy.textContent = percent(e.heldOutAccuracy);
      pg.app.dataset.heldOutAccuracy = String(e.heldOutAccuracy);
      if (e.loss !== undefined) pg.out.loss.textContent = e.loss.toFixed(3);
      scheduleDraw(pg);
    },
    progress: function (pg, msg) {
      pg.out.step.textContent = steps(msg.step);
      pg.out.epoch.textContent = (Math.floor(msg.epoch * 100) / 100).toFixed(2);
      pg.out.rate.textContent = steps(Math.round(msg.stepsPerSecond));
      pg.app.dataset.steps = String(msg.step);
      pg.app.dataset.stepsPerSecond = String(msg.stepsPerSecond);
    },
    stopped: function (pg, msg) {
      var p = msg.params, finished = msg.reason === "finished";
      pg.out.step.textContent = steps(msg.step);
      pg.app.dataset.steps = String(msg.step);
      pg.model = {
        sizes: p.sizes,
        W: [Float64Array.from(p.W1), Float64Array.from(p.W2)],
        b: [Float64Array.from(p.b1), Float64Array.from(p.b2)],
      };
      pg.modelStep = msg.step;
      showWrong(pg, msg);
      setPhase(pg, finished ? "finished" : "paused");
      pg.status.textContent = finished
        ? "Finished after " + steps(msg.step) + " steps: held-out accuracy " + percent(msg.heldOutAccuracy) + "."
        : "Paused at step " + steps(msg.step) + " (held-out accuracy " + percent(msg.heldOutAccuracy) + "). Resume, or Reset to change the settings.";
      classifyDrawing(pg);
    },
    error: function (pg, msg) {
      setPhase(pg, "paused");
      pg.pauseButton.disabled = true;
      pg.trainButton.disabled = true;
      pg.status.textContent = "Training stopped at step " + msg.step + ": " + msg.message + " Press Reset.";
    },
  };

  function onMessage(pg, msg) {
    var handle = HANDLERS[msg.type];
    if (!handle) throw new Error("unknown message from the training worker: " + msg.type);
    handle(pg, msg);
  }

  function readSettings(form) {
    var f = form.elements;
    return {
      hidden: parseInt(f.hidden.value, 10),
      init: f.init.value,
      alpha: Number(f.alpha.value),
      batchSize: Number(f.batch.value),
      epochs: Number(f.epochs.value),
      seed: Number(f.seed.value),
      float64: false,
    };
  }

  // Train (a new run with the form's settings) or Resume (a paused one).
  function train(pg) {
    if (pg.phase === "paused") {
      pg.worker.postMessage({ type: "resume" });
      setPhase(pg, "training");
      pg.status.textContent = "Training resumed.";
      return;
    }
    if (pg.phase !== "ready" || !pg.form.reportValidity()) return;
    var s = readSettings(pg.form);
    clearRun(pg);
    newWorker(pg);
    pg.worker.postMessage({ type: "start", settings: s, scheme: pg.schemes[s.init] });
    setPhase(pg, "training");
    pg.status.textContent = "Training 784-" + s.hidden + "-10 (" + s.init + " initialisation, α = " + s.alpha + ", batches of " + s.batchSize + ", " + s.epochs + " epochs, seed " + s.seed + ").";
  }

  function reset(pg) {
    if (pg.worker) pg.worker.terminate();
    pg.worker = null;
    clearRun(pg);
    setPhase(pg, "ready");
    pg.status.textContent = "Reset. Change the settings and press Train.";
  }

  // Try it: read the pad with the network trained so far.
  function classifyDrawing(pg) {
    var digit = root.NNDigit, canvas = pg.pad.canvas;
    if (!pg.model || !digit) return;
    var r = digit.classify(pg.model, pg.pad.ink(), canvas.height, canvas.width);
    if (r === null) {
      delete pg.app.dataset.tryPrediction;
      pg.answer.textContent = "Draw a digit for the network at step " + steps(pg.modelStep) + ".";
      return;
    }
    pg.answer.textContent = "The network you trained reads a " + r.digit + " (" + percent(r.probs[r.digit]) + ").";
    pg.app.dataset.tryPrediction = String(r.digit);
  }

  function listen(pg) {
    pg.form.addEventListener("submit", function (event) {
      event.preventDefault();
      train(pg);
    });
    pg.pauseButton.addEventListener("click", function () {
      if (pg.phase === "training") pg.worker.postMessage({ type: "pause" });
    });
    pg.resetButton.addEventListener("click", function () { reset(pg); });
    pg.pad = new root.NNPad.Pad(pg.padCanvas, function () { classifyDrawing(pg); });
    pg.clearButton.addEventListener("click", function () { pg.pad.clear(); });
  }

  function loadPageData(pg) {
    if (typeof DecompressionStream === "undefined" || typeof Worker === "undefined") {
      pg.status.textContent = "This browser lacks DecompressionStream or Web Workers, which the Playground needs.";
      return;
    }
    // The training images are fetched once the page has loaded and been drawn, so that the
    // text and the controls are shown first, without sharing a slow connection with them.
    afterFirstPaint(function () {
      loadData(pg.dataUrl).then(
        function (d) {
          if (current !== pg) return;  // the reader has left the page meanwhile
          pg.data = d;
          setPhase(pg, "ready");
          pg.status.textContent = "Ready: " + steps(d.train.labels.length) + " training and " + steps(d.heldOut.labels.length) + " held-out images loaded. Press Train.";
        },
        function (err) {
          pg.status.textContent = "Could not load the training images: " + err.message;
          pg.app.dataset.error = err.message;
        }
      );
    });
  }

  function afterFirstPaint(start) {
    // A timeout set in an animation frame runs after that frame is painted.
    function later() {
      requestAnimationFrame(function () {
        setTimeout(start, 0);
      });
    }
    if (document.readyState === "complete") later();
    else window.addEventListener("load", later, { once: true });
  }

  function init() {
    var app = document.getElementById("nn-playground");
    if (current && current.app !== app) {  // left the page: stop its training
      if (current.worker) current.worker.terminate();
      current = null;
    }
    if (!app || app.dataset.ready) return;
    app.dataset.ready = "true";
    var pg = pageState(app);
    current = pg;
    pg.form.elements.hidden.value = app.dataset.defaultHidden;
    pg.form.elements.init.value = app.dataset.defaultInit;
    listen(pg);
    setPhase(pg, "loading");
    drawCurves(pg);
    loadPageData(pg);
  }

  root.NNPlayground = { init: init };
  // pad.js and digit.js run first on a page load; after instant navigation each
  // script runs as soon as it arrives, so wait for both (they announce themselves).
  function whenScripts(then) {
    if (root.NNPad && root.NNDigit) then();
    else document.addEventListener("nn:script-loaded", function () { whenScripts(then); }, { once: true });
  }
  function subscribe() {
    whenScripts(function () {
      if (root.document$ && typeof root.document$.subscribe === "function") root.document$.subscribe(init);
      init();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", subscribe);
  else subscribe();
})(window);
