// PTZ controls on the camera page: every command asks for a reason (audited, R2) and calls the JSON API.
(function () {
  "use strict";
  const panel = document.getElementById("ptz");
  if (!panel) return;
  const strings = JSON.parse(document.getElementById("ptz-strings").textContent);
  const t = function (key, params) {
    let text = strings[key] || key;
    Object.keys(params || {}).forEach(function (k) { text = text.replace("{" + k + "}", params[k]); });
    return text;
  };
  const base = "/api/v1/cameras/" + panel.dataset.camera + "/ptz";
  const canSetHome = panel.dataset.setHome === "true";
  const dialog = document.getElementById("ptz-dialog");
  const form = document.getElementById("ptz-form");
  const reason = document.getElementById("ptz-reason");
  const title = document.getElementById("ptz-dialog-title");
  const status = document.getElementById("ptz-status");
  const list = document.getElementById("ptz-presets");
  const MOVE_SECONDS = 0.5;
  let lastReason = "";
  let busy = false;

  // The reason dialog: resolves with the reason, or null when cancelled.
  function ask(what) {
    return new Promise(function (resolve) {
      title.textContent = t("ptz.why", { what: what });
      reason.value = lastReason;
      dialog.returnValue = "";
      dialog.addEventListener("close", function () {
        resolve(dialog.returnValue === "ok" ? reason.value.trim() : null);
      }, { once: true });
      dialog.showModal();
      reason.select();
    });
  }
  reason.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit(document.getElementById("ptz-send"));
    }
  });

  function show(text, bad) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(bad));
  }

  function describeResult(data) {
    if (data && data.return_home_at) {
      return t("ptz.returns_at", { time: window.controlroom.formatTime(data.return_home_at) });
    }
    return t("ptz.at_home");
  }

  function problem(response) {
    const detail = (response.data && response.data.detail) || String(response.status);
    return t(response.status === 403 ? "ptz.refused" : "ptz.failed", { detail: detail });
  }

  async function command(path, what, payload) {
    if (busy) return;
    const why = await ask(what);
    if (why === null) return;
    busy = true;
    panel.setAttribute("aria-busy", "true");
    show(t("ptz.sending", { what: what }));
    try {
      const response = await window.controlroom.post(base + path, Object.assign({ reason: why }, payload));
      if (response.ok) {
        lastReason = why;
        show(t("ptz.done", { what: what }) + " " + describeResult(response.data));
        if (path === "/home") loadPresets();
      } else {
        show(problem(response), true);
      }
    } catch (err) {
      show(t("ptz.failed", { detail: String(err) }), true);
    } finally {
      busy = false;
      panel.removeAttribute("aria-busy");
    }
  }

  function labelOf(button) {
    return button.getAttribute("aria-label") || button.textContent.trim();
  }

  panel.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const what = labelOf(button);
    const d = button.dataset;
    switch (d.action) {
      case "move":
        command("/move", what, {
          pan: Number(d.pan || 0), tilt: Number(d.tilt || 0), zoom: Number(d.zoom || 0), seconds: MOVE_SECONDS,
        });
        break;
      case "stop": command("/stop", what, {}); break;
      case "return-home": command("/return-home", what, {}); break;
      case "preset": command("/preset", what, { preset: d.preset }); break;
      case "home": command("/home", what, d.preset ? { preset: d.preset } : {}); break;
    }
  });

  function presetItem(preset) {
    const li = document.createElement("li");
    const go = document.createElement("button");
    go.type = "button";
    go.dataset.action = "preset";
    go.dataset.preset = preset.token;
    go.textContent = preset.name || preset.token;
    go.setAttribute("aria-label", t("ptz.goto", { name: preset.name || preset.token }));
    li.appendChild(go);
    if (preset.home) {
      const badge = document.createElement("span");
      badge.className = "badge ptz-home";
      badge.textContent = "⌂ " + t("ptz.home_badge");
      li.appendChild(badge);
    } else if (canSetHome) {
      const make = document.createElement("button");
      make.type = "button";
      make.className = "secondary";
      make.dataset.action = "home";
      make.dataset.preset = preset.token;
      make.textContent = t("ptz.make_home");
      make.setAttribute("aria-label", t("ptz.make_home_named", { name: preset.name || preset.token }));
      li.appendChild(make);
    }
    return li;
  }

  async function loadPresets() {
    let response;
    try {
      response = await fetch(base + "/presets", { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (err) {
      list.replaceChildren(note(t("ptz.presets_failed", { detail: String(err) }), true));
      return;
    }
    const data = await response.json().catch(function () { return null; });
    if (!response.ok) {
      const detail = (data && data.detail) || String(response.status);
      list.replaceChildren(note(t("ptz.presets_failed", { detail: detail }), true));
      return;
    }
    list.replaceChildren.apply(list, data.length ? data.map(presetItem) : [note(t("ptz.presets_none"))]);
  }

  function note(text, bad) {
    const li = document.createElement("li");
    li.className = bad ? "error" : "muted";
    li.textContent = text;
    return li;
  }

  loadPresets();
})();
