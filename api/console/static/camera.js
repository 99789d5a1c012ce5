// The focused camera: its own H.264 in a <video> (no re-encoding), kept at the live edge; the MJPEG view
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
  setInterval(function () {
    if (fellBack || !video.buffered.length) return;
    const edge = video.buffered.end(video.buffered.length - 1);
    if (edge - video.currentTime > 1.5) video.currentTime = edge - 0.2;
  }, 1000);
})();
