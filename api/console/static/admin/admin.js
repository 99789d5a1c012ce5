// Shared by the administration pages: JSON requests with the session's CSRF token, and error display
// that names the field the server refused.
(function () {
  "use strict";
  async function send(method, url, payload) {
    const response = await fetch(url, {
      method: method, credentials: "same-origin",
      headers: {
        "Content-Type": "application/json", "Accept": "application/json",
        "X-CSRF-Token": document.body.dataset.csrf || "",
      },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { ok: response.ok, status: response.status, data: data };
  }
  // "field: message" for each refused field, else the problem's detail
  function problem(result) {
    const d = result.data || {};
    if (d.errors && d.errors.length) {
      return d.errors.map(function (e) { return e.field + ": " + e.message; }).join("; ");
    }
    return d.detail || ("HTTP " + result.status);
  }
  function show(el, text, bad) {
    el.textContent = text;
    el.classList.toggle("error", Boolean(bad));
    el.hidden = !text;
  }
  function formValues(form) {
    const out = {};
    new FormData(form).forEach(function (value, key) {
      if (key in out) { out[key] = [].concat(out[key], value); } else { out[key] = value; }
    });
    return out;
  }
  window.adminApi = { send: send, problem: problem, show: show, formValues: formValues };
})();
