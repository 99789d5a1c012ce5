// The camera wall: layouts, live tiles, health badges, motion marks. Tiles of H.264 cameras play their own
// stream: one request (/api/v1/cameras/live.mux) carries every shown tile's fragmented MP4, framed by tile
// index and length, each fed to its <video> through Media Source Extensions (a browser keeps only six
// connections per server, too few for a <video src> per tile). Masked cameras, cameras without H.264 and
// tiles whose stream ended show JPEG stills refreshed once a second; a tile without a picture shows its
// placeholder. Click selects a tile; double-click or Enter opens the camera full screen.
(function () {
  "use strict";
  const wall = document.getElementById("wall");
  if (!wall) return;
  const strings = JSON.parse(document.getElementById("wall-strings").textContent);
  const buttons = document.querySelectorAll("button.layout");
  const stillsOnly = document.getElementById("wall-mode").dataset.stills === "true" || !window.MediaSource;

  function setLayout(n) {
    wall.dataset.layout = String(n);
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", b.dataset.layout === String(n) ? "true" : "false"); });
    localStorage.setItem("wall-layout", String(n));
    showTiles();
  }
  buttons.forEach(function (b) { b.addEventListener("click", function () { setLayout(b.dataset.layout); }); });
  // every layout fits the screen below the bars: the CSS sizes tiles from the height left (--wall-top)
  function fit() { document.documentElement.style.setProperty("--wall-top", Math.ceil(wall.getBoundingClientRect().top + window.scrollY + 40) + "px"); }
  fit();
  window.addEventListener("resize", fit);

  function visibleTiles() {
    const n = parseInt(wall.dataset.layout, 10);
    return Array.prototype.slice.call(wall.querySelectorAll(".tile"), 0, n);
  }
  function showTiles() {
    const shown = visibleTiles();
    wall.querySelectorAll(".tile").forEach(function (tile) { tile.hidden = shown.indexOf(tile) < 0; });
  }

  // ---- opening a camera: click selects, double-click or Enter opens it full screen ----
  function open(tile) { window.location.assign(tile.getAttribute("href")); }
  wall.addEventListener("click", function (e) {
    const tile = e.target.closest(".tile");
    if (!tile || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;  // a new tab stays possible
    e.preventDefault();
    tile.focus();
  });
  wall.addEventListener("dblclick", function (e) {
    const tile = e.target.closest(".tile");
    if (tile) { e.preventDefault(); open(tile); }
  });
  wall.addEventListener("keydown", function (e) {
    const tile = e.target.closest(".tile");
    if (tile && e.key === "Enter") { e.preventDefault(); open(tile); }
  });

  // ---- live video: one multiplexed stream for the shown H.264 tiles ----
  function concat(parts) {
    let size = 0;
    parts.forEach(function (p) { size += p.length; });
    const out = new Uint8Array(size);
    let at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }
  function avcCodec(init) {  // "avc1.PPCCLL" from the avcC box of the init segment
    for (let i = 0; i + 11 < init.length; i++) {
      if (init[i] === 0x61 && init[i + 1] === 0x76 && init[i + 2] === 0x63 && init[i + 3] === 0x43) {
        const hex = function (b) { return (b < 16 ? "0" : "") + b.toString(16); };
        return "avc1." + hex(init[i + 5]) + hex(init[i + 6]) + hex(init[i + 7]);
      }
    }
    return null;
  }

  function Player(tile) {
    this.tile = tile;
    this.video = tile.querySelector("video");
    this.source = new MediaSource();
    this.buffer = null;
    this.codec = null;
    this.pending = [];
    this.dead = false;
    this.url = URL.createObjectURL(this.source);
    this.video.src = this.url;
    const self = this;
    this.source.addEventListener("sourceopen", function () { self.pump(); });
    this.onPlaying = function () {
      if (self.dead) return;
      self.video.hidden = false;
      tile.classList.add("has-picture", "has-video");
    };
    this.video.addEventListener("playing", this.onPlaying);
  }
  Player.prototype.push = function (chunk) {
    if (this.dead) return;
    if (!this.codec) {
      this.codec = avcCodec(chunk);
      if (!this.codec) { this.end(); return; }
    }
    this.pending.push(chunk);
    this.pump();
  };
  Player.prototype.pump = function () {
    if (this.dead || this.source.readyState !== "open" || !this.codec) return;
    const self = this;
    if (!this.buffer) {
      const type = 'video/mp4; codecs="' + this.codec + '"';
      if (!MediaSource.isTypeSupported(type)) { this.end(); return; }
      this.buffer = this.source.addSourceBuffer(type);
      this.buffer.addEventListener("updateend", function () { self.settle(); });
      this.buffer.addEventListener("error", function () { self.end(); });
    }
    if (this.buffer.updating || !this.pending.length) return;
    const data = concat(this.pending);
    this.pending = [];
    try { this.buffer.appendBuffer(data); } catch (e) { this.end(); }
  };
  Player.prototype.settle = function () {  // stay at the live edge, keep ten seconds at most
    if (this.dead) return;
    const v = this.video, ranges = v.buffered;
    if (ranges.length) {
      const edge = ranges.end(ranges.length - 1);
      if (edge - v.currentTime > 1.5) v.currentTime = edge - 0.2;
      if (v.paused) v.play().catch(function () {});
      if (ranges.start(0) < v.currentTime - 10) {
        try { this.buffer.remove(0, v.currentTime - 5); return; } catch (e) { /* busy: next time */ }
      }
    }
    this.pump();
  };
  Player.prototype.end = function () {  // back to stills
    if (this.dead) return;
    this.dead = true;
    this.video.removeEventListener("playing", this.onPlaying);
    this.video.hidden = true;
    this.video.removeAttribute("src");
    this.video.load();
    URL.revokeObjectURL(this.url);
    this.tile.classList.remove("has-video");
  };

  let live = null;  // {key, abort, players, started, over}
  function stopLive() {
    if (!live) return;
    live.abort.abort();
    live.players.forEach(function (p) { p.end(); });
    live = null;
  }
  async function startLive(tiles, key) {
    const abort = new AbortController();
    const run = { key: key, abort: abort, players: tiles.map(function (t) { return new Player(t); }), started: Date.now(), over: false };
    live = run;
    try {
      const query = tiles.map(function (t) { return "camera=" + encodeURIComponent(t.dataset.camera); }).join("&");
      const response = await fetch("/api/v1/cameras/live.mux?" + query, { credentials: "same-origin", signal: abort.signal });
      if (!response.ok || !response.body) throw new Error("no live stream");
      const reader = response.body.getReader();
      let held = new Uint8Array(0);
      for (;;) {
        const step = await reader.read();
        if (step.done) break;
        held = held.length ? concat([held, step.value]) : step.value;
        let at = 0;
        while (held.length - at >= 5) {
          const length = ((held[at + 1] << 24) | (held[at + 2] << 16) | (held[at + 3] << 8) | held[at + 4]) >>> 0;
          if (held.length - at < 5 + length) break;
          const player = run.players[held[at]];
          if (player) { if (length === 0) player.end(); else player.push(held.slice(at + 5, at + 5 + length)); }
          at += 5 + length;
        }
        held = held.slice(at);
      }
    } catch (e) { /* aborted, or the server went away: stills until the next try */ }
    run.players.forEach(function (p) { p.end(); });
    run.over = true;
  }
  function followLive(shown) {
    if (stillsOnly) return;
    const tiles = shown.filter(function (t) { return t.dataset.live; });
    const key = tiles.map(function (t) { return t.dataset.camera; }).join(",");
    const age = live ? Date.now() - live.started : 0;
    const someEnded = live && live.players.some(function (p) { return p.dead; });
    // a new set of tiles; a stream that ended (retry after 5 s); a tile without video for a minute (retry it)
    if (live && live.key === key && !(live.over && age > 5000) && !(someEnded && age > 60000)) return;
    stopLive();
    if (tiles.length) startLive(tiles, key);
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

  function tick() {
    const shown = visibleTiles();
    showTiles();
    followLive(shown);
    shown.forEach(function (tile) { if (!tile.classList.contains("has-video")) refresh(tile); });
  }
  setLayout(localStorage.getItem("wall-layout") || "4");
  tick();
  setInterval(tick, 1000);

  // a system-written text in the reader's language (its catalogue entry with the parameters filled in),
  // or the text as it came (a stream's own error text)
  function said(message, english) {
    const template = message && strings[message.key];
    if (!template) return english;
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return name in message.params ? String(message.params[name]) : all;
    });
  }

  function show(cams) {
    cams.forEach(function (cam) {
      const tile = wall.querySelector('.tile[data-camera="' + cam.id + '"]');
      if (!tile) return;
      const badge = tile.querySelector("[data-health]");
      badge.className = "health health-" + cam.health;
      badge.textContent = strings["health." + cam.health] || cam.health;
      badge.title = said(cam.health_message, cam.health_reason || "");
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
