// Console glue: state-changing forms are sent with the session's CSRF token in a header.
(function () {
  "use strict";
  const csrf = document.body.dataset.csrf || "";
  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (!csrf || form.method.toLowerCase() !== "post" || form.dataset.plain !== undefined) return;
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { "X-CSRF-Token": csrf, "Accept": "text/html" },
      credentials: "same-origin",
      redirect: "follow",
    });
    window.location.assign(response.redirected ? response.url : window.location.href);
  });
})();
