// The compliance page: confirm the current duty rules.
(function () {
  "use strict";
  const button = document.getElementById("confirm-button");
  if (!button) return;
  button.addEventListener("click", async function () {
    const result = await window.controlroom.post("/api/v1/duty-rules/confirm", { version: parseInt(button.dataset.version, 10) });
    if (result.ok) window.location.reload();
  });
})();
