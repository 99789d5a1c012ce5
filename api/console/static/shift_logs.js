// Shift-log pages: forms marked data-shift are sent with the CSRF header; a refusal is shown next to
// the form (the problem's detail) instead of reloading. Console activity of a checked-in person is
// reported at most once a minute (for the inactivity rule).
(function () {
  "use strict";
  const csrf = document.body.dataset.csrf || "";
  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (form.dataset.shift === undefined || form.method.toLowerCase() !== "post") return;
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    const out = form.querySelector(".form-error");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "X-CSRF-Token": csrf, "Accept": "application/json" },
        credentials: "same-origin",
        redirect: "follow",
      });
      if (response.ok) {
        window.location.assign(response.redirected ? response.url : window.location.href);
        return;
      }
      let message = response.status + " " + response.statusText;
      try {
        const problem = await response.json();
        message = problem.detail || message;
      } catch (ignored) { /* not JSON */ }
      if (out) { out.textContent = message; out.hidden = false; }
    } finally {
      if (button) button.disabled = false;
    }
  });

})();
