"use strict";
const api = (path, options = {}) =>
  fetch("/api/v1" + path, { credentials: "same-origin", ...options }).then(async (r) => {
    const body = r.status === 204 ? null : await r.json();
    if (!r.ok) throw new Error(body && body.error ? body.error.message : r.statusText);
    return body;
  });
let csrf = null;

async function showMe() {
  let me;
  try { me = await api("/auth/me"); } catch { return; }
  csrf = me.csrf_token;
  document.getElementById("login").hidden = true;
  document.getElementById("me").hidden = false;
  document.getElementById("me-name").textContent = me.name;
  document.getElementById("me-role").textContent = me.role;
  const list = document.getElementById("hearings");
  list.replaceChildren();
  const path = me.kind === "terminal" ? "/terminal/hearings" : "/hearings";
  try {
    const { items } = await api(path);
    for (const h of items) {
      const li = document.createElement("li");
      li.textContent = `${h.case_number} · ${h.title} · ${new Date(h.scheduled_start).toLocaleString()} · ${h.state}`;
      list.append(li);
    }
    if (!items.length) list.textContent = "暂无 None";
  } catch (e) { list.textContent = e.message; }
}

document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    await api("/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) });
    document.getElementById("login-error").textContent = "";
    await showMe();
  } catch (e) { document.getElementById("login-error").textContent = e.message; }
});

document.getElementById("logout").addEventListener("click", async () => {
  await api("/auth/logout", { method: "POST", headers: { "X-CSRF-Token": csrf } }).catch(() => {});
  location.reload();
});

showMe();
