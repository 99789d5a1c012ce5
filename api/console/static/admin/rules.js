// The duty-rules editor: the form becomes the `rules` mapping; "Check" validates it on the server exactly
// as the YAML file is validated (each problem names its key path, and the field is marked) and shows the
// diff against the version in force; "Save" stores a new version with the reason.
(function () {
  "use strict";
  const api = window.adminApi;
  const form = document.getElementById("rules-form");
  if (!form) return;
  const strings = document.getElementById("rules-strings").dataset;
  const base = JSON.parse(document.getElementById("rules-data").textContent);
  const message = document.getElementById("rules-message");
  const saveButton = document.getElementById("rules-save");

  function value(input) {
    const type = input.dataset.type;
    if (input.type === "checkbox") return input.checked;
    if (type === "int") return input.value === "" ? null : Number(input.value);
    if (type === "float") return input.value === "" ? null : Number(input.value);
    if (type === "list") return input.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    return input.value;
  }
  function draft() {
    const rules = JSON.parse(JSON.stringify(base));
    form.querySelectorAll("[data-path]").forEach(function (input) {
      const keys = input.dataset.path.split(".").slice(1);
      let node = rules;
      keys.slice(0, -1).forEach(function (k) { node = node[k]; });
      node[keys[keys.length - 1]] = value(input);
    });
    return rules;
  }
  function mark(errors) {
    form.querySelectorAll("[data-path]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
    errors.forEach(function (e) {
      if (!e.field) return;
      const input = form.querySelector('[data-path="' + e.field + '"]');
      if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
    });
  }
  async function check() {
    saveButton.disabled = true;
    const result = await api.send("POST", "/compliance/rules/check", { rules: draft() });
    const box = document.getElementById("rules-diff");
    if (!result.ok) { api.show(message, api.problem(result), true); return false; }
    const r = result.data;
    mark(r.errors);
    if (!r.ok) { box.hidden = true; api.show(message, r.errors.map(function (e) { return e.message; }).join("; "), true); return false; }
    if (!r.diff.length) { box.hidden = true; api.show(message, strings.unchanged, true); return false; }
    const pre = document.getElementById("rules-diff-text");
    pre.textContent = "";
    r.diff.forEach(function (d) {
      const del = document.createElement("span"); del.className = "del";
      del.textContent = "- " + d.path + ": " + JSON.stringify(d.old) + "\n";
      const add = document.createElement("span"); add.className = "add";
      add.textContent = "+ " + d.path + ": " + JSON.stringify(d.new) + "\n";
      pre.appendChild(del); pre.appendChild(add);
    });
    box.hidden = false; message.hidden = true; saveButton.disabled = false;
    return true;
  }
  document.getElementById("rules-check").addEventListener("click", check);
  form.addEventListener("input", function (event) { if (event.target.dataset.path) saveButton.disabled = true; });
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const reason = document.getElementById("rules-reason").value.trim();
    if (reason.length < 3) { api.show(message, strings.needReason, true); document.getElementById("rules-reason").focus(); return; }
    if (!(await check())) return;
    const result = await api.send("PUT", "/api/v1/duty-rules", { rules: draft(), reason: reason });
    if (!result.ok) { mark((result.data && result.data.errors) || []); api.show(message, api.problem(result), true); return; }
    api.show(message, strings.saved.replace("{v}", result.data.version), false);
    window.setTimeout(function () { window.location.reload(); }, 800);
  });
})();
