// Who outside the bench may retrieve this recording (only when the court allows,
// docs/architecture.md#roles-and-permissions):
// give a party, lawyer or prosecutor of the hearing access, with a fresh invitation link that
// opens their recording page, or withdraw it. The server checks who may be given access.
import { actorName } from "../shared/actor";
import type { GrantCreated, GrantOut, ParticipantOut, RecordingDetail } from "../generated/api";
import { BENCH, type Role } from "../generated/court";
import { api } from "../shared/api";
import { isDeliberation } from "../shared/deliberation";
import { may } from "../shared/permissions";
import { courtDateTime } from "../staff/court_time";
import { el, setText, show } from "../shared/dom";
import { showError } from "../staff/errors";
import { invitationBox } from "../staff/invitation_box";
import { label } from "./labels";

const LINK_DAYS = 7;

export function grantsView(zone: string, recording: RecordingDetail): HTMLElement {
  const list = el("ul", { class: "rows", testid: "grants" }, el("li", { i18n: "common.loading" }));
  const root = el(
    "section",
    { class: "grants", testid: "grants-panel" },
    el("h3", { i18n: "archive.grants.title" }),
    el("p", { class: "muted" }, setText(el("span"), "archive.grants.hint", { days: LINK_DAYS })),
    list,
  );
  if (isDeliberation(recording.kind)) {
    // the court's sealed internal record: the server grants it to nobody outside the bench
    show(
      list,
      el("li", { class: "muted", testid: "grants-internal", i18n: "archive.grants.internal" }),
    );
    return root;
  }
  const granted = new Map((recording.grants ?? []).map((g) => [g.participant_id, g]));
  void (async () => {
    try {
      const people = await api<{ items: ParticipantOut[] }>(
        "GET",
        `/hearings/${recording.hearing_id}/participants`,
      );
      const offered = people.items.filter((p) => grantable(p.role));
      if (offered.length === 0) {
        show(list, el("li", { class: "muted", i18n: "archive.grants.nobody" }));
        return;
      }
      show(list, ...offered.map((p) => personRow(zone, recording.id, p, granted)));
    } catch (error) {
      show(list, showError(el("li", { class: "error" }), error));
    }
  })();
  return root;
}

function personRow(
  zone: string,
  recordingId: number,
  person: ParticipantOut,
  granted: Map<number, GrantOut>,
): HTMLElement {
  const row = el("li", { class: "row", testid: `grant-${person.id}` });
  const status = el("span", { class: "muted", testid: "grant-status" });
  const actions = el("span", { class: "buttons" });
  const error = el("p", { class: "error", hidden: true });
  const newLink = el("input", { type: "checkbox", checked: true, testid: "grant-new-link" });
  const fill = (): void => {
    const grant = granted.get(person.id);
    row.dataset.granted = String(grant !== undefined);
    if (grant === undefined) {
      setText(status, "archive.grants.none");
      const give = el("button", {
        type: "button",
        class: "primary",
        i18n: "archive.grants.give",
        testid: "grant-give",
      });
      give.addEventListener("click", () => void change(give, "give"));
      show(
        actions,
        el("label", { class: "inline" }, newLink, el("span", { i18n: "archive.grants.new_link" })),
        give,
      );
    } else {
      setText(status, "archive.grants.given", {
        by: actorName(grant.granted_by),
        at: courtDateTime(zone, grant.granted_at),
      });
      const withdraw = el("button", {
        type: "button",
        i18n: "archive.grants.withdraw",
        testid: "grant-withdraw",
      });
      withdraw.addEventListener("click", () => void change(withdraw, "withdraw"));
      show(actions, withdraw);
    }
  };
  const change = async (button: HTMLButtonElement, what: "give" | "withdraw"): Promise<void> => {
    button.disabled = true;
    error.hidden = true;
    row.querySelector(".invitation-box")?.remove();
    try {
      const path = `/recordings/${recordingId}/grants`;
      if (what === "give") {
        const body = newLink.checked
          ? { participant_id: person.id, invitation_hours: LINK_DAYS * 24 }
          : { participant_id: person.id };
        const created = await api<GrantCreated>("POST", path, body);
        granted.set(person.id, created.grant);
        fill();
        if (created.invitation !== null) row.append(invitationBox(created.invitation));
      } else {
        await api("DELETE", `${path}/${person.id}`);
        granted.delete(person.id);
        fill();
      }
    } catch (caught) {
      showError(error, caught);
      button.disabled = false;
    }
  };
  fill();
  row.append(
    el(
      "span",
      { class: "what" },
      el("strong", {}, person.name),
      el(
        "small",
        { class: "muted" },
        label("role", person.role),
        ...(person.side ? [" · ", label("staff.side", person.side)] : []),
      ),
      status,
    ),
    actions,
    error,
  );
  return row;
}

/** Whom the court may grant a recording, as the server checks it: someone the permission table
 * lets retrieve recordings, but not the bench (they need no grant) nor a detainee (no link of
 * their own: the centre's terminal is shared). */
function grantable(role: Role): boolean {
  return may(role, "retrieve_recordings") && !BENCH.includes(role) && role !== "detainee";
}
