// Maintenance forms (data-maint): sent with the CSRF header (as multipart when they carry a file);
// on success the page follows the redirect, on refusal the problem's detail is shown next to the form.
(function () {
  "use strict";
  const csrf = document.body.dataset.csrf || "";
  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (form.dataset.maint === undefined) return;
    event.preventDefault();
    const error = form.querySelector(".form-error");
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    const data = new FormData(form);
    const multipart = form.enctype === "multipart/form-data";
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: multipart ? data : new URLSearchParams(data),
        headers: { "X-CSRF-Token": csrf, "Accept": "text/html" },
        credentials: "same-origin",
        redirect: "follow",
      });
    } catch (e) {
      response = null;
    }
    if (response && response.ok) {
      window.location.assign(response.redirected ? response.url : window.location.href);
      return;
    }
    if (button) button.disabled = false;
    let message = response ? response.status + " " + response.statusText : "network error";
    try {
      const problem = await response.json();
      message = problem.detail || message;
    } catch (e) { /* not JSON */ }
    if (error) { error.textContent = message; error.hidden = false; }
  });
})();
