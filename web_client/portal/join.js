"use strict";
// The invitation token is in the fragment (never sent to the server in the URL).
const token = location.hash.slice(1);
const problem = document.getElementById("problem");
if (!token) {
  problem.textContent = "链接不完整 This link is incomplete: open the whole link you received.";
} else {
  fetch("/api/v1/invitation", { headers: { Authorization: "Invitation " + token } })
    .then(async (r) => {
      const body = await r.json();
      if (!r.ok) throw new Error(body.error.message);
      const set = (id, text) => { document.getElementById(id).textContent = text; };
      set("court", body.court);
      set("case-number", body.case_number);
      set("case-title", body.case_title);
      set("hearing", `${body.hearing.title} · ${new Date(body.hearing.scheduled_start).toLocaleString()}`);
      set("name", body.name);
      set("role", body.role);
      document.getElementById("invitation").hidden = false;
    })
    .catch((e) => { problem.textContent = e.message; });
}
