// A participant's contact: mail address, phone, the language of their invitation and their own
// time zone (their invitation shows the hearing's time in the court's zone and in theirs). Used
// when adding a participant and when correcting one's contact. The browser checks the forms of
// the address, the phone and the zone (in the person's language); the server checks again.
import type { ParticipantOut } from "../generated/api";
import { el, field } from "../shared/dom";
import { t } from "../shared/i18n";
import {
  type Contact,
  contactOf,
  LANGUAGES,
  type Language,
  phoneDigits,
} from "./invitation_api";

/** Zones offered as one types (any IANA name is taken): where parties abroad often live. */
const COMMON_ZONES = [
  "Asia/Shanghai",
  "Asia/Hong_Kong",
  "Asia/Taipei",
  "Asia/Tokyo",
  "Asia/Seoul",
  "Asia/Singapore",
  "Asia/Bangkok",
  "Asia/Kuala_Lumpur",
  "Asia/Jakarta",
  "Asia/Manila",
  "Asia/Ho_Chi_Minh",
  "Asia/Kolkata",
  "Asia/Dubai",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Madrid",
  "Europe/Rome",
  "Europe/Moscow",
  "Africa/Johannesburg",
  "Africa/Lagos",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Toronto",
  "America/Vancouver",
  "America/Sao_Paulo",
  "Australia/Sydney",
  "Australia/Perth",
  "Pacific/Auckland",
] as const;

let lists = 0; // each form's datalist needs an id of its own

export interface ContactFields {
  /** The labelled fields, to place in a form. */
  fields: HTMLElement[];
  mail: HTMLInputElement;
  phone: HTMLInputElement;
  /** What was entered, as the server takes it (empty: null). */
  value(): Contact;
  /** Show a participant's contact as the server has it. */
  fill(p: ParticipantOut): void;
  clear(): void;
}

export function contactFields(prefix: string): ContactFields {
  const mail = el("input", {
    name: "email",
    type: "email",
    inputmode: "email",
    autocomplete: "off",
    maxlength: "254",
    testid: `${prefix}-email`,
  });
  const phone = el("input", {
    name: "phone",
    type: "tel",
    inputmode: "tel",
    autocomplete: "off",
    maxlength: "40",
    testid: `${prefix}-phone`,
  });
  const language = el(
    "select",
    { name: "language", testid: `${prefix}-language` },
    el("option", { value: "", i18n: "staff.contact.language_court" }),
    ...LANGUAGES.map((l) =>
      el("option", { value: l, i18n: `staff.contact.language.${l}` as const }),
    ),
  );
  lists += 1;
  const listId = `time-zones-${lists}`;
  const zone = el("input", {
    name: "time_zone",
    list: listId,
    autocomplete: "off",
    maxlength: "64",
    spellcheck: "false",
    placeholder: "Europe/Berlin",
    testid: `${prefix}-time-zone`,
  });
  const zones = el(
    "datalist",
    { id: listId },
    ...COMMON_ZONES.map((z) => el("option", { value: z })),
  );
  zone.addEventListener("input", () => {
    zone.setCustomValidity(knownZone(zone.value.trim()) ? "" : t("staff.contact.bad_zone"));
  });
  // digits with an optional leading +, spaces and dashes between them as people write them
  phone.addEventListener("input", () => {
    const digits = phoneDigits(phone.value.trim()).replace(/^\+/, "");
    const fine = digits === "" || /^[0-9]{5,20}$/.test(digits);
    phone.setCustomValidity(fine ? "" : t("staff.contact.bad_phone"));
  });
  const orNull = (text: string): string | null => (text.trim() === "" ? null : text.trim());
  return {
    fields: [
      field("staff.contact.email", mail),
      field("staff.contact.phone", phone),
      field("staff.contact.language", language),
      field("staff.contact.time_zone", el("span", { class: "zone" }, zone, zones)),
    ],
    mail,
    phone,
    value: () => ({
      email: orNull(mail.value),
      phone: orNull(phoneDigits(phone.value.trim())),
      language: language.value === "" ? null : (language.value as Language),
      time_zone: orNull(zone.value),
    }),
    fill(p) {
      const contact = contactOf(p);
      mail.value = contact.email ?? "";
      phone.value = contact.phone ?? "";
      language.value = contact.language ?? "";
      zone.value = contact.time_zone ?? "";
    },
    clear() {
      for (const input of [mail, phone, zone]) input.value = "";
      language.value = "";
    },
  };
}

/** Whether the browser knows `name` as a time zone (empty: none given, which is fine). */
function knownZone(name: string): boolean {
  if (name === "") return true;
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Correcting a participant's contact in their row: `save` tells whether the server took it. */
export function contactEditor(
  p: ParticipantOut,
  save: (contact: Contact) => Promise<boolean>,
  close: () => void,
): HTMLFormElement {
  const contact = contactFields(`contact-${p.id}`);
  contact.fill(p);
  const submit = el("button", {
    type: "submit",
    class: "primary",
    i18n: "staff.contact.save",
    testid: "contact-save",
  });
  const cancel = el("button", { type: "button", i18n: "staff.contact.cancel" });
  cancel.addEventListener("click", close);
  const form = el(
    "form",
    { class: "contact-editor", testid: "contact-editor" },
    ...contact.fields,
    el("div", { class: "buttons" }, submit, cancel),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    if (await save(contact.value())) close();
    submit.disabled = false;
  });
  return form;
}

/** A participant's contact in a line ("" when they have none). */
export function contactLine(p: ParticipantOut): string {
  const c = contactOf(p);
  return [c.email, c.phone, c.time_zone].filter((part) => part !== null).join(" · ");
}
