// Console glue shared by every page: CSRF on form posts, times in the site's zone, session idle warning.
(function () {
  "use strict";
  const body = document.body;
  const csrf = body.dataset.csrf || "";

  // State-changing forms are sent with the session's CSRF token in a header.
  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (!csrf || form.method.toLowerCase() !== "post" || form.dataset.plain !== undefined) return;
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "X-CSRF-Token": csrf, "Accept": "text/html" },
      credentials: "same-origin",
      redirect: "follow",
    });
    window.location.assign(response.redirected ? response.url : window.location.href);
  });

  // <time datetime="ISO"> shown in the site's time zone.
  // One format on every page, the server's: 2026-11-25 18:04:05, in the site's zone, whatever the browser's.
  const formatter = new Intl.DateTimeFormat("en-GB", {
    timeZone: body.dataset.tz || "UTC", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
  function siteTime(iso) {
    const p = {};
    formatter.formatToParts(new Date(iso)).forEach(function (part) { p[part.type] = part.value; });
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + ":" + p.second;
  }
  const dayFormatter = new Intl.DateTimeFormat("en-CA", {
    timeZone: body.dataset.tz || "UTC", year: "numeric", month: "2-digit", day: "2-digit",
  });
  window.controlroom = {
    csrf: csrf,
    formatTime: function (iso) { return iso ? siteTime(iso) : ""; },
    // the calendar day (YYYY-MM-DD) of an instant in the site's time zone
    siteDay: function (iso) { return dayFormatter.format(new Date(iso)); },
    localizeTimes: function (root) {
      (root || document).querySelectorAll("time[datetime]").forEach(function (el) {
        el.textContent = window.controlroom.formatTime(el.getAttribute("datetime"));
      });
    },
    post: async function (url, payload) {
      const response = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
        body: JSON.stringify(payload || {}),
      });
      let data = null;
      try { data = await response.json(); } catch (e) { data = null; }
      return { ok: response.ok, status: response.status, data: data };
    },
  };
  window.controlroom.localizeTimes();

  // The duty bar: who is on duty where, my check-in, open tasks/faults/alerts, time to my handover.
  const bar = document.getElementById("duty-bar");
  async function refreshBar() {
    try {
      const response = await fetch("/api/v1/console/status", { credentials: "same-origin" });
      if (!response.ok) return;
      const s = await response.json();
      const d = bar.dataset;
      const set = function (k, text, warn) {
        const el = bar.querySelector('[data-k="' + k + '"]');
        if (!el) return;  // not shown to this role
        el.textContent = text;
        el.classList.toggle("warn", Boolean(warn));
      };
      const people = s.on_duty.map(function (p) { return p.post + " — " + p.user; }).join(" · ");
      set("on_duty", d.onDuty + ": " + (people || d.nobody), !people);
      window.controlroom.checkedIn = Boolean(s.checked_in);
      set("me", s.checked_in ? d.in + (s.my_post ? " (" + s.my_post + ")" : "") : d.out, s.my_post && !s.checked_in);
      set("tasks", d.tasks + " " + s.open_tasks);
      set("faults", d.faults + " " + s.open_faults, s.open_faults > 0);
      set("alerts", d.alerts + " " + s.open_alerts, s.open_alerts > 0);
      if (s.handover_at) {
        const minutes = Math.max(0, Math.round((new Date(s.handover_at) - Date.now()) / 60000));
        set("handover", d.handover + " " + Math.floor(minutes / 60) + "h " + (minutes % 60) + "m", minutes < 30);
      } else { set("handover", ""); }
      const rules = bar.querySelector('[data-k="rules"]');
      if (rules) set("rules", s.rules_to_confirm ? rules.dataset.text.replace("{v}", s.rules_to_confirm) : "", true);
    } catch (e) { /* offline: keep the last figures */ }
  }
  if (bar) { refreshBar(); setInterval(refreshBar, 15000); }

  // Console activity (D2): input on any page tells the server the operator is at the console (once a minute);
  // not while held on /account/password (data-held: a password someone else set, nothing else is allowed).
  let lastBeat = 0;
  function heartbeat() {
    const now = Date.now();
    if (!csrf || body.dataset.held !== undefined || now - lastBeat < 60000) return;
    lastBeat = now;
    fetch("/api/v1/presence/activity", {
      method: "POST", headers: { "X-CSRF-Token": csrf }, credentials: "same-origin",
    }).catch(function () { /* offline: try again later */ });
  }
  ["keydown", "pointerdown", "wheel"].forEach(function (name) {
    document.addEventListener(name, heartbeat, { passive: true });
  });

  // Idle warning: after idle-2 minutes without input a banner offers to stay; at idle the session ends.
  const idle = parseInt(body.dataset.idle || "0", 10);
  if (idle > 0) {
    const banner = document.getElementById("idle-warning");
    const text = banner.querySelector("[data-text]");
    let last = Date.now();
    const touch = function () { last = Date.now(); banner.hidden = true; };
    ["keydown", "mousedown", "mousemove", "touchstart"].forEach(function (e) {
      document.addEventListener(e, touch, { passive: true });
    });
    document.getElementById("stay").addEventListener("click", function () {
      touch();
      fetch("/api/v1/auth/me", { credentials: "same-origin" });
    });
    // A watch page (wall, alert queue) open and visible to someone checked in is being watched: it stays
    // signed in without input. Hidden, or nobody checked in, the idle sign-out applies as everywhere.
    const watching = function () {
      return body.dataset.watch !== undefined && document.visibilityState === "visible" && window.controlroom.checkedIn;
    };
    setInterval(function () {
      if (watching()) { last = Date.now(); banner.hidden = true; }
      const left = idle * 60000 - (Date.now() - last);
      if (left <= 0) {
        window.controlroom.post("/api/v1/auth/logout").then(function () { window.location.assign("/login"); });
      } else if (left <= 120000) {
        text.textContent = text.dataset.text.replace("{m}", Math.ceil(left / 60000));
        banner.hidden = false;
      }
    }, 5000);
  }
})();
