// The hearing's identity checks in the clerk's archive (docs/architecture.md#identity-check):
// who was checked on which document (its last digits), by whom, when, and the still the server
// took. Only the bench and the court's clerks get them: for anyone else the server refuses and
// nothing is shown.
import type { IdentityCheckOut } from "../generated/api";
import { api } from "../shared/api";
import { el, show } from "../shared/dom";
import { courtDateTime } from "../staff/court_time";
import { label } from "./labels";

export function identityView(zone: string, hearingId: number): HTMLElement {
  const section = el("div", { class: "identity-checks", testid: "identity-checks" });
  void (async () => {
    let items: IdentityCheckOut[];
    try {
      ({ items } = await api<{ items: IdentityCheckOut[] }>(
        "GET",
        `/hearings/${hearingId}/identity-checks`,
      ));
    } catch {
      return; // not the bench's or a clerk's to see
    }
    if (items.length === 0) return;
    show(
      section,
      el("h3", { i18n: "archive.identity.title" }),
      el("ol", { class: "rows" }, ...items.map((check) => row(zone, check))),
    );
  })();
  return section;
}

function row(zone: string, check: IdentityCheckOut): HTMLElement {
  const picture = check.still
    ? el("img", {
        class: "identity-still",
        testid: "identity-still",
        src: `/api/v1/identity-checks/${check.id}/still`,
        width: "96",
        alt: check.participant_name,
      })
    : el("span", { class: "muted", i18n: "archive.identity.no_still" });
  return el(
    "li",
    { class: "row", testid: "identity-check" },
    picture,
    el(
      "span",
      { class: "text" },
      el("strong", {}, check.participant_name),
      " · ",
      label("role", check.participant_role),
      " · ",
      label("identity.document", check.document_type),
      ` …${check.digits} · `,
      check.checked_by,
      " · ",
      courtDateTime(zone, check.checked_at),
    ),
  );
}
