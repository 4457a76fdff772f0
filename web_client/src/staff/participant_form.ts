// Adding a participant: role, name, side, whom an agent or counsel acts for, and the detention
// centre a detainee appears from. Whether the hearing's kind allows the role is the server's call.
import type { CentreOut, ParticipantOut } from "../generated/api";
import { INVITED_ROLES } from "../generated/court";
import { api } from "../shared/api";
import { el, field, show } from "../shared/dom";
import type { Items } from "./types";

const SIDES = ["plaintiff", "defendant", "third_party"] as const;

export interface ParticipantForm {
  form: HTMLFormElement;
  /** The hearing's people, whom an agent or counsel may act for. */
  setPeople(people: ParticipantOut[]): void;
}

/** `add` gets the request body and tells whether the participant was added. */
export function participantForm(add: (body: object) => Promise<boolean>): ParticipantForm {
  const role = el(
    "select",
    { name: "role", testid: "participant-role" },
    // in the court's order (court/roles.py), a party chosen to begin with: the usual case
    ...INVITED_ROLES.map((r) =>
      el("option", { value: r, i18n: `role.${r}` as const, selected: r === "party" }),
    ),
  );
  const name = el("input", {
    name: "name",
    required: true,
    maxlength: "200",
    testid: "participant-name",
  });
  const side = el(
    "select",
    { name: "side", testid: "participant-side" },
    el("option", { value: "", i18n: "staff.schedule.none" }),
    ...SIDES.map((s) => el("option", { value: s, i18n: `staff.side.${s}` as const })),
  );
  const represents = el("select", { name: "represents", testid: "participant-represents" });
  const centre = el("select", { name: "centre", testid: "participant-centre" });
  const representsField = field("staff.participants.represents", represents);
  const centreField = field("staff.participants.centre", centre);
  const syncRole = (): void => {
    representsField.hidden = role.value !== "agent" && role.value !== "counsel";
    centreField.hidden = role.value !== "detainee";
  };
  role.addEventListener("change", syncRole);
  syncRole();
  void api<Items<CentreOut>>("GET", "/detention-centres").then(
    ({ items }) => show(centre, ...items.map((c) => el("option", { value: String(c.id) }, c.name))),
    () => undefined, // none to offer: adding a detainee then fails with the server's reason
  );
  const submit = el("button", {
    type: "submit",
    class: "primary",
    i18n: "staff.participants.add",
    testid: "participant-add",
  });
  const form = el(
    "form",
    { class: "add-participant", testid: "participant-form" },
    field("staff.participants.role", role),
    field("staff.participants.name", name),
    field("staff.participants.side", side),
    representsField,
    centreField,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    const added = await add({
      role: role.value,
      name: name.value.trim(),
      side: side.value || null,
      represents_id: representsField.hidden ? null : optionalId(represents.value),
      detention_centre_id: centreField.hidden ? null : optionalId(centre.value),
    });
    if (added) name.value = "";
    submit.disabled = false;
  });
  return {
    form,
    setPeople(people) {
      show(
        represents,
        el("option", { value: "", i18n: "staff.schedule.none" }),
        ...people
          .filter((p) => p.user_id === null)
          .map((p) => el("option", { value: String(p.id) }, p.name)),
      );
    },
  };
}

function optionalId(value: string): number | null {
  return value === "" ? null : Number(value);
}
