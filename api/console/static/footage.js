// Footage pages: forms show the server's reason when refused (403 outside a grant, 409 overlapping hold ...);
// the export page follows the export's progress.
(function () {
  "use strict";
  const csrf = document.body.dataset.csrf || "";
  document.querySelectorAll("form[data-footage]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const slot = form.querySelector("[data-error]");
      const action = (event.submitter && event.submitter.getAttribute("formaction")) || form.action;
      const response = await fetch(action, {
        method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Accept": "text/html" }, redirect: "follow",
      });
      if (response.ok) { window.location.assign(response.url); return; }
      let message = response.status + " " + response.statusText;
      try { const problem = await response.json(); message = problem.detail || message; } catch (e) { /* not JSON */ }
      if (slot) { slot.textContent = message; slot.hidden = false; }
    });
  });
  const box = document.getElementById("export");
  if (box && box.dataset.state === "running") {
    const labels = JSON.parse(box.querySelector("template[data-labels]").innerHTML);
    const tick = async function () {
      const response = await fetch("/api/v1/footage/exports/" + box.dataset.export, { credentials: "same-origin" });
      const data = await response.json();
      box.querySelector("[data-progress]").value = data.progress;
      box.querySelector("[data-status]").textContent = labels[data.state] + (data.error ? ": " + data.error : "");
      if (data.state === "running") { window.setTimeout(tick, 700); return; }
      box.dataset.state = data.state;
      if (data.state === "done") {
        box.querySelector("[data-sha]").textContent = data.sha256;
        box.querySelector("[data-done]").hidden = false;
      }
    };
    tick();
  }
})();
