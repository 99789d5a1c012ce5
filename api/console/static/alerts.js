// The alert queue: live over SSE (resumes with Last-Event-ID), one order (priority, state, newest) under every
// update, filters and pages applied to live rows too, repeats grouped, several rows acknowledged together,
// a sound per priority repeated until every new alert is acknowledged (muting it is audited), one-key actions.
(function () {
  "use strict";
  const table = document.getElementById("alerts");
  if (!table) return;
  const tbody = table.querySelector("tbody");
  const strings = JSON.parse(document.getElementById("alert-strings").textContent);
  const postTitles = JSON.parse(document.getElementById("alert-posts").textContent);
  const template = document.getElementById("alert-row-template");
  const count = document.getElementById("open-count");
  const streamState = document.getElementById("stream-state");
  const dialog = document.getElementById("dispatch-dialog");
  const incidentDialog = document.getElementById("incident-dialog");
  const holdDialog = document.getElementById("hold-dialog");
  const snapshotDialog = document.getElementById("snapshot-dialog");
  const snapshot = document.getElementById("snapshot-view");
  const filters = document.getElementById("alert-filters");
  const bulk = document.getElementById("bulk");
  const pager = document.getElementById("pager");
  const muteButton = document.getElementById("mute");
  const pickAll = document.getElementById("pick-all");
  const pageSize = Number(table.dataset.pageSize || 25);
  const t = function (key) { return strings[key] || key; };
  const cr = window.controlroom;
  let page = 0;
  let muted = false;
  const expanded = new Set();

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }

  // ---- sound: one tone pattern per priority, repeated while a new alert is unacknowledged ----
  let audio = null;
  function tone(frequency, at, length) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = frequency; gain.gain.value = 0.3;
    osc.connect(gain); gain.connect(audio.destination);
    osc.start(audio.currentTime + at); osc.stop(audio.currentTime + at + length);
  }
  function sound() {
    if (muted) return;
    const waiting = tbody.querySelector('tr.alert-row[data-state="new"][data-priority="high"]') ? "high"
      : (tbody.querySelector('tr.alert-row[data-state="new"]') ? "normal" : "");
    table.dataset.sounding = waiting;
    if (!waiting) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (waiting === "high") { tone(988, 0, 0.3); tone(988, 0.45, 0.3); tone(988, 0.9, 0.3); }
      else { tone(660, 0, 0.5); }
    } catch (e) { /* no audio device */ }
  }
  setInterval(sound, 5000);
  // a browser starts audio made before any key or click "suspended" (autoplay policy): the first one resumes it
  function unlock() { try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); if (audio.state === "suspended") audio.resume().catch(function () {}); } catch (e) { /* no audio device */ } }
  ["keydown", "pointerdown"].forEach(function (type) { document.addEventListener(type, unlock, true); });
  muteButton.addEventListener("click", async function () {
    const result = await cr.post("/alerts/sound", { muted: !muted });
    if (!result.ok) { toast(t("alerts.failed")); return; }
    muted = !muted;
    muteButton.setAttribute("aria-pressed", String(muted));
    muteButton.textContent = muted ? muteButton.dataset.off : muteButton.dataset.on;
    if (!muted) sound();
  });

  // ---- rows ----
  function what(a) {
    let text = t("kind." + a.kind);
    if (a.zone && a.zone.indexOf("post:") === 0) text += " · " + (postTitles[a.zone.slice(5)] || a.zone);
    else if (a.zone && a.kind === "duty_rule") text += " · " + t("rule." + a.zone);
    else if (a.zone) text += " · " + a.zone;
    return text;
  }

  function fill(row, a) {
    const d = row.dataset;
    d.id = a.id; d.priority = a.priority; d.state = a.state; d.kind = a.kind; d.zone = a.zone || "";
    d.lastSeen = a.last_seen; d.firstSeen = a.first_seen; d.camera = a.camera_name;
    d.cameraId = a.camera_id || ""; d.snapshot = a.has_snapshot ? "yes" : "";
    d.post = a.zone && a.zone.indexOf("post:") === 0 ? a.zone.slice(5) : "";
    row.className = "alert-row prio-" + a.priority + " state-" + a.state + (a.routed_to && a.routed_to === table.dataset.me ? " mine" : "");
    const cell = function (f) { return row.querySelector('[data-f="' + f + '"]'); };
    cell("priority").textContent = t("priority." + a.priority);
    cell("what").textContent = what(a) + (a.event_count > 1 ? " ×" + a.event_count : "");
    cell("camera").innerHTML = "";
    const link = document.createElement(a.camera_id ? "a" : "span");
    if (a.camera_id) link.href = "/cameras/" + a.camera_id;
    link.textContent = a.camera_name;
    cell("camera").appendChild(link);
    cell("first_seen").innerHTML = '<time datetime="' + a.first_seen + '"></time>';
    cr.localizeTimes(row);
    const thumb = cell("thumb");
    if (a.has_snapshot && !thumb.querySelector("img")) {
      const img = document.createElement("img");
      img.alt = ""; img.loading = "lazy"; img.width = 96; img.height = 54;
      img.src = "/api/v1/alerts/" + a.id + "/snapshot";
      thumb.appendChild(img);
    }
    let state = t("state." + a.state);
    if (a.escalated) state += " · " + t("alerts.escalated");
    if (a.dispatched) state += " · " + t("alerts.dispatched");
    if (a.routed_to) state += " · " + fmt(t("alerts.routed_to"), { name: a.routed_to });
    cell("state").textContent = state;
    offer(row);
  }

  // actions that cannot apply to this alert are not offered
  function offer(row) {
    const hasCamera = Boolean(row.dataset.cameraId);
    row.querySelector('[data-act="hold"]').hidden = !hasCamera;
    row.querySelector('[data-act="snapshot"]').hidden = !row.dataset.snapshot;
    const link = row.querySelector('[data-f="footage"]');
    link.hidden = !hasCamera;
    if (hasCamera && row.dataset.firstSeen) {
      link.href = "/footage?camera=" + encodeURIComponent(row.dataset.camera) + "&day=" + cr.siteDay(row.dataset.firstSeen);
    }
  }

  const PRIORITY = { high: 0, normal: 1 };
  const STATE = { "new": 0, acknowledged: 1 };
  function compare(x, y) {
    const a = x.dataset, b = y.dataset;
    return ((PRIORITY[a.priority] ?? 9) - (PRIORITY[b.priority] ?? 9))
      || ((STATE[a.state] ?? 9) - (STATE[b.state] ?? 9))
      || (Date.parse(b.lastSeen) - Date.parse(a.lastSeen))
      || (Number(b.id) - Number(a.id));
  }

  function allRows() { return Array.prototype.slice.call(tbody.querySelectorAll("tr.alert-row")); }

  function sortRows() {
    const rows = allRows();
    const sorted = rows.slice().sort(compare);
    if (sorted.every(function (r, i) { return r === rows[i]; })) return;
    const focused = document.activeElement;
    sorted.forEach(function (r) { tbody.appendChild(r); });
    if (focused && focused !== document.body && document.contains(focused)) focused.focus();
  }

  function matches(row, f) {
    const d = row.dataset;
    if (f.camera && d.camera !== f.camera) return false;
    if (f.post && d.post !== f.post) return false;
    if (f.kind && d.kind !== f.kind) return false;
    if (f.state && d.state !== f.state) return false;
    if (f.priority && d.priority !== f.priority) return false;
    if (f.since && Date.parse(d.lastSeen) < Date.now() - Number(f.since) * 60000) return false;
    return true;
  }

  function groupKey(row) { return row.dataset.kind + "|" + row.dataset.camera + "|" + row.dataset.zone + "|" + row.dataset.state; }

  // Sort, then filter, group and page: run after every change, so live rows obey the same view.
  function view() {
    sortRows();
    const f = Object.fromEntries(new FormData(filters).entries());
    const grouped = filters.grouped.checked;
    const leaders = [];
    const groups = new Map();
    allRows().forEach(function (row) {
      row.dataset.shown = "";
      if (!matches(row, f)) return;
      const key = groupKey(row);
      if (grouped && groups.has(key)) { groups.get(key).push(row); return; }
      groups.set(key, [row]);
      leaders.push(row);
    });
    const visible = [];
    leaders.forEach(function (row) {
      const members = groups.get(groupKey(row)) || [row];
      const button = row.querySelector('[data-f="group"]');
      const more = grouped ? members.length - 1 : 0;
      button.hidden = more < 1;
      const open = expanded.has(groupKey(row));
      button.textContent = more < 1 ? "" : (open ? t("alerts.collapse") : fmt(t("alerts.repeats"), { n: more }));
      button.setAttribute("aria-expanded", String(open));
      visible.push(row);
      if (more > 0 && open) members.slice(1).forEach(function (m) { m.classList.add("member"); visible.push(m); });
      else members.slice(1).forEach(function (m) { m.classList.remove("member"); });
      row.classList.remove("member");
    });
    const pages = Math.max(1, Math.ceil(visible.length / pageSize));
    page = Math.min(page, pages - 1);
    const start = page * pageSize;
    visible.slice(start, start + pageSize).forEach(function (row) { row.dataset.shown = "yes"; });
    allRows().forEach(function (row) { row.hidden = row.dataset.shown !== "yes"; });
    const where = pager.querySelector('[data-f="where"]');
    where.textContent = fmt(where.dataset.text, { page: page + 1, pages: pages, shown: visible.length });
    pager.querySelector('[data-page="prev"]').disabled = page === 0;
    pager.querySelector('[data-page="next"]').disabled = page >= pages - 1;
    count.textContent = allRows().length;
    updateBulk();
  }

  function shownRows() { return allRows().filter(function (r) { return !r.hidden; }); }

  function upsert(event) {
    const a = event.alert;
    let row = tbody.querySelector('tr[data-id="' + a.id + '"]');
    const open = a.state === "new" || a.state === "acknowledged";
    if (!open) { if (row) row.remove(); view(); return; }
    const fresh = !row;
    if (fresh) row = template.content.firstElementChild.cloneNode(true);
    fill(row, a);
    if (fresh) tbody.appendChild(row);
    view();
    if (fresh && event.action === "created") { row.classList.add("flash"); sound(); }
  }

  // ---- selection ----
  function selected() { return allRows().filter(function (r) { return r.querySelector('[data-f="pick"]').checked; }); }
  function updateBulk() {
    const n = selected().length;
    bulk.hidden = n === 0;
    const label = bulk.querySelector('[data-f="count"]');
    label.textContent = fmt(label.dataset.text, { n: n });
  }
  tbody.addEventListener("change", function (event) { if (event.target.matches('[data-f="pick"]')) updateBulk(); });
  pickAll.addEventListener("change", function () {
    shownRows().forEach(function (r) { r.querySelector('[data-f="pick"]').checked = pickAll.checked; });
    updateBulk();
  });
  bulk.addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-bulk]");
    if (!button) return;
    const rows = selected();
    if (button.dataset.bulk === "none") { rows.forEach(function (r) { r.querySelector('[data-f="pick"]').checked = false; }); pickAll.checked = false; updateBulk(); return; }
    const next = nextAfter(rows);
    for (const row of rows) {  // one request per alert: each change is audited on its own
      await act(row, button.dataset.bulk, { keepFocus: true });
      row.querySelector('[data-f="pick"]').checked = false;
    }
    pickAll.checked = false;
    view();
    focusRow(next);
  });

  // ---- feedback ----
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

  // ---- focus: after an action, the row below (or the one above at the end) keeps the keyboard ----
  function nextAfter(rows) {
    const shown = shownRows();
    const last = rows.reduce(function (m, r) { return Math.max(m, shown.indexOf(r)); }, -1);
    const after = shown.slice(last + 1).find(function (r) { return rows.indexOf(r) < 0; });
    const first = rows.length ? shown.indexOf(rows[0]) : -1;
    const before = shown.slice(0, Math.max(0, first)).reverse().find(function (r) { return rows.indexOf(r) < 0; });
    return after ? after.dataset.id : (before ? before.dataset.id : "");
  }
  function focusRow(id) {
    const row = id && tbody.querySelector('tr[data-id="' + id + '"]');
    if (row && !row.hidden) row.focus();
    else { const first = shownRows()[0]; if (first) first.focus(); }
  }

  async function act(row, action, options) {
    const id = row.dataset.id;
    const keep = options && options.keepFocus;
    // where the keyboard goes next is decided now: the live update may move the row before the answer comes
    const next = keep ? "" : nextAfter([row]);
    let result;
    if (action === "ack") result = await cr.post("/api/v1/alerts/" + id + "/acknowledge");
    else if (action === "false_alarm") result = await cr.post("/api/v1/alerts/" + id + "/close", { false_alarm: true });
    else if (action === "resolve") result = await cr.post("/api/v1/alerts/" + id + "/close", { false_alarm: false });
    else if (action === "snapshot") {
      if (!row.dataset.snapshot) return;
      snapshot.src = "/api/v1/alerts/" + id + "/snapshot"; snapshotDialog.dataset.id = id; snapshotDialog.showModal(); return;
    } else if (action === "dispatch") { openDispatch(id); return; }
    else if (action === "incident") { openIncident(row); return; }
    else if (action === "hold") { if (row.dataset.cameraId) openHold(row); return; }
    if (!result || !succeeded(result)) return;
    if (keep) { upsert({ action: action, alert: result.data }); return; }
    upsert({ action: action, alert: result.data });
    // an acknowledged row stays (lower in the order): the keyboard moves on to the row that was below it
    focusRow(next);
  }

  function openDispatch(id) {
    dialog.dataset.id = id;
    dialog.querySelector("form").reset();
    dialog.showModal();
  }
  dialog.addEventListener("close", async function () {
    focusRow(dialog.dataset.id);
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
    form.content.value = row.querySelector('[data-f="what"]').textContent + (row.dataset.camera ? " · " + row.dataset.camera : "");
    incidentDialog.showModal();
  }
  incidentDialog.addEventListener("close", async function () {
    focusRow(incidentDialog.dataset.id);
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
      holdDialog.querySelector('[data-f="range"]').textContent = row.dataset.camera + " · " + cr.formatTime(r.start.toISOString()) + " – " + cr.formatTime(r.end.toISOString());
    };
    form.before.oninput = show; form.after.oninput = show; show();
    holdDialog.showModal();
  }
  holdDialog.addEventListener("close", async function () {
    focusRow(holdDialog.dataset.id);
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
  snapshotDialog.addEventListener("close", function () { focusRow(snapshotDialog.dataset.id); });
  snapshot.addEventListener("click", function () { snapshotDialog.close(); });

  tbody.addEventListener("click", function (event) {
    const group = event.target.closest('[data-f="group"]');
    if (group) {
      const key = groupKey(group.closest("tr"));
      if (expanded.has(key)) expanded.delete(key); else expanded.add(key);
      view();
      return;
    }
    const button = event.target.closest("button[data-act]");
    if (button) act(button.closest("tr"), button.dataset.act);
  });
  filters.addEventListener("change", function () { page = 0; view(); });
  filters.addEventListener("submit", function (event) { event.preventDefault(); });
  pager.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-page]");
    if (!button) return;
    page += button.dataset.page === "next" ? 1 : -1;
    view();
    const first = shownRows()[0];
    if (first) first.focus();
  });

  const keys = { a: "ack", f: "false_alarm", r: "resolve", d: "dispatch", i: "incident", h: "hold", s: "snapshot" };
  document.addEventListener("keydown", function (event) {
    if (dialog.open || incidentDialog.open || holdDialog.open || snapshotDialog.open) return;
    if (event.target.matches("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    const rows = shownRows();
    if (!rows.length) return;
    const current = document.activeElement.closest ? document.activeElement.closest("tr.alert-row") : null;
    const index = rows.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "j") { rows[Math.min(rows.length - 1, index + 1)].focus(); event.preventDefault(); }
    else if (event.key === "ArrowUp" || event.key === "k") { rows[Math.max(0, index - 1)].focus(); event.preventDefault(); }
    else if (event.key === " " && current) { const box = current.querySelector('[data-f="pick"]'); box.checked = !box.checked; updateBulk(); event.preventDefault(); }
    else if (event.key === "Enter" && current) { const group = current.querySelector('[data-f="group"]'); if (!group.hidden) group.click(); event.preventDefault(); }
    else if (keys[event.key.toLowerCase()]) { act(current || rows[0], keys[event.key.toLowerCase()]); event.preventDefault(); }
  });

  allRows().forEach(offer);
  view();
  sound();
  const source = new EventSource("/api/v1/alerts/stream?after=" + (table.dataset.after || "0"));
  source.addEventListener("alert", function (e) { upsert(JSON.parse(e.data)); });
  source.onopen = function () { streamState.textContent = streamState.dataset.ok; streamState.className = "stream-state ok"; };
  source.onerror = function () { streamState.textContent = streamState.dataset.lost; streamState.className = "stream-state lost"; };
  setInterval(function () { if (filters.since.value) view(); }, 30000);
})();
