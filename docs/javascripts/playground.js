/*
 * The Playground page (docs/playground.md): loads the data, drives the
 * training worker (playground-train.js), draws the curves, shows what the
 * trained network gets wrong and lets the reader draw for it. The digit
 * preparation and the forward pass of the drawing come from digit.js, the
 * script of "Draw a digit" (window.NNDigit), so both pages read a drawing alike.
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

  var current = null;  // the page's state while it is open

  function init() {
    var app = document.getElementById("nn-playground");
    if (current && current.app !== app) {  // left the page: stop its training
      current.worker.terminate();
      current = null;
    }
    if (!app || app.dataset.ready) return;
    app.dataset.ready = "true";

    var q = function (sel) { return app.querySelector(sel); };
    var form = q(".nn-pg__controls"), status = q(".nn-pg__status");
    var trainButton = q(".nn-pg__train"), pauseButton = q(".nn-pg__pause"), resetButton = q(".nn-pg__reset");
    var out = { step: q(".nn-pg__step"), epoch: q(".nn-pg__epoch"), rate: q(".nn-pg__rate"), loss: q(".nn-pg__loss"), accuracy: q(".nn-pg__accuracy") };
    var lossChart = q(".nn-pg__chart--loss"), accChart = q(".nn-pg__chart--accuracy");
    var wrongBox = q(".nn-pg__wrong"), pad = q(".nn-pg__pad"), answer = q(".nn-pg__answer");
    var dataUrl = new URL(app.dataset.data, location.href).href;
    var workerUrl = new URL(app.dataset.worker, location.href).href;
    form.elements.hidden.value = app.dataset.defaultHidden;
    form.elements.init.value = app.dataset.defaultInit;

    var data = null, worker = null, phase = "loading", totalSteps = 0, logs = [], model = null, redraw = false;
    var state = { app: app, worker: { terminate: function () { if (worker) worker.terminate(); } } };
    current = state;

    function setPhase(p) {
      phase = p;
      app.dataset.phase = p;
      trainButton.disabled = !(p === "ready" || p === "paused");
      trainButton.textContent = p === "paused" ? "Resume" : "Train";
      pauseButton.disabled = p !== "training";
      resetButton.disabled = p === "loading" || p === "ready";
      Array.prototype.forEach.call(form.querySelectorAll("input, select"), function (el) {
        el.disabled = !(p === "ready");
      });
    }

    function draw() {
      redraw = false;
      var xMax = Math.max(1, totalSteps);
      var trainLoss = [], heldLoss = [], trainAcc = [], heldAcc = [], yLoss = 0.5;
      logs.forEach(function (e) {
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
      drawChart(lossChart, [
        { points: trainLoss, color: "--nn-pg-train", dash: [] },
        { points: heldLoss, color: "--nn-pg-held", dash: [6, 3] },
      ], xMax, yLoss, function (v) { return v.toFixed(1); });
      drawChart(accChart, [
        { points: trainAcc, color: "--nn-pg-train", dash: [] },
        { points: heldAcc, color: "--nn-pg-held", dash: [6, 3] },
      ], xMax, 1, function (v) { return Math.round(100 * v) + " %"; });
      app.dataset.points = String(logs.length);
    }

    function scheduleDraw() {
      if (!redraw) {
        redraw = true;
        requestAnimationFrame(draw);
      }
    }

    function clearRun() {
      logs = [];
      totalSteps = 0;
      model = null;
      out.step.textContent = "0";
      out.epoch.textContent = "0";
      out.rate.textContent = "–";
      out.loss.textContent = "–";
      out.accuracy.textContent = "–";
      app.dataset.steps = "0";
      app.dataset.heldOutAccuracy = "";
      wrongBox.textContent = "";
      answer.textContent = "Train the network first, then draw here.";
      draw();
    }

    function newWorker() {
      if (worker) worker.terminate();
      worker = new Worker(workerUrl);
      worker.onmessage = onMessage;
      worker.onerror = function (e) {
        status.textContent = "The training stopped with an error: " + (e.message || "unknown error");
        setPhase("ready");
      };
      // Copies of just these bytes (a view would take its whole buffer along).
      function copy(part) { return { pixels: part.pixels.slice(), labels: part.labels.slice() }; }
      worker.postMessage({ type: "data", train: copy(data.train), heldOut: copy(data.heldOut), n0: data.n0 });
    }

    function showWrong(msg) {
      wrongBox.textContent = "";
      msg.wrong.forEach(function (pair) {
        var index = pair[0], predicted = pair[1], label = data.heldOut.labels[index];
        var fig = document.createElement("figure");
        var c = document.createElement("canvas");
        c.width = c.height = SIZE;
        c.setAttribute("role", "img");
        c.setAttribute("aria-label", "Held-out image " + index + ": a " + label + ", read as " + predicted);
        var ctx = c.getContext("2d"), img = ctx.createImageData(SIZE, SIZE);
        for (var p = 0; p < N0; p++) {
          var v = 255 - data.heldOut.pixels[index * N0 + p];  // dark ink on paper
          img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v;
          img.data[4 * p + 3] = 255;
        }
        ctx.putImageData(img, 0, 0);
        var cap = document.createElement("figcaption");
        cap.textContent = "a " + label + ", read as " + predicted;
        fig.appendChild(c);
        fig.appendChild(cap);
        wrongBox.appendChild(fig);
      });
      var note = document.createElement("p");
      note.className = "nn-pg__wrong-count";
      note.textContent = msg.wrongCount + " of " + data.heldOut.labels.length + " held-out images misclassified; the first " + msg.wrong.length + " shown.";
      wrongBox.appendChild(note);
    }

    function onMessage(event) {
      var msg = event.data;
      if (msg.type === "started") {
        totalSteps = msg.totalSteps;
      } else if (msg.type === "log") {
        logs.push(msg.entry);
        var e = msg.entry;
        out.accuracy.textContent = percent(e.heldOutAccuracy);
        app.dataset.heldOutAccuracy = String(e.heldOutAccuracy);
        if (e.loss !== undefined) out.loss.textContent = e.loss.toFixed(3);
        scheduleDraw();
      } else if (msg.type === "progress") {
        out.step.textContent = msg.step.toLocaleString("en");
        out.epoch.textContent = (Math.floor(msg.epoch * 100) / 100).toFixed(2);
        out.rate.textContent = Math.round(msg.stepsPerSecond).toLocaleString("en");
        app.dataset.steps = String(msg.step);
        app.dataset.stepsPerSecond = String(msg.stepsPerSecond);
      } else if (msg.type === "stopped") {
        out.step.textContent = msg.step.toLocaleString("en");
        app.dataset.steps = String(msg.step);
        var p = msg.params;
        model = {
          sizes: p.sizes,
          W: [Float64Array.from(p.W1), Float64Array.from(p.W2)],
          b: [Float64Array.from(p.b1), Float64Array.from(p.b2)],
        };
        showWrong(msg);
        if (msg.reason === "finished") {
          setPhase("finished");
          status.textContent = "Finished after " + msg.step.toLocaleString("en") + " steps: held-out accuracy " + percent(msg.heldOutAccuracy) + ".";
        } else {
          setPhase("paused");
          status.textContent = "Paused at step " + msg.step.toLocaleString("en") + " (held-out accuracy " + percent(msg.heldOutAccuracy) + "). Resume, or Reset to change the settings.";
        }
        answer.textContent = "Draw a digit for the network at step " + msg.step.toLocaleString("en") + ".";
        classifyPad();
      } else if (msg.type === "error") {
        setPhase("paused");
        pauseButton.disabled = true;
        trainButton.disabled = true;
        status.textContent = "Training stopped at step " + msg.step + ": " + msg.message + " Press Reset.";
      }
    }

    function settings() {
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

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (phase === "paused") {
        worker.postMessage({ type: "resume" });
        setPhase("training");
        status.textContent = "Training resumed.";
        return;
      }
      if (phase !== "ready" || !form.reportValidity()) return;
      var s = settings();
      clearRun();
      newWorker();
      worker.postMessage({ type: "start", settings: s });
      setPhase("training");
      status.textContent = "Training 784-" + s.hidden + "-10 (" + s.init + " initialisation, α = " + s.alpha + ", batches of " + s.batchSize + ", " + s.epochs + " epochs, seed " + s.seed + ").";
    });
    pauseButton.addEventListener("click", function () {
      if (phase === "training") worker.postMessage({ type: "pause" });
    });
    resetButton.addEventListener("click", function () {
      if (worker) worker.terminate();
      worker = null;
      clearRun();
      setPhase("ready");
      status.textContent = "Reset. Change the settings and press Train.";
    });

    /* ------------------------------------------------------ try it: draw a digit */
    var pctx = pad.getContext("2d", { willReadFrequently: true }), drawing = false, last = null, pending = false;
    pctx.lineCap = "round";
    pctx.lineJoin = "round";
    pctx.lineWidth = pad.width / 14;
    pctx.strokeStyle = "#000";

    function classifyPad() {
      pending = false;
      var digit = root.NNDigit;
      if (!model || !digit) return;
      var ink = digit.inkFromRGBA(pctx.getImageData(0, 0, pad.width, pad.height).data, pad.height, pad.width);
      var r = digit.classify(model, ink, pad.height, pad.width);
      if (r === null) return;
      answer.textContent = "The network you trained reads a " + r.digit + " (" + percent(r.probs[r.digit]) + ").";
      app.dataset.tryPrediction = String(r.digit);
    }
    function point(e) {
      var r = pad.getBoundingClientRect();
      return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
    }
    function stroke(a, b) {
      pctx.beginPath();
      pctx.moveTo(a[0], a[1]);
      pctx.lineTo(b[0], b[1]);
      pctx.stroke();
    }
    function schedule() {
      if (!pending) {
        pending = true;
        requestAnimationFrame(classifyPad);
      }
    }
    pad.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      drawing = true;
      last = point(e);
      stroke(last, last);
      schedule();
    });
    pad.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e);
      stroke(last, p);
      last = p;
      schedule();
    });
    pad.addEventListener("pointerup", function () { drawing = false; schedule(); });
    pad.addEventListener("pointercancel", function () { drawing = false; });
    q(".nn-pg__clear").addEventListener("click", function () {
      pctx.clearRect(0, 0, pad.width, pad.height);
      delete app.dataset.tryPrediction;
      answer.textContent = model ? "Draw a digit for the network you trained." : "Train the network first, then draw here.";
    });

    setPhase("loading");
    draw();
    if (typeof DecompressionStream === "undefined" || typeof Worker === "undefined") {
      status.textContent = "This browser lacks DecompressionStream or Web Workers, which the Playground needs.";
      return;
    }
    // The training images (1.6 MB) are fetched once the page has loaded and been drawn, so that
    // the text and the controls are shown first, without sharing a slow connection with them.
    afterFirstPaint(function () {
      loadData(dataUrl).then(
        function (d) {
          if (current !== state) return;
          data = d;
          setPhase("ready");
          status.textContent = "Ready: " + d.train.labels.length.toLocaleString("en") + " training and " + d.heldOut.labels.length.toLocaleString("en") + " held-out images loaded. Press Train.";
        },
        function (err) {
          status.textContent = "Could not load the training images: " + err.message;
          app.dataset.error = err.message;
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

  root.NNPlayground = { init: init };
  function subscribe() {
    if (root.document$ && typeof root.document$.subscribe === "function") root.document$.subscribe(init);
    init();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", subscribe);
  else subscribe();
})(window);
