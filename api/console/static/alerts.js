// The alert queue: live over SSE (resumes with Last-Event-ID), sound and flash on new alerts, one-key actions.
(function () {
  "use strict";
  const table = document.getElementById("alerts");
  if (!table) return;
  const tbody = table.querySelector("tbody");
  const strings = JSON.parse(document.getElementById("alert-strings").textContent);
  const template = document.getElementById("alert-row-template");
  const count = document.getElementById("open-count");
  const streamState = document.getElementById("stream-state");
  const dialog = document.getElementById("dispatch-dialog");
  const incidentDialog = document.getElementById("incident-dialog");
  const holdDialog = document.getElementById("hold-dialog");
  const snapshot = document.getElementById("snapshot-view");
  const t = function (key) { return strings[key] || key; };
  const cr = window.controlroom;

  function beep() {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880; gain.gain.value = 0.08;
      osc.connect(gain); gain.connect(ctx.destination);
      osc.start(); osc.stop(ctx.currentTime + 0.25);
    } catch (e) { /* no audio device */ }
  }

  function fill(row, a) {
    row.dataset.id = a.id;
    row.dataset.priority = a.priority;
    row.dataset.lastSeen = a.last_seen;
    row.dataset.firstSeen = a.first_seen;
    row.dataset.camera = a.camera_name;
    row.className = "alert-row prio-" + a.priority + " state-" + a.state + (a.routed_to && a.routed_to === table.dataset.me ? " mine" : "");
    const cell = function (f) { return row.querySelector('[data-f="' + f + '"]'); };
    cell("priority").textContent = t("priority." + a.priority);
    cell("what").textContent = t("kind." + a.kind) + (a.zone ? " · " + a.zone : "") + (a.event_count > 1 ? " ×" + a.event_count : "");
    cell("camera").innerHTML = "";
    const link = document.createElement(a.camera_id ? "a" : "span");
    if (a.camera_id) link.href = "/cameras/" + a.camera_id;
    link.textContent = a.camera_name;
    cell("camera").appendChild(link);
    cell("first_seen").innerHTML = '<time datetime="' + a.first_seen + '"></time>';
    cr.localizeTimes(row);
    let state = t("state." + a.state);
    if (a.escalated) state += " · " + t("alerts.escalated");
    if (a.dispatched) state += " · " + t("alerts.dispatched");
    if (a.routed_to) state += " · " + fmt(t("alerts.routed_to"), { name: a.routed_to });
    cell("state").textContent = state;
    linkFootage(row);
  }

  function linkFootage(row) {
    const link = row.querySelector('[data-f="footage"]');
    if (!link || !row.dataset.firstSeen) return;
    link.href = "/footage?camera=" + encodeURIComponent(row.dataset.camera) + "&day=" + cr.siteDay(row.dataset.firstSeen);
  }

  function rank(row) { return (row.dataset.priority === "high" ? "0" : "1") + (row.dataset.lastSeen || ""); }

  function place(row) {
    const rows = Array.prototype.slice.call(tbody.querySelectorAll("tr.alert-row"));
    const key = rank(row);
    const before = rows.find(function (r) {
      if (r === row) return false;
      const other = rank(r);
      return other[0] > key[0] || (other[0] === key[0] && other.slice(1) < key.slice(1));
    });
    tbody.insertBefore(row, before || null);
  }

  function upsert(event) {
    const a = event.alert;
    let row = tbody.querySelector('tr[data-id="' + a.id + '"]');
    const open = a.state === "new" || a.state === "acknowledged";
    if (!open) { if (row) row.remove(); updateCount(); return; }
    const fresh = !row;
    if (fresh) row = template.content.firstElementChild.cloneNode(true);
    fill(row, a);
    place(row);
    if (fresh && event.action === "created") { row.classList.add("flash"); beep(); }
    updateCount();
  }

  function updateCount() { count.textContent = tbody.querySelectorAll("tr.alert-row").length; }

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }

  // a refused action says why (the problem's detail), else that it failed; true when it succeeded
  function succeeded(result) {
    if (!result.ok) toast((result.data && result.data.detail) || t("alerts.failed"));
    return result.ok;
  }

  function toast(message) {
    const el = document.createElement("div");
    el.className = "toast"; el.setAttribute("role", "status"); el.textContent = message;
    document.body.appendChild(el);
    setTimeout(function () { el.remove(); }, 6000);
  }

  async function act(row, action) {
    const id = row.dataset.id;
    let result;
    if (action === "ack") result = await cr.post("/api/v1/alerts/" + id + "/acknowledge");
    else if (action === "false_alarm") result = await cr.post("/api/v1/alerts/" + id + "/close", { false_alarm: true });
    else if (action === "resolve") result = await cr.post("/api/v1/alerts/" + id + "/close", { false_alarm: false });
    else if (action === "snapshot") {
      snapshot.src = "/api/v1/alerts/" + id + "/snapshot"; snapshot.hidden = false; return;
    } else if (action === "dispatch") { openDispatch(id); return; }
    else if (action === "incident") { openIncident(row); return; }
    else if (action === "hold") { openHold(row); return; }
    if (result && succeeded(result)) upsert({ action: action, alert: result.data });
  }

  function openDispatch(id) {
    dialog.dataset.id = id;
    dialog.querySelector("form").reset();
    dialog.showModal();
  }
  dialog.addEventListener("close", async function () {
    if (dialog.returnValue !== "send") return;
    const form = dialog.querySelector("form");
    const responders = Array.prototype.map.call(form.querySelectorAll("input[name=responders]:checked"), function (i) { return i.value; });
    const result = await cr.post("/api/v1/alerts/" + dialog.dataset.id + "/dispatch", { responders: responders, note: form.note.value });
    if (succeeded(result)) upsert({ action: "dispatched", alert: result.data });
  });

  function openIncident(row) {
    incidentDialog.dataset.id = row.dataset.id;
    const form = incidentDialog.querySelector("form");
    form.reset();
    form.content.value = row.querySelector('[data-f="what"]').textContent + " · " + row.dataset.camera;
    incidentDialog.showModal();
  }
  incidentDialog.addEventListener("close", async function () {
    if (incidentDialog.returnValue !== "send") return;
    const form = incidentDialog.querySelector("form");
    const result = await cr.post("/api/v1/incidents/alerts", {
      alert_id: Number(incidentDialog.dataset.id), category: form.category.value,
      content: form.content.value, place: form.place.value,
    });
    if (succeeded(result)) toast(fmt(t("alerts.incident_opened"), { id: result.data.id }));
  });

  function holdRange(row, form) {
    const minute = 60000;
    const start = new Date(new Date(row.dataset.firstSeen).getTime() - Number(form.before.value || 0) * minute);
    const end = new Date(new Date(row.dataset.lastSeen || row.dataset.firstSeen).getTime() + Number(form.after.value || 0) * minute);
    return { start: start, end: end };
  }

  function openHold(row) {
    holdDialog.dataset.id = row.dataset.id;
    const form = holdDialog.querySelector("form");
    form.reset();
    form.incident_ref.value = "alert:" + row.dataset.id;
    const show = function () {
      const r = holdRange(row, form);
      holdDialog.querySelector('[data-f="range"]').textContent = row.dataset.camera + " · " + r.start.toLocaleString() + " – " + r.end.toLocaleString();
    };
    form.before.oninput = show; form.after.oninput = show; show();
    holdDialog.showModal();
  }
  holdDialog.addEventListener("close", async function () {
    if (holdDialog.returnValue !== "send") return;
    const form = holdDialog.querySelector("form");
    const row = tbody.querySelector('tr[data-id="' + holdDialog.dataset.id + '"]');
    if (!row) return;
    const r = holdRange(row, form);
    const result = await cr.post("/api/v1/footage/holds", {
      camera: row.dataset.camera, start: r.start.toISOString(), end: r.end.toISOString(),
      incident_ref: form.incident_ref.value, category: form.category.value, note: form.note.value,
    });
    if (succeeded(result)) toast(fmt(t("alerts.hold_placed"), { id: result.data.id, camera: row.dataset.camera }));
  });
  snapshot.addEventListener("click", function () { snapshot.hidden = true; });

  tbody.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-act]");
    if (button) act(button.closest("tr"), button.dataset.act);
  });
  const keys = { a: "ack", f: "false_alarm", r: "resolve", d: "dispatch", i: "incident", h: "hold", s: "snapshot" };
  document.addEventListener("keydown", function (event) {
    if (dialog.open || incidentDialog.open || holdDialog.open || event.target.matches("input, textarea, select")) return;
    const rows = Array.prototype.slice.call(tbody.querySelectorAll("tr.alert-row"));
    if (!rows.length) return;
    const current = document.activeElement.closest ? document.activeElement.closest("tr.alert-row") : null;
    const index = rows.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "j") { rows[Math.min(rows.length - 1, index + 1)].focus(); event.preventDefault(); }
    else if (event.key === "ArrowUp" || event.key === "k") { rows[Math.max(0, index - 1)].focus(); event.preventDefault(); }
    else if (keys[event.key]) { act(current || rows[0], keys[event.key]); event.preventDefault(); }
  });

  cr.localizeTimes(tbody);
  tbody.querySelectorAll("tr.alert-row").forEach(linkFootage);
  const source = new EventSource("/api/v1/alerts/stream?after=" + (table.dataset.after || "0"));
  source.addEventListener("alert", function (e) { upsert(JSON.parse(e.data)); });
  source.onopen = function () { streamState.textContent = streamState.dataset.ok; streamState.className = "stream-state ok"; };
  source.onerror = function () { streamState.textContent = streamState.dataset.lost; streamState.className = "stream-state lost"; };
})();
