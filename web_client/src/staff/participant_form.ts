// Adding a participant: role, name, side, whom an agent or counsel acts for, and the detention
// centre a detainee appears from; their contact, and whether to send them their link by mail or
// SMS at once (offered for the channels the server has). Whether the hearing's kind allows the
// role is the server's call.
import type { CentreOut, ParticipantOut } from "../generated/api";
import { INTERPRETED_LANGUAGES, INVITED_ROLES, LANGUAGE_LABELS } from "../generated/court";
import { api } from "../shared/api";
import { el, field, show } from "../shared/dom";
import { type MessageKey, t } from "../shared/i18n";
import { words } from "../shared/money";
import { contactFields } from "./contact_fields";
import { type Channel, type ChannelsOut } from "./invitation_api";
import type { Items } from "./types";

const SIDES = ["plaintiff", "defendant", "third_party"] as const;

export interface ParticipantForm {
  form: HTMLFormElement;
  /** The hearing's people, whom an agent or counsel may act for. */
  setPeople(people: ParticipantOut[]): void;
  /** Offer to send the link through the channels the server has. */
  setChannels(channels: ChannelsOut): void;
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
  // an interpreter's pair of languages, spoken or signed (court/interpretation.py)
  const languageSelect = (testid: string, chosen: string): HTMLSelectElement =>
    el(
      "select",
      { testid },
      ...INTERPRETED_LANGUAGES.map((code) =>
        el("option", { value: code, selected: code === chosen }, words(LANGUAGE_LABELS[code])),
      ),
    );
  const pairFrom = languageSelect("interprets-from", "zh");
  const pairTo = languageSelect("interprets-to", "en");
  const pairField = el(
    "label",
    { class: "pair" },
    el("span", { i18n: "staff.participants.interprets" }),
    pairFrom,
    "⇄",
    pairTo,
  );
  const representsField = field("staff.participants.represents", represents);
  const centreField = field("staff.participants.centre", centre);
  const contact = contactFields("participant");
  const sendMail = el("input", { type: "checkbox", name: "send_mail", testid: "send-mail" });
  const sendSms = el("input", { type: "checkbox", name: "send_sms", testid: "send-sms" });
  const sendMailField = sendField(sendMail, "staff.contact.send_mail");
  const sendSmsField = sendField(sendSms, "staff.contact.send_sms");
  const offered: ChannelsOut = { mail: false, sms: false };
  const syncRole = (): void => {
    representsField.hidden = role.value !== "agent" && role.value !== "counsel";
    centreField.hidden = role.value !== "detainee";
    pairField.hidden = role.value !== "interpreter";
    // a detainee appears from the centre's terminal: no link to send
    sendMailField.hidden = !offered.mail || role.value === "detainee";
    sendSmsField.hidden = !offered.sms || role.value === "detainee";
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
    pairField,
    ...contact.fields,
    sendMailField,
    sendSmsField,
    submit,
  );
  for (const [box, input, missing] of [
    [sendMail, contact.mail, "staff.contact.mail_needed"],
    [sendSms, contact.phone, "staff.contact.phone_needed"],
  ] as const) {
    // ticked with no address: say so at the address, in the reader's language
    const check = (): void =>
      input.setCustomValidity(
        box.checked && !box.closest("[hidden]") && input.value.trim() === "" ? t(missing) : "",
      );
    box.addEventListener("change", check);
    input.addEventListener("input", check);
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    const send: Channel[] = [];
    if (!sendMailField.hidden && sendMail.checked) send.push("mail");
    if (!sendSmsField.hidden && sendSms.checked) send.push("sms");
    const added = await add({
      role: role.value,
      name: name.value.trim(),
      side: side.value || null,
      represents_id: representsField.hidden ? null : optionalId(represents.value),
      detention_centre_id: centreField.hidden ? null : optionalId(centre.value),
      interprets: pairField.hidden ? null : `${pairFrom.value}-${pairTo.value}`,
      ...contact.value(),
      send,
    });
    if (added) {
      name.value = "";
      contact.clear();
      sendMail.checked = sendSms.checked = false;
    }
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
    setChannels(channels) {
      Object.assign(offered, channels);
      syncRole();
    },
  };
}

function sendField(box: HTMLInputElement, label: MessageKey): HTMLLabelElement {
  return el("label", { class: "check", hidden: true }, box, el("span", { i18n: label }));
}

function optionalId(value: string): number | null {
  return value === "" ? null : Number(value);
}
