// The zone and mask editor: polygons over the live picture in an SVG whose coordinates are the source
// frame's pixels. Mouse: "Draw" then click corners and "Finish" (or Enter); drag a corner to move it.
// Keyboard: Tab to a corner, arrow keys move it (Shift: 10x), N adds a corner after it, Delete removes it.
// "Preview" runs the detector on the live picture with the draft; "Save" sends one audited change.
(function () {
  "use strict";
  const api = window.adminApi;
  const NS = "http://www.w3.org/2000/svg";
  const KINDS = ["zones", "exclusion_masks", "privacy_masks"];
  const CLASS = { zones: "zone", exclusion_masks: "exclusion", privacy_masks: "privacy" };
  const strings = document.getElementById("zones-strings").dataset;
  const config = JSON.parse(document.getElementById("zones-data").textContent);
  const detect = config.detect;
  const svg = document.getElementById("overlay");
  const img = document.getElementById("picture");
  const message = document.getElementById("admin-message");
  let width = 640, height = 360;
  let shapes = [];
  let selected = null;        // {shape, point} ; point may be null
  let drawing = null;         // points of the polygon being drawn
  let previewBoxes = [];
  let focusAfterRender = false;

  KINDS.forEach(function (kind) {
    (detect[kind] || []).forEach(function (s) {
      shapes.push({ kind: kind, name: s.name || "", polygon: s.polygon.map(function (p) { return [p[0], p[1]]; }),
        sensitivity: s.sensitivity, min_size_px: s.min_size_px });
    });
  });

  // smallest object: the longer side of its box in source pixels, as the detector counts it
  const defaultSize = (detect.motion && detect.motion.min_size_px) || 24;

  function el(name, attrs) {
    const node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function pointsAttr(polygon) { return polygon.map(function (p) { return p[0] + "," + p[1]; }).join(" "); }
  function toFrame(event) {
    const m = svg.getScreenCTM().inverse();
    const pt = new DOMPoint(event.clientX, event.clientY).matrixTransform(m);
    return [clampX(pt.x), clampY(pt.y)];
  }
  function clampX(x) { return Math.round(Math.min(width, Math.max(0, x))); }
  function clampY(y) { return Math.round(Math.min(height, Math.max(0, y))); }
  function kindLabel(kind) { return strings[kind.replace(/_(\w)/g, function (_, c) { return c.toUpperCase(); })]; }

  function render() {
    svg.textContent = "";
    shapes.forEach(function (s, i) {
      const poly = el("polygon", { points: pointsAttr(s.polygon), "class": CLASS[s.kind] + (selected && selected.shape === i ? " selected" : ""), "data-shape": i });
      poly.addEventListener("pointerdown", function (event) { if (!drawing) { select(i, null); event.preventDefault(); } });
      svg.appendChild(poly);
    });
    if (selected !== null) {
      const s = shapes[selected.shape];
      if (s.kind === "zones") {
        const side = s.min_size_px || defaultSize;
        const c = centroid(s.polygon);
        svg.appendChild(el("rect", { "class": "min-size", x: c[0] - side / 2, y: c[1] - side / 2, width: side, height: side }));
      }
      s.polygon.forEach(function (p, j) {
        const dot = el("circle", { cx: p[0], cy: p[1], r: Math.max(4, width / 160), tabindex: 0, role: "button",
          "class": selected.point === j ? "selected" : "", "data-point": j,
          "aria-label": strings.point + " " + (j + 1) + ": " + p[0] + ", " + p[1] });
        dot.addEventListener("focus", function () { if (!selected || selected.point !== j) { selected.point = j; markPoint(); } });
        dot.addEventListener("keydown", pointKeys);
        dot.addEventListener("pointerdown", startDrag);
        svg.appendChild(dot);
      });
    }
    previewBoxes.forEach(function (b) { svg.appendChild(el("rect", { "class": "motion", x: b.x, y: b.y, width: b.w, height: b.h })); });
    if (drawing) {
      svg.appendChild(el("polyline", { points: pointsAttr(drawing), fill: "none", stroke: "#ffd33d", "stroke-width": 3, "vector-effect": "non-scaling-stroke" }));
      drawing.forEach(function (p) { svg.appendChild(el("circle", { cx: p[0], cy: p[1], r: Math.max(4, width / 160) })); });
    }
    renderList();
    if (focusAfterRender && selected && selected.point !== null) {
      const dot = svg.querySelector('circle[data-point="' + selected.point + '"]');
      if (dot) dot.focus();
    }
    focusAfterRender = false;
  }
  function markPoint() {
    svg.querySelectorAll("circle[data-point]").forEach(function (c) {
      c.classList.toggle("selected", Number(c.dataset.point) === selected.point);
    });
  }
  function centroid(polygon) {
    const n = polygon.length;
    return [polygon.reduce(function (a, p) { return a + p[0]; }, 0) / n, polygon.reduce(function (a, p) { return a + p[1]; }, 0) / n];
  }

  // ---- the list and the selected shape's properties ----
  const list = document.getElementById("shapes");
  const props = document.getElementById("shape-props");
  const nameInput = document.getElementById("shape-name");
  const sensInput = document.getElementById("shape-sensitivity");
  const areaInput = document.getElementById("shape-min-area");
  function renderList() {
    list.textContent = "";
    shapes.forEach(function (s, i) {
      const li = document.createElement("li");
      li.className = selected && selected.shape === i ? "selected" : "";
      const b = document.createElement("button");
      b.type = "button"; b.className = "select-shape"; b.dataset.shape = i;
      b.textContent = kindLabel(s.kind) + (s.name ? " · " + s.name : "") + " (" + s.polygon.length + ")";
      b.addEventListener("click", function () { select(i, 0); focusAfterRender = true; render(); });
      li.appendChild(b); list.appendChild(li);
    });
    props.hidden = selected === null;
    if (selected === null) return;
    const s = shapes[selected.shape];
    nameInput.value = s.name;
    document.getElementById("zone-only").hidden = s.kind !== "zones";
    sensInput.value = s.sensitivity || 50;
    document.getElementById("sensitivity-value").textContent = sensInput.value;
    areaInput.value = s.min_size_px || defaultSize;
    document.getElementById("min-area-value").textContent = areaInput.value + " px";
  }
  function select(i, point) { selected = i === null ? null : { shape: i, point: point }; previewBoxes = []; render(); }
  nameInput.addEventListener("input", function () { shapes[selected.shape].name = nameInput.value.trim(); renderList(); });
  sensInput.addEventListener("input", function () { shapes[selected.shape].sensitivity = parseInt(sensInput.value, 10); render(); });
  areaInput.addEventListener("input", function () {
    const v = parseInt(areaInput.value, 10);
    if (!isNaN(v) && v >= 1) { shapes[selected.shape].min_size_px = v; render(); }
  });
  document.getElementById("delete-shape").addEventListener("click", function () {
    shapes.splice(selected.shape, 1); selected = null; render();
  });

  // ---- adding shapes: with the mouse (draw) or a ready square (keyboard) ----
  const kindSelect = document.getElementById("new-kind");
  function newShape(polygon) {
    const kind = kindSelect.value;
    const n = shapes.filter(function (s) { return s.kind === kind; }).length + 1;
    const shape = { kind: kind, name: kind === "zones" ? "zone-" + n : "", polygon: polygon };
    if (kind === "zones") { shape.sensitivity = 50; shape.min_size_px = defaultSize; }
    shapes.push(shape);
    select(shapes.length - 1, 0);
  }
  document.getElementById("add-shape").addEventListener("click", function () {
    const x = Math.round(width / 4), y = Math.round(height / 4), w = Math.round(width / 4), h = Math.round(height / 4);
    newShape([[x, y], [x + w, y], [x + w, y + h], [x, y + h]]);
    focusAfterRender = true; render();
  });
  const drawButton = document.getElementById("draw"), finishButton = document.getElementById("finish");
  drawButton.addEventListener("click", function () { drawing = []; selected = null; finishButton.disabled = false; render(); });
  function finish() {
    if (!drawing) return;
    if (drawing.length < 3) { api.show(message, strings.needPoints, true); return; }
    const polygon = drawing; drawing = null; finishButton.disabled = true;
    newShape(polygon);
  }
  finishButton.addEventListener("click", finish);
  svg.addEventListener("click", function (event) {
    if (!drawing) return;
    drawing.push(toFrame(event)); render();
  });
  svg.addEventListener("dblclick", function (event) { if (drawing) { event.preventDefault(); finish(); } });
  svg.addEventListener("keydown", function (event) {
    if (!drawing) return;
    if (event.key === "Enter") { event.preventDefault(); finish(); }
    if (event.key === "Escape") { drawing = null; finishButton.disabled = true; render(); }
  });

  // ---- moving corners: drag, or arrow keys ----
  function pointKeys(event) {
    const s = shapes[selected.shape], j = selected.point, p = s.polygon[j];
    const step = Math.max(1, Math.round(width / 100)) * (event.shiftKey ? 10 : 1);
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[event.key]) {
      p[0] = clampX(p[0] + moves[event.key][0]); p[1] = clampY(p[1] + moves[event.key][1]);
    } else if ((event.key === "Delete" || event.key === "Backspace") && s.polygon.length > 3) {
      s.polygon.splice(j, 1); selected.point = Math.max(0, j - 1);
    } else if (event.key === "n" || event.key === "N") {
      const q = s.polygon[(j + 1) % s.polygon.length];
      s.polygon.splice(j + 1, 0, [Math.round((p[0] + q[0]) / 2), Math.round((p[1] + q[1]) / 2)]); selected.point = j + 1;
    } else { return; }
    event.preventDefault(); previewBoxes = []; focusAfterRender = true; render();
  }
  function startDrag(event) {
    const dot = event.currentTarget, j = Number(dot.dataset.point), s = shapes[selected.shape];
    selected.point = j; markPoint();
    dot.setPointerCapture(event.pointerId);
    event.preventDefault(); event.stopPropagation();
    const poly = svg.querySelector('polygon[data-shape="' + selected.shape + '"]');
    function move(e) {
      s.polygon[j] = toFrame(e);
      dot.setAttribute("cx", s.polygon[j][0]); dot.setAttribute("cy", s.polygon[j][1]);
      poly.setAttribute("points", pointsAttr(s.polygon));
    }
    function up() { dot.removeEventListener("pointermove", move); dot.removeEventListener("pointerup", up); previewBoxes = []; focusAfterRender = true; render(); }
    dot.addEventListener("pointermove", move); dot.addEventListener("pointerup", up);
  }

  // ---- the draft, preview and save ----
  function draft() {
    const out = Object.assign({}, detect);
    KINDS.forEach(function (kind) {
      out[kind] = shapes.filter(function (s) { return s.kind === kind; }).map(function (s) {
        const o = { name: s.name, polygon: s.polygon };
        if (kind === "zones") { o.sensitivity = s.sensitivity; if (s.min_size_px) { o.min_size_px = s.min_size_px; } }
        return o;
      });
    });
    return out;
  }
  document.getElementById("preview").addEventListener("click", async function () {
    const box = document.getElementById("preview-result");
    box.textContent = "…";
    const result = await api.send("POST", "/admin/cameras/" + config.camera_id + "/zones/preview", { detect: draft() });
    if (!result.ok) { box.textContent = api.problem(result); box.className = "error"; return; }
    previewBoxes = result.data.boxes; box.className = "";
    box.textContent = strings.moving.replace("{n}", previewBoxes.length).replace("{frames}", result.data.frames);
    box.dataset.boxes = previewBoxes.length;
    render();
  });
  document.getElementById("save").addEventListener("click", async function () {
    const reason = document.getElementById("reason").value.trim();
    if (reason.length < 3) { api.show(message, strings.needReason, true); document.getElementById("reason").focus(); return; }
    const result = await api.send("PATCH", "/api/v1/cameras/" + config.camera_id, { detect: draft(), reason: reason });
    if (result.ok) { api.show(message, strings.saved, false); message.dataset.saved = "1"; } else { api.show(message, api.problem(result), true); }
  });

  function sized() {
    if (img.naturalWidth) { width = img.naturalWidth; height = img.naturalHeight; }
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.dataset.ready = "1";
    render();
  }
  img.addEventListener("load", sized);
  img.addEventListener("error", function () { document.getElementById("picture-error").hidden = false; sized(); });
  if (img.complete && img.naturalWidth) sized();
})();
