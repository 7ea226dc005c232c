/*
 * The drawing pad of "Draw a digit" and of the Playground: a canvas that takes
 * strokes from the mouse, a pen or a finger (pointer events cover all three)
 * and gives what it holds as ink, 0 = paper and 1 = full ink — the input of
 * NNDigit.classify (digit.js). Both pages load this one file, so a drawing is
 * made and read alike on both.
 *
 *   var pad = new NNPad.Pad(canvas, function (pad) { … pad.ink() … });
 *
 * The callback runs at most once per animation frame while the reader draws,
 * once more when the stroke ends (pad.drawing is then false) and after clear().
 */
(function (root) {
  "use strict";

  var STROKE_WIDTH = 1 / 14;  // of the canvas width: 20 px on the pages' 280 px pads

  // Ink from canvas pixels (RGBA bytes): the alpha channel, as strokes are
  // drawn on a transparent canvas. 0 = paper, 1 = full ink.
  function inkFromRGBA(data, height, width) {
    var ink = new Float64Array(height * width);
    for (var p = 0; p < height * width; p++) ink[p] = data[4 * p + 3] / 255;
    return ink;
  }

  function Pad(canvas, onChange) {
    this.canvas = canvas;
    this.onChange = onChange;
    this.drawing = false;  // a stroke is under way
    this.last = null;      // where the stroke is, in canvas pixels
    this.pending = false;  // onChange is already asked for the next frame
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = canvas.width * STROKE_WIDTH;
    ctx.strokeStyle = "#000";
    this.ctx = ctx;
    canvas.addEventListener("pointerdown", this.down.bind(this));
    canvas.addEventListener("pointermove", this.move.bind(this));
    canvas.addEventListener("pointerup", this.end.bind(this));
    canvas.addEventListener("pointercancel", this.end.bind(this));
  }

  // The pad's pixels as ink, row by row (height x width values).
  Pad.prototype.ink = function () {
    var c = this.canvas;
    return inkFromRGBA(this.ctx.getImageData(0, 0, c.width, c.height).data, c.height, c.width);
  };

  Pad.prototype.clear = function () {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  };

  // Ask for onChange on the next animation frame, once however many strokes come before it.
  Pad.prototype.changed = function () {
    if (this.pending) return;
    this.pending = true;
    var pad = this;
    requestAnimationFrame(function () {
      pad.pending = false;
      pad.onChange(pad);
    });
  };

  // A pointer event's position in canvas pixels (the canvas may be shown smaller than it is).
  Pad.prototype.point = function (e) {
    var r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.canvas.width) / r.width, ((e.clientY - r.top) * this.canvas.height) / r.height];
  };

  Pad.prototype.stroke = function (from, to) {
    var ctx = this.ctx;
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
  };

  Pad.prototype.down = function (e) {
    if (e.button !== 0) return;
    e.preventDefault();  // no scrolling or text selection while drawing
    this.canvas.setPointerCapture(e.pointerId);
    this.drawing = true;
    this.last = this.point(e);
    this.stroke(this.last, this.last);  // a tap leaves a dot
    this.changed();
  };

  Pad.prototype.move = function (e) {
    if (!this.drawing) return;
    var p = this.point(e);
    this.stroke(this.last, p);
    this.last = p;
    this.changed();
  };

  Pad.prototype.end = function () {
    this.drawing = false;
    this.changed();
  };

  var api = { Pad: Pad, inkFromRGBA: inkFromRGBA };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  // Material's instant navigation runs the page's scripts again on every visit; one copy is enough.
  else if (!root.NNPad) root.NNPad = api;
  // digit.js and playground.js wait for this if they happen to run first (see digit.js).
  if (typeof document !== "undefined") document.dispatchEvent(new Event("nn:script-loaded"));
})(typeof window !== "undefined" ? window : this);
