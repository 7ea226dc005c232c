/*
 * Playground: mini-batch SGD for a 784-n1-10 network, in plain JavaScript.
 *
 * One file, three uses:
 *   - a Web Worker (the Playground page starts it with new Worker(thisFile));
 *   - a CommonJS module for Node.js, so the test suite can check that it computes
 *     what nn_scratch.sgd computes (tests/test_playground_parity.py);
 *   - the same random numbers as site_hooks/playground.py, which replays the
 *     page's default run with nn_scratch during the build.
 *
 * The equations and names are those of the maths pages (and nn_scratch.network):
 *   Z1 = W1 X + b1,  A1 = ReLU(Z1),  Z2 = W2 A1 + b2,  A2 = softmax(Z2),
 *   dZ2 = A2 − Y,  dW2 = (1/m) dZ2 A1ᵀ,  db2 = (1/m) Σ_i dZ2[:, i],
 *   dZ1 = W2ᵀ dZ2 ⊙ ReLU′(Z1),  dW1 = (1/m) dZ1 Xᵀ,  db1 = (1/m) Σ_i dZ1[:, i],
 *   W := W − α dW,  b := b − α db.
 *
 * Layout: W (n_out × n_in) is row-major, W[i * n_in + k] = W_ik, as NumPy stores
 * it. Matrices with one column per example (X, Z1, A1, Z2, A2, dZ…) are stored
 * column after column, M[j * rows + i] = M_ij — NumPy's Fortran order, the order
 * nn_scratch.data.load_mnist gives X in — so every dot product runs over
 * contiguous memory. Parameters live in Float32Array (float32, as the package
 * trains by default) or Float64Array (the float64 build of the same code).
 * Sums accumulate in double precision and are rounded once when stored; the
 * steps NumPy rounds separately in float32 — dZ / m, the mean of db, α dW and
 * the subtraction of the update — are rounded separately here too (round()).
 */
(function (root) {
  "use strict";

  /* ------------------------------------------------------------- random numbers */

  // Mulberry32 (Tommy Ettinger, public domain): 32-bit state, 32-bit outputs.
  // site_hooks/playground.py implements the same lines with Python integers;
  // tests/test_playground_parity.py checks that both draw the same numbers.
  function Random(seed) {
    if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
      throw new Error("seed must be an integer from 0 to 4294967295, got " + seed);
    }
    this.a = seed >>> 0;
  }
  // The next 32-bit unsigned integer.
  Random.prototype.nextUint32 = function () {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    var t = Math.imul(this.a ^ (this.a >>> 15), this.a | 1) >>> 0;
    t = (((t + Math.imul(t ^ (t >>> 7), t | 61)) >>> 0) ^ t) >>> 0;
    return (t ^ (t >>> 14)) >>> 0;
  };
  // Uniform on [0, 1), in steps of 2^-32.
  Random.prototype.uniform = function () {
    return this.nextUint32() / 4294967296;
  };
  // Standard normal by Marsaglia's polar method (one value per accepted pair).
  // Math.log may differ from Python's math.log in the last bit, so the
  // logarithm is log() below, made of + − × ÷ and √ only: IEEE 754 rounds
  // those identically in every language, and the two sides draw equal numbers.
  Random.prototype.normal = function () {
    for (;;) {
      var v1 = 2 * this.uniform() - 1, v2 = 2 * this.uniform() - 1, s = v1 * v1 + v2 * v2;
      if (s > 0 && s < 1) return v1 * Math.sqrt((-2 * log(s)) / s);
    }
  };

  var LN2 = 0.6931471805599453, SQRT2 = 1.4142135623730951;
  // ln x for x > 0: x = 2^e f with f in [1/√2, √2] (exact scalings by 2), then
  // ln f = 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + …) with s = (f − 1)/(f + 1), |s| < 0.18:
  // twenty terms reach far below double precision.
  function log(x) {
    var e = 0;
    while (x < 1) { x *= 2; e--; }
    while (x >= 2) { x /= 2; e++; }
    if (x > SQRT2) { x /= 2; e++; }
    var s = (x - 1) / (x + 1), s2 = s * s, term = s, sum = 0;
    for (var k = 1; k < 40; k += 2) {
      sum += term / k;
      term *= s2;
    }
    return e * LN2 + 2 * sum;
  }

  // A random order of 0 … m−1 (Fisher–Yates, from the end).
  Random.prototype.permutation = function (m) {
    var order = new Int32Array(m);
    for (var i = 0; i < m; i++) order[i] = i;
    for (i = m - 1; i > 0; i--) {
      var j = Math.floor(this.uniform() * (i + 1));
      var t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  };

  /* -------------------------------------------------------------- the network */

  // The initialisation schemes are not written here: site_hooks/playground.py
  // reads them off nn_scratch's INITIALISATIONS and the page passes them in
  // (the worker gets them with "start"). A scheme gives W and b each as
  // {draw: "uniform" | "normal" | "none", shift, and scale or gain}: every
  // number is draw × scale + shift, with scale = √(gain / n_in) when a gain is
  // given (He). Layer by layer, W row by row and then b, as NumPy fills them.
  var DRAWS = {
    uniform: function (rng) { return rng.uniform(); },
    normal: function (rng) { return rng.normal(); },
  };

  function initPart(rng, law, nIn, P) {
    if (law.draw === "none") {
      P.fill(law.shift);
      return;
    }
    var draw = DRAWS[law.draw];
    if (!draw) throw new Error("unknown draw " + law.draw + " in an initialisation scheme");
    var scale = law.gain !== undefined ? Math.sqrt(law.gain / nIn) : law.scale;
    for (var i = 0; i < P.length; i++) P[i] = draw(rng) * scale + law.shift;
  }

  // params: {sizes: [n0, n1, n2], W1, b1, W2, b2, float64}. Every array is a copy.
  function makeParams(sizes, float64) {
    if (!sizes || sizes.length !== 3) throw new Error("sizes must be [n0, n1, n2], got " + sizes);
    var F = float64 ? Float64Array : Float32Array;
    return {
      sizes: sizes.slice(),
      float64: !!float64,
      W1: new F(sizes[1] * sizes[0]),
      b1: new F(sizes[1]),
      W2: new F(sizes[2] * sizes[1]),
      b2: new F(sizes[2]),
    };
  }

  // scheme: one entry of the page's schemes ({W, b}); rng: a Random, or its seed.
  function initParams(sizes, scheme, rng, float64) {
    if (!scheme || !scheme.W || !scheme.b) throw new Error("an initialisation scheme {W, b} is needed, got " + scheme);
    if (!(rng instanceof Random)) rng = new Random(rng);
    var p = makeParams(sizes, float64);
    initPart(rng, scheme.W, sizes[0], p.W1);
    initPart(rng, scheme.b, sizes[0], p.b1);
    initPart(rng, scheme.W, sizes[1], p.W2);
    initPart(rng, scheme.b, sizes[1], p.b2);
    return p;
  }

  // From plain arrays (parsed JSON, row-major) to params.
  function paramsFrom(sizes, values, float64) {
    var p = makeParams(sizes, float64);
    ["W1", "b1", "W2", "b2"].forEach(function (name) {
      if (values[name].length !== p[name].length) {
        throw new Error(name + " must hold " + p[name].length + " numbers, got " + values[name].length);
      }
      p[name].set(values[name]);
    });
    return p;
  }

  /*
   * The data: images as bytes, 0–255, image after image (so column j of X is
   * image j), and labels 0–9. X = bytes / 255, as nn_scratch.data.load_mnist makes it.
   */
  function makeData(pixels, labels, n0) {
    var m = labels.length;
    if (pixels.length !== m * n0) throw new Error("pixels must hold " + m + " × " + n0 + " bytes, got " + pixels.length);
    return { pixels: pixels, labels: labels, m: m, n0: n0 };
  }

  /*
   * Working memory for batches of up to mMax examples. The hidden arrays
   * round like the parameters (float32 or float64), so every stored
   * intermediate has the precision NumPy gives it.
   */
  function makeTrainer(params, mMax) {
    var F = params.float64 ? Float64Array : Float32Array;
    var n0 = params.sizes[0], n1 = params.sizes[1], n2 = params.sizes[2];
    var lut = new F(256);
    for (var v = 0; v < 256; v++) lut[v] = v / 255;
    return {
      params: params,
      round: params.float64 ? function (x) { return x; } : Math.fround,
      lut: lut,
      mMax: mMax,
      X: new F(n0 * mMax),
      Y: new Int32Array(mMax),
      Z1: new F(n1 * mMax),
      A1: new F(n1 * mMax),
      Z2: new F(n2 * mMax),
      A2: new F(n2 * mMax),
      dZ2: new F(n2 * mMax),
      dZ1: new F(n1 * mMax),
      dW1: new F(n1 * n0),
      db1: new F(n1),
      dW2: new F(n2 * n1),
      db2: new F(n2),
      acc: new Float64Array(n1 * n0),  // double-precision sums of dW1
    };
  }

  // X and Y of a batch: the examples order[start … start + m − 1] of data.
  function gather(t, data, order, start, m) {
    var n0 = data.n0, X = t.X, lut = t.lut, px = data.pixels;
    for (var j = 0; j < m; j++) {
      var e = order ? order[start + j] : start + j, src = e * n0, dst = j * n0;
      for (var k = 0; k < n0; k++) X[dst + k] = lut[px[src + k]];
      t.Y[j] = data.labels[e];
    }
  }

  // Z = W A + b for m columns: out[j * nOut + i] = Σ_k W[i * nIn + k] A[j * nIn + k] + b[i].
  function affine(W, b, A, nIn, nOut, m, Z) {
    for (var j = 0; j < m; j++) {
      var a = j * nIn;
      for (var i = 0; i < nOut; i++) {
        var w = i * nIn, s = 0;
        for (var k = 0; k < nIn; k++) s += W[w + k] * A[a + k];
        Z[j * nOut + i] = s + b[i];
      }
    }
  }

  // Forward propagation of the batch in t (m columns); fills Z1, A1, Z2, A2.
  function forward(t, m) {
    var p = t.params, n0 = p.sizes[0], n1 = p.sizes[1], n2 = p.sizes[2], i, j;
    affine(p.W1, p.b1, t.X, n0, n1, m, t.Z1);                            // Z1 = W1 X + b1
    for (i = 0; i < n1 * m; i++) t.A1[i] = t.Z1[i] > 0 ? t.Z1[i] : 0;   // A1 = ReLU(Z1)
    affine(p.W2, p.b2, t.A1, n1, n2, m, t.Z2);                           // Z2 = W2 A1 + b2
    for (j = 0; j < m; j++) {                                            // A2 = softmax(Z2), column by column
      var c = j * n2, max = -Infinity, sum = 0;
      for (i = 0; i < n2; i++) if (t.Z2[c + i] > max) max = t.Z2[c + i];
      for (i = 0; i < n2; i++) sum += (t.A2[c + i] = t.round(Math.exp(t.Z2[c + i] - max)));
      sum = t.round(sum);
      for (i = 0; i < n2; i++) t.A2[c + i] = t.A2[c + i] / sum;
    }
  }

  // Loss (summed, not averaged) and number correct of the batch just forwarded.
  function score(t, m) {
    var n2 = t.params.sizes[2], loss = 0, correct = 0;
    var tiny = t.params.float64 ? 2.2250738585072014e-308 : 1.1754943508222875e-38;  // np.finfo(dtype).tiny
    for (var j = 0; j < m; j++) {
      var c = j * n2, best = 0;
      for (var i = 1; i < n2; i++) if (t.A2[c + i] > t.A2[c + best]) best = i;
      if (best === t.Y[j]) correct++;
      loss -= Math.log(Math.max(t.A2[c + t.Y[j]], tiny));
    }
    return { loss: loss, correct: correct };
  }

  // Backpropagation of the batch just forwarded: dW1, db1, dW2, db2.
  function backward(t, m) {
    var p = t.params, n0 = p.sizes[0], n1 = p.sizes[1], n2 = p.sizes[2];
    var round = t.round, i, j, k, s;
    // dZ2 = A2 − Y (one-hot Y: subtract 1 at each example's label), then / m
    // before the products, as nn_scratch does.
    for (i = 0; i < n2 * m; i++) t.dZ2[i] = t.A2[i];
    for (j = 0; j < m; j++) t.dZ2[j * n2 + t.Y[j]] -= 1;
    // db2 = (1/m) Σ_i dZ2[:, i]: summed along the example axis only.
    for (i = 0; i < n2; i++) {
      for (s = 0, j = 0; j < m; j++) s += t.dZ2[j * n2 + i];
      t.db2[i] = round(s) / m;
    }
    // dZ1 = W2ᵀ dZ2 ⊙ ReLU′(Z1), with W2 as it was in the forward pass.
    for (j = 0; j < m; j++) {
      for (k = 0; k < n1; k++) {
        if (!(t.Z1[j * n1 + k] > 0)) {  // ReLU′(Z1) = 0
          t.dZ1[j * n1 + k] = 0;
          continue;
        }
        for (s = 0, i = 0; i < n2; i++) s += p.W2[i * n1 + k] * t.dZ2[j * n2 + i];
        t.dZ1[j * n1 + k] = s;
      }
    }
    for (i = 0; i < n1; i++) {  // db1 = (1/m) Σ_i dZ1[:, i]
      for (s = 0, j = 0; j < m; j++) s += t.dZ1[j * n1 + i];
      t.db1[i] = round(s) / m;
    }
    for (i = 0; i < n2 * m; i++) t.dZ2[i] = t.dZ2[i] / m;  // (1/m) dZ2, rounded as NumPy's dZ / m
    for (i = 0; i < n1 * m; i++) t.dZ1[i] = t.dZ1[i] / m;
    // dW2 = (1/m) dZ2 A1ᵀ
    for (i = 0; i < n2; i++) {
      for (k = 0; k < n1; k++) {
        for (s = 0, j = 0; j < m; j++) s += t.dZ2[j * n2 + i] * t.A1[j * n1 + k];
        t.dW2[i * n1 + k] = s;
      }
    }
    // dW1 = (1/m) dZ1 Xᵀ, one example at a time so the inner loop runs along
    // X's column; units with ReLU′ = 0 add nothing and are skipped.
    var acc = t.acc;
    acc.fill(0);
    for (j = 0; j < m; j++) {
      var x = j * n0;
      for (i = 0; i < n1; i++) {
        var d = t.dZ1[j * n1 + i];
        if (d === 0) continue;
        var w = i * n0;
        for (k = 0; k < n0; k++) acc[w + k] += d * t.X[x + k];
      }
    }
    t.dW1.set(acc);
  }

  // The update W := W − α dW, b := b − α db; α dW rounded before the subtraction, as in NumPy.
  function update(t, alpha) {
    var p = t.params, round = t.round, a = round(alpha);
    [["W1", "dW1"], ["b1", "db1"], ["W2", "dW2"], ["b2", "db2"]].forEach(function (pair) {
      var P = p[pair[0]], dP = t[pair[1]];
      for (var i = 0; i < P.length; i++) P[i] = P[i] - round(a * dP[i]);
    });
  }

  // One SGD step on examples order[start … start + m − 1]; returns the batch's loss sum and hits.
  function step(t, data, order, start, m, alpha) {
    gather(t, data, order, start, m);
    forward(t, m);
    var s = score(t, m);
    if (!isFinite(s.loss)) {
      throw new Error("training diverged: the loss became " + s.loss + ". The learning rate α = " + alpha +
        " is probably too large; try a smaller one, such as " + alpha / 10 + ".");
    }
    backward(t, m);
    update(t, alpha);
    return s;
  }

  // Mean loss, accuracy and the indices of the misclassified examples (with the
  // predicted digit) of the whole data set, in chunks of the trainer's batch memory.
  function evaluate(t, data) {
    var loss = 0, correct = 0, wrong = [], n2 = t.params.sizes[2];
    for (var start = 0; start < data.m; start += t.mMax) {
      var m = Math.min(t.mMax, data.m - start);
      gather(t, data, null, start, m);
      forward(t, m);
      var s = score(t, m);
      loss += s.loss;
      correct += s.correct;
      for (var j = 0; j < m; j++) {
        var c = j * n2, best = 0;
        for (var i = 1; i < n2; i++) if (t.A2[c + i] > t.A2[c + best]) best = i;
        if (best !== t.Y[j]) wrong.push([start + j, best]);
      }
    }
    return { loss: loss / data.m, accuracy: correct / data.m, wrong: wrong };
  }

  /*
   * A training run: settings {hidden, init, alpha, batchSize, epochs, seed,
   * float64}, stepped a few at a time by the caller. Initial weights and the
   * order of every epoch come from Random(seed) — first the weights, drawn by
   * options.scheme (the page's scheme named settings.init), then one
   * permutation per epoch — unless params / orders are given (the parity test
   * passes NumPy's). Logs every logEvery steps (default: 5 times per epoch)
   * as nn_scratch.sgd does: training loss and accuracy averaged over the
   * batches since the last log, held-out loss and accuracy measured exactly.
   */
  function Run(settings, train, heldOut, options) {
    options = options || {};
    var s = settings;
    if (!(s.alpha > 0 && isFinite(s.alpha))) throw new Error("the learning rate α must be a positive number, got " + s.alpha);
    if (!(Number.isInteger(s.batchSize) && s.batchSize >= 1)) throw new Error("the batch size must be a whole number ≥ 1, got " + s.batchSize);
    if (!(Number.isInteger(s.epochs) && s.epochs >= 1)) throw new Error("epochs must be a whole number ≥ 1, got " + s.epochs);
    if (!(Number.isInteger(s.hidden) && s.hidden >= 1)) throw new Error("the hidden units must be a whole number ≥ 1, got " + s.hidden);
    this.settings = s;
    this.train = train;
    this.heldOut = heldOut;
    this.batchSize = Math.min(s.batchSize, train.m);
    var sizes = [train.n0, s.hidden, 10];
    if (options.params) {
      this.rng = null;
      this.params = paramsFrom(sizes, options.params, s.float64);
    } else {
      this.rng = new Random(s.seed);  // the weights, then the order of each epoch
      this.params = initParams(sizes, options.scheme, this.rng, s.float64);
    }
    this.orders = options.orders || null;
    this.trainer = makeTrainer(this.params, Math.max(this.batchSize, heldOut ? Math.min(heldOut.m, 500) : 0));
    this.stepsPerEpoch = Math.ceil(train.m / this.batchSize);
    this.totalSteps = this.stepsPerEpoch * s.epochs;
    this.logEvery = options.logEvery || Math.max(1, Math.ceil(this.stepsPerEpoch / 5));
    this.step = 0;
    this.epoch = 0;
    this.start = 0;
    this.order = null;
    this.lossSum = 0;
    this.correct = 0;
    this.seen = 0;
  }

  Run.prototype.done = function () {
    return this.step >= this.totalSteps;
  };

  // One step; returns a log entry when this step is logged, else null.
  Run.prototype.next = function () {
    if (this.done()) return null;
    if (this.start === 0) {
      if (this.orders) this.order = this.orders[this.epoch];
      else if (this.rng) this.order = this.rng.permutation(this.train.m);
      else throw new Error("no batch order for epoch " + this.epoch);
    }
    var m = Math.min(this.batchSize, this.train.m - this.start);
    var s = step(this.trainer, this.train, this.order, this.start, m, this.settings.alpha);
    this.lossSum += s.loss;
    this.correct += s.correct;
    this.seen += m;
    this.step++;
    this.start += m;
    if (this.start >= this.train.m) {
      this.start = 0;
      this.epoch++;
    }
    if (this.step % this.logEvery !== 0 && !this.done()) return null;
    var entry = {
      step: this.step,
      epoch: this.step / this.stepsPerEpoch,
      loss: this.lossSum / this.seen,
      trainAccuracy: this.correct / this.seen,
    };
    if (this.heldOut) {
      var e = evaluate(this.trainer, this.heldOut);
      entry.heldOutLoss = e.loss;
      entry.heldOutAccuracy = e.accuracy;
    }
    this.lossSum = this.correct = this.seen = 0;
    return entry;
  };

  var api = {
    Random: Random,
    log: log,
    initParams: initParams,
    paramsFrom: paramsFrom,
    makeData: makeData,
    makeTrainer: makeTrainer,
    forward: forward,
    backward: backward,
    update: update,
    step: step,
    evaluate: evaluate,
    Run: Run,
  };

  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
    return;
  }
  if (typeof root.WorkerGlobalScope === "undefined" || !(root instanceof root.WorkerGlobalScope)) return;

  /* ------------------------------------------------------------- the worker */
  // Messages in: {type: "data", train: {pixels, labels}, heldOut: {…}, n0},
  // {type: "start", settings, scheme}, {type: "pause"}, {type: "resume"}.
  // Messages out: "log" entries, "progress" (step, steps per second) about ten
  // times a second, "stopped" (the weights and the misclassified held-out
  // examples) on pause and at the end, and "error".

  var data = null, run = null, running = false, timer = null;
  var sinceSteps = 0, sinceTime = 0;

  function post(message) {
    root.postMessage(message);
  }

  function stopped(reason) {
    running = false;
    var e = evaluate(run.trainer, data.heldOut);
    var p = run.params;
    post({
      type: "stopped",
      reason: reason,
      step: run.step,
      heldOutAccuracy: e.accuracy,
      wrong: e.wrong.slice(0, 12),
      wrongCount: e.wrong.length,
      params: { sizes: p.sizes, W1: Array.from(p.W1), b1: Array.from(p.b1), W2: Array.from(p.W2), b2: Array.from(p.b2) },
    });
  }

  function work() {
    timer = null;
    if (!running) return;
    var t0 = Date.now();
    try {
      // About 50 ms of steps, then let messages (Pause) in.
      while (!run.done() && Date.now() - t0 < 50) {
        var entry = run.next();
        sinceSteps++;
        if (entry) post({ type: "log", entry: entry });
      }
    } catch (err) {
      running = false;
      post({ type: "error", message: err.message, step: run.step });
      return;
    }
    var now = Date.now();
    var rate = now > sinceTime ? (1000 * sinceSteps) / (now - sinceTime) : 0;
    post({ type: "progress", step: run.step, totalSteps: run.totalSteps, epoch: run.step / run.stepsPerEpoch, stepsPerSecond: rate });
    if (now - sinceTime > 1000) {
      sinceTime = now;
      sinceSteps = 0;
    }
    if (run.done()) stopped("finished");
    else timer = setTimeout(work, 0);
  }

  function go() {
    running = true;
    sinceSteps = 0;
    sinceTime = Date.now();
    if (timer === null) timer = setTimeout(work, 0);
  }

  root.onmessage = function (event) {
    var msg = event.data;
    try {
      if (msg.type === "data") {
        data = {
          train: makeData(msg.train.pixels, msg.train.labels, msg.n0),
          heldOut: makeData(msg.heldOut.pixels, msg.heldOut.labels, msg.n0),
        };
      } else if (msg.type === "start") {
        run = new Run(msg.settings, data.train, data.heldOut, { scheme: msg.scheme });
        post({ type: "started", totalSteps: run.totalSteps, stepsPerEpoch: run.stepsPerEpoch, logEvery: run.logEvery });
        var first = evaluate(run.trainer, data.heldOut);
        post({ type: "log", entry: { step: 0, epoch: 0, heldOutLoss: first.loss, heldOutAccuracy: first.accuracy } });
        go();
      } else if (msg.type === "pause") {
        if (running) {
          if (timer !== null) clearTimeout(timer);
          timer = null;
          stopped("paused");
        }
      } else if (msg.type === "resume") {
        if (run && !run.done() && !running) go();
      }
    } catch (err) {
      running = false;
      post({ type: "error", message: err.message, step: run ? run.step : 0 });
    }
  };
})(typeof self !== "undefined" ? self : this);
