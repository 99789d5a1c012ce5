// /admin/posts: add a post or change its title, cameras, allowed roles, checklist and whether it is in use.
(function () {
  "use strict";
  const api = window.adminApi;
  const message = document.getElementById("admin-message");
  const saved = document.getElementById("post-strings").dataset.saved;
  const posts = JSON.parse(document.getElementById("post-data").textContent);
  const form = document.getElementById("post-form");
  const heading = document.getElementById("post-heading");
  let current = null;

  function checked(name) {
    return Array.from(form.querySelectorAll('input[name="' + name + '"]:checked')).map(function (i) { return i.value; });
  }
  function setChecked(name, values) {
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (i) { i.checked = values.indexOf(i.value) >= 0; });
  }
  function open(post) {
    current = post;
    heading.textContent = post ? heading.dataset.edit + " " + post.name : heading.dataset.add;
    form.name.value = post ? post.name : ""; form.name.disabled = Boolean(post);
    form.title.value = post ? post.title : "";
    setChecked("cameras", post ? post.cameras : []); setChecked("roles", post ? post.roles : []);
    form.checklist.value = post ? post.checklist.join("\n") : "";
    form.active.checked = post ? post.active : true;
    (post ? form.title : form.name).focus();
  }
  document.querySelectorAll("#posts tr[data-id]").forEach(function (tr) {
    tr.querySelector(".edit-post").addEventListener("click", function () {
      open(posts.find(function (p) { return String(p.id) === tr.dataset.id; }));
    });
  });
  document.getElementById("new-post").addEventListener("click", function () { open(null); });
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const body = {
      title: form.title.value, cameras: checked("cameras"), roles: checked("roles"), reason: form.reason.value,
      checklist: form.checklist.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean),
    };
    let result;
    if (current) {
      body.active = form.active.checked;
      result = await api.send("PATCH", "/admin/posts/" + current.id, body);
    } else {
      body.name = form.name.value;
      result = await api.send("POST", "/admin/posts", body);
    }
    if (!result.ok) { api.show(message, api.problem(result), true); return; }
    api.show(message, saved, false);
    window.setTimeout(function () { window.location.reload(); }, 600);
  });
})();
