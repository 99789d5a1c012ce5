// /admin/cameras: test a stream (snapshot or a plain-language failure), add by URL or by ONVIF (discover,
// describe, pick a profile: its stream and snapshot URIs fill the form), edit a camera with a reason.
// Credentials are never shown back: the URL and password fields of the edit form only replace them.
(function () {
  "use strict";
  const api = window.adminApi;
  const strings = document.getElementById("camera-strings").dataset;
  const message = document.getElementById("admin-message");
  const data = JSON.parse(document.getElementById("camera-data").textContent);
  const addForm = document.getElementById("add-camera");
  const resultBox = document.getElementById("test-result");
  let profiles = [];

  function report(result) {
    if (result.ok) { api.show(message, strings.saved, false); return true; }
    api.show(message, api.problem(result), true);
    return false;
  }
  function showTest(result) {
    resultBox.textContent = "";
    const p = document.createElement("p");
    if (!result.ok) { p.textContent = api.problem(result); p.className = "error"; resultBox.appendChild(p); return; }
    const r = result.data;
    if (!r.ok) {
      p.className = "error"; p.dataset.outcome = "failed";
      p.textContent = strings.failed + ": " + r.reason + " — " + r.message;
      resultBox.appendChild(p); return;
    }
    p.dataset.outcome = "ok";
    p.textContent = strings.ok + ": " + r.codec + " " + r.width + "×" + r.height + ", " + r.fps + " fps, " + r.first_frame_ms + " ms";
    const img = document.createElement("img");
    img.src = r.picture; img.alt = strings.ok;
    resultBox.appendChild(p); resultBox.appendChild(img);
  }

  document.getElementById("test-stream").addEventListener("click", async function () {
    resultBox.textContent = "…";
    const v = api.formValues(addForm);
    showTest(await api.send("POST", "/admin/cameras/test", { url: v.url, user: v.user, password: v.password }));
  });

  addForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const v = api.formValues(addForm);
    const body = { name: v.name, title: v.title, url: v.url, user: v.user, key: Boolean(v.key), reason: v.reason };
    if (v.sub_url) body.sub_url = v.sub_url;
    if (v.password) body.password = v.password;
    const host = document.getElementById("onvif-host").value.trim();
    if (host && profiles.length) {
      body.onvif_host = host;
      body.onvif_port = parseInt(document.getElementById("onvif-port").value, 10) || 80;
      body.onvif_user = v.user;
      if (v.password) body.onvif_password = v.password;
    }
    if (report(await api.send("POST", "/admin/cameras", body))) window.setTimeout(function () { window.location.reload(); }, 600);
  });

  // ---- ONVIF: discover, describe, pick a profile ----
  const profileSelect = document.getElementById("onvif-profile");
  function pickProfile() {
    const p = profiles[profileSelect.selectedIndex];
    if (!p) return;
    document.getElementById("add-url").value = p.stream_uri || "";
    document.getElementById("add-snapshot-url").value = p.snapshot_uri || "";
    const others = profiles.filter(function (o) { return o !== p && o.stream_uri; });
    document.getElementById("add-sub-url").value = others.length ? others[0].stream_uri : "";
  }
  profileSelect.addEventListener("change", pickProfile);
  document.getElementById("onvif-describe").addEventListener("click", async function () {
    const body = {
      host: document.getElementById("onvif-host").value.trim(),
      port: parseInt(document.getElementById("onvif-port").value, 10) || 80,
      user: document.getElementById("add-user").value, password: document.getElementById("add-password").value,
    };
    const result = await api.send("POST", "/admin/cameras/onvif/describe", body);
    if (!result.ok) { report(result); return; }
    if (!result.data.ok) { api.show(message, strings.failed + ": " + result.data.reason + " — " + result.data.message, true); return; }
    profiles = result.data.profiles;
    profileSelect.textContent = "";
    profiles.forEach(function (p) {
      const o = document.createElement("option");
      o.value = p.token;
      o.textContent = p.name + " (" + [p.encoding, p.width && p.width + "×" + p.height].filter(Boolean).join(" ") + ")";
      profileSelect.appendChild(o);
    });
    profileSelect.disabled = false;
    if (!addForm.title.value) addForm.title.value = result.data.device;
    api.show(message, result.data.device, false);
    pickProfile();
  });
  document.getElementById("onvif-discover").addEventListener("click", async function () {
    const list = document.getElementById("onvif-found");
    list.textContent = "…";
    const result = await api.send("POST", "/admin/cameras/onvif/discover", { host: document.getElementById("onvif-host").value.trim() });
    list.textContent = "";
    const devices = result.ok ? result.data.devices : [];
    if (!devices.length) { const li = document.createElement("li"); li.textContent = strings.none; list.appendChild(li); }
    devices.forEach(function (d) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button"; b.textContent = d.source + " " + (d.xaddrs[0] || "");
      b.addEventListener("click", function () {
        try {
          const u = new URL(d.xaddrs[0]);
          document.getElementById("onvif-host").value = u.hostname;
          document.getElementById("onvif-port").value = u.port || 80;
        } catch (e) { document.getElementById("onvif-host").value = d.source; }
      });
      li.appendChild(b); list.appendChild(li);
    });
  });

  // ---- edit ----
  const panel = document.getElementById("camera-panel");
  const editForm = document.getElementById("edit-camera");
  let current = null;
  document.querySelectorAll("#cameras tr[data-id]").forEach(function (tr) {
    tr.querySelector(".edit-camera").addEventListener("click", function () {
      current = data.find(function (c) { return String(c.id) === tr.dataset.id; });
      document.getElementById("camera-name").textContent = current.name;
      editForm.title.value = current.title; editForm.location.value = current.location;
      editForm.url.value = ""; editForm.url.placeholder = current.url_masked; editForm.onvif_password.value = "";
      editForm.mode.value = current.recording.mode || "off"; editForm.retain_days.value = current.recording.retain_days || 30;
      editForm.key.checked = current.key; editForm.enabled.checked = current.enabled;
      editForm.home_preset.value = current.home_preset || "";
      panel.hidden = false; editForm.title.focus();
    });
  });
  document.getElementById("test-stored").addEventListener("click", async function () {
    resultBox.textContent = "…";
    const url = editForm.url.value.trim();
    showTest(await api.send("POST", "/admin/cameras/test", url ? { url: url } : { url: "*", camera_id: current.id }));
  });
  editForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const body = { reason: editForm.reason.value };
    if (editForm.title.value !== current.title) body.title = editForm.title.value;
    if (editForm.location.value !== current.location) body.location = editForm.location.value;
    if (editForm.url.value.trim()) body.url = editForm.url.value.trim();
    if (editForm.onvif_password.value) body.onvif_password = editForm.onvif_password.value;
    if (editForm.key.checked !== current.key) body.key = editForm.key.checked;
    if (editForm.enabled.checked !== current.enabled) body.enabled = editForm.enabled.checked;
    const recording = Object.assign({}, current.recording, { mode: editForm.mode.value, retain_days: parseInt(editForm.retain_days.value, 10) });
    if (JSON.stringify(recording) !== JSON.stringify(current.recording)) body.recording = recording;
    if (!report(await api.send("PATCH", "/api/v1/cameras/" + current.id, body))) return;
    const home = editForm.home_preset.value.trim();
    if (home && home !== current.home_preset) {
      if (!report(await api.send("POST", "/api/v1/cameras/" + current.id + "/ptz/home", { preset: home, reason: body.reason }))) return;
    }
    window.setTimeout(function () { window.location.reload(); }, 600);
  });
})();
