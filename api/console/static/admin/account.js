// /account/password: change one's own password through POST /api/v1/auth/password (the API's service).
(function () {
  "use strict";
  const api = window.adminApi;
  const strings = document.getElementById("account-strings").dataset;
  const message = document.getElementById("admin-message");
  const form = document.getElementById("password-form");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (form.new_password.value !== form.repeat_password.value) {
      api.show(message, strings.mismatch, true); form.repeat_password.focus(); return;
    }
    const result = await api.send("POST", "/api/v1/auth/password", {
      current_password: form.current_password.value, new_password: form.new_password.value,
    });
    if (result.ok) {
      form.reset(); api.show(message, strings.changed, false);
      // after a password someone else set, the console opens again: on to the user's own page
      if (strings.then) { window.location.assign(strings.then); }
      return;
    }
    api.show(message, api.problem(result), true);
  });
})();
