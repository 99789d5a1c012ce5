// /admin/users: add a user (one-time password shown once), edit roles/language/disabled, unlock,
// reset the password, list and revoke the user's sessions and tokens. Every change asks for a reason.
(function () {
  "use strict";
  const api = window.adminApi;
  const strings = document.getElementById("users-strings").dataset;
  const message = document.getElementById("admin-message");
  const once = document.getElementById("one-time");
  const panel = document.getElementById("edit-panel");
  const editForm = document.getElementById("edit-user");
  let current = null;

  function report(result) {
    if (result.ok) { api.show(message, strings.saved, false); return true; }
    const d = result.data || {};
    const text = d.code === "last_admin" ? strings.lastAdmin + " (" + d.detail + ")" : api.problem(result);
    api.show(message, text, true);
    return false;
  }
  function showPassword(password) {
    document.getElementById("one-time-password").textContent = password;
    once.hidden = false;
  }
  function roles(form) {
    return Array.from(form.querySelectorAll('input[name="roles"]:checked')).map(function (i) { return i.value; });
  }

  document.getElementById("add-user").addEventListener("submit", async function (event) {
    event.preventDefault();
    const v = api.formValues(event.target);
    const result = await api.send("POST", "/admin/users", {
      username: v.username, display_name: v.display_name, roles: roles(event.target),
      language: v.language, reason: v.reason,
    });
    if (report(result)) { showPassword(result.data.password); event.target.reset(); }
  });

  async function loadTokens() {
    const body = document.querySelector("#tokens tbody");
    body.textContent = "";
    const result = await api.send("GET", "/admin/users/" + current.id + "/tokens");
    if (!result.ok) { report(result); return; }
    result.data.forEach(function (t) {
      const tr = document.createElement("tr");
      tr.dataset.tokenId = t.id;
      [t.kind, t.name, window.controlroom.formatTime(t.created_at), window.controlroom.formatTime(t.expires_at)]
        .forEach(function (text) { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); });
      const td = document.createElement("td");
      const button = document.createElement("button");
      button.type = "button"; button.textContent = strings.revoke; button.className = "revoke-token";
      button.addEventListener("click", async function () {
        const reason = reasonOrComplain();
        if (!reason) return;
        if (report(await api.send("POST", "/admin/users/" + current.id + "/tokens/" + t.id + "/revoke", { reason: reason }))) loadTokens();
      });
      td.appendChild(button); tr.appendChild(td); body.appendChild(tr);
    });
  }

  function open(user) {
    current = user;
    document.getElementById("edit-name").textContent = user.username;
    editForm.display_name.value = user.display_name;
    editForm.language.value = user.language;
    editForm.disabled.checked = user.disabled;
    editForm.querySelectorAll('input[name="roles"]').forEach(function (i) { i.checked = user.roles.indexOf(i.value) >= 0; });
    panel.hidden = false;
    once.hidden = true;
    editForm.display_name.focus();
    loadTokens();
  }
  document.querySelectorAll("#users tr[data-user]").forEach(function (tr) {
    tr.querySelector(".edit-user").addEventListener("click", function () { open(JSON.parse(tr.dataset.user)); });
  });

  function reasonOrComplain() {
    const reason = document.getElementById("edit-reason").value.trim();
    if (reason.length < 3) { api.show(message, strings.needReason, true); document.getElementById("edit-reason").focus(); return ""; }
    return reason;
  }

  editForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const result = await api.send("PATCH", "/admin/users/" + current.id, {
      display_name: editForm.display_name.value, roles: roles(editForm), language: editForm.language.value,
      disabled: editForm.disabled.checked, reason: editForm.reason.value,
    });
    if (report(result)) window.setTimeout(function () { window.location.reload(); }, 600);
  });
  document.getElementById("unlock").addEventListener("click", async function () {
    const reason = reasonOrComplain();
    if (reason) report(await api.send("POST", "/admin/users/" + current.id + "/unlock", { reason: reason }));
  });
  document.getElementById("reset-password").addEventListener("click", async function () {
    const reason = reasonOrComplain();
    if (!reason) return;
    const result = await api.send("POST", "/admin/users/" + current.id + "/password", { reason: reason });
    if (report(result)) { showPassword(result.data.password); loadTokens(); }
  });
})();
