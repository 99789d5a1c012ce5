// The camera wall: layouts, live tiles (JPEG refreshed once a second), health badges, motion marks.
(function () {
  "use strict";
  const wall = document.getElementById("wall");
  if (!wall) return;
  const strings = JSON.parse(document.getElementById("wall-strings").textContent);
  const buttons = document.querySelectorAll("button.layout");

  function setLayout(n) {
    wall.dataset.layout = String(n);
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", b.dataset.layout === String(n) ? "true" : "false"); });
    localStorage.setItem("wall-layout", String(n));
  }
  buttons.forEach(function (b) { b.addEventListener("click", function () { setLayout(b.dataset.layout); }); });
  // every layout fits the screen below the bars: the CSS sizes tiles from the height left (--wall-top)
  function fit() { document.documentElement.style.setProperty("--wall-top", Math.ceil(wall.getBoundingClientRect().top + window.scrollY + 40) + "px"); }
  fit();
  window.addEventListener("resize", fit);
  setLayout(localStorage.getItem("wall-layout") || "4");

  function visibleTiles() {
    const n = parseInt(wall.dataset.layout, 10);
    return Array.prototype.slice.call(wall.querySelectorAll(".tile"), 0, n);
  }

  function refresh(tile) {
    const img = tile.querySelector("img");
    if (img.dataset.loading === "1") return;
    img.dataset.loading = "1";
    const next = new Image();
    next.onload = function () { img.src = next.src; img.dataset.loading = "0"; tile.classList.remove("no-picture"); tile.classList.add("has-picture"); };
    next.onerror = function () { img.dataset.loading = "0"; tile.classList.add("no-picture"); };
    // ask for the tile's own size (in steps of 160 px, so that tiles of one size share one encoding)
    const width = Math.min(3840, Math.max(160, Math.ceil((img.clientWidth || 640) * (window.devicePixelRatio || 1) / 160) * 160));
    next.src = img.dataset.src + "?t=" + Date.now() + "&width=" + width;
  }

  wall.querySelectorAll(".tile").forEach(function (tile, i) { tile.hidden = false; });
  setInterval(function () {
    const shown = visibleTiles();
    wall.querySelectorAll(".tile").forEach(function (tile) { tile.hidden = shown.indexOf(tile) < 0; });
    shown.forEach(refresh);
  }, 1000);

  function show(cams) {
    cams.forEach(function (cam) {
      const tile = wall.querySelector('.tile[data-camera="' + cam.id + '"]');
      if (!tile) return;
      const badge = tile.querySelector("[data-health]");
      badge.className = "health health-" + cam.health;
      badge.textContent = strings["health." + cam.health] || cam.health;
      badge.title = cam.health_reason || "";
      const motion = tile.querySelector("[data-motion]");
      const recent = cam.last_motion_at && Date.now() - new Date(cam.last_motion_at).getTime() < 30000;
      motion.classList.toggle("active", Boolean(recent));
      motion.textContent = recent ? strings["wall.motion"] : "";
      const decode = tile.querySelector("[data-decode]");
      if (decode && cam.decode_mode) {  // quiet (keyframes only while nothing moves) or shed (overload)
        decode.hidden = cam.decode_mode === "full";
        decode.className = "decode decode-" + cam.decode_mode;
        decode.textContent = strings["wall.decode." + cam.decode_mode] || "";
        decode.title = strings["wall.decode." + cam.decode_mode + "_title"] || "";
      }
    });
  }

  async function health() {
    try {
      const response = await fetch("/api/v1/cameras/health", { credentials: "same-origin" });
      if (response.status === 401) { window.location.assign("/login?next=/wall"); return; }
      show(await response.json());
    } catch (e) { /* the server is restarting: try again on the next tick */ }
  }
  // camera states arrive as they change (woken by the database); the poll stays as a slow fallback
  health();
  let polling = setInterval(health, 3000);
  if (window.EventSource) {
    const states = new EventSource("/api/v1/cameras/stream");
    states.addEventListener("cameras", function (e) {
      show(JSON.parse(e.data));
      clearInterval(polling);
      polling = setInterval(health, 30000);
    });
    states.addEventListener("error", function () { clearInterval(polling); polling = setInterval(health, 3000); });
  }

  const clock = document.getElementById("wall-clock");
  setInterval(function () { clock.textContent = window.controlroom.formatTime(new Date().toISOString()); }, 1000);
})();
