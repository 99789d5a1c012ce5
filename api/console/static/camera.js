// The focused camera: its own H.264 in a <video> (no re-encoding), kept near the live edge; the MJPEG view
// when that cannot be had (a demo camera, no keyframe yet, a browser without H.264).
(function () {
  "use strict";
  const video = document.getElementById("live-video");
  if (!video) return;
  const base = video.getAttribute("src");
  let fellBack = false;

  function mjpeg() {
    if (fellBack) return;
    fellBack = true;
    const img = document.createElement("img");
    img.className = video.className;
    img.alt = video.getAttribute("aria-label");
    img.src = video.dataset.mjpeg;
    video.replaceWith(img);
  }

  video.addEventListener("error", mjpeg);
  // a live stream has no end to buffer towards, so the browser may wait for more before it autoplays
  video.addEventListener("canplay", function () { if (video.paused) video.play().catch(function () {}); });
  // the stream ends when the camera reconnects: start again from its next keyframe
  video.addEventListener("ended", function () { video.src = base + "?t=" + Date.now(); });
  // kept near the live edge by playing a little faster while behind, never by seeking: a seek in a
  // progressive live stream restarts Chromium's pipeline, and one a second froze the picture
  setInterval(function () {
    if (fellBack || !video.buffered.length) return;
    const behind = video.buffered.end(video.buffered.length - 1) - video.currentTime;
    if (behind > 1.5) video.playbackRate = 1.1;
    else if (behind < 1.0) video.playbackRate = 1.0;
  }, 1000);
})();

// The camera as large as the screen: the full-screen button (and F) puts the picture on the whole screen;
// opened from the wall (?fullscreen=1) it fills the window at once, Esc going back to the wall. The footage
// link asks for this camera's last minutes, counted from the moment it is followed.
(function () {
  "use strict";
  const focus = document.getElementById("focus");
  const stage = document.getElementById("focus-stage");
  const button = document.getElementById("focus-full");
  if (!focus || !stage || !button) return;

  function label() {
    const on = document.fullscreenElement === stage;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = (on ? button.dataset.leave : button.dataset.enter);
  }
  function toggle() {
    if (document.fullscreenElement) { document.exitFullscreen().catch(function () {}); return; }
    if (stage.requestFullscreen) stage.requestFullscreen().catch(function () { focus.classList.add("filling"); });
    else focus.classList.add("filling");
  }
  button.addEventListener("click", toggle);
  document.addEventListener("fullscreenchange", label);
  document.addEventListener("keydown", function (e) {
    if (e.target.closest("input, textarea, select, dialog") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "f" || e.key === "F") { e.preventDefault(); toggle(); }
    else if (e.key === "Escape" && !document.fullscreenElement && focus.classList.contains("filling")) {
      e.preventDefault();
      window.location.assign("/wall");
    }
  });

  const footage = document.getElementById("focus-footage");
  if (footage) {
    footage.addEventListener("click", function () {
      const end = new Date(Math.floor(Date.now() / 1000) * 1000);
      const start = new Date(end.getTime() - parseInt(footage.dataset.minutes, 10) * 60000);
      footage.href = "/footage/view?camera=" + encodeURIComponent(footage.dataset.camera) +
        "&start=" + encodeURIComponent(start.toISOString()) + "&end=" + encodeURIComponent(end.toISOString());
    });
  }
})();
