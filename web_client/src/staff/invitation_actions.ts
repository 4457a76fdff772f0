// What the clerk does with an invited person's link, in their row: a new link; a new link sent
// by mail or SMS (offered for the channels the server has and the addresses the person has;
// confirmed first, since the old link stops working); withdrawing it; correcting their contact.
// A link issued on this page is shown with its QR code and printable invitation until the page
// is left.
import type { InvitationOut, ParticipantOut } from "../generated/api";
import { api } from "../shared/api";
import { el } from "../shared/dom";
import { t } from "../shared/i18n";
import { contactEditor } from "./contact_fields";
import { invitationBox } from "./invitation_box";
import {
  CHANNELS,
  type Channel,
  type ChannelsOut,
  type Contact,
  contactOf,
  saveContact,
  sendInvitation,
} from "./invitation_api";

export interface InvitationPage {
  /** Make a change, then show the list as the server now has it. */
  act(change: () => Promise<void>): Promise<boolean>;
  /** Links issued on this page, by participant. */
  links: Map<number, InvitationOut>;
  /** Whose contact is being corrected. */
  editing: Set<number>;
  channels: ChannelsOut;
  /** Something was sent: show the attempts. */
  sent(): void;
  /** Redraw without asking the server (an editor opened or closed). */
  redraw(): void;
}

/** The row's buttons, and below them the link just issued and the contact's editor. */
export function invitationActions(p: ParticipantOut, page: InvitationPage): HTMLElement[] {
  const contact = contactOf(p);
  const reissue = el("button", {
    type: "button",
    i18n: "staff.invitation.reissue",
    testid: "reissue",
  });
  reissue.addEventListener("click", () =>
    page.act(async () => {
      const issued = await api<InvitationOut>("POST", `/participants/${p.id}/invitation`, {});
      page.links.set(p.id, issued);
    }),
  );
  const sends = CHANNELS.filter((c) => page.channels[c] && address(contact, c) !== null).map(
    (channel) => {
      const send = el("button", {
        type: "button",
        i18n: `staff.invitation.send_${channel}` as const,
        testid: `send-${channel}`,
      });
      send.addEventListener("click", () => {
        const to = address(contact, channel) ?? "";
        if (!confirm(t(`staff.invitation.send_${channel}_confirm`, { name: p.name, to }))) return;
        void page.act(async () => {
          const sent = await sendInvitation(p.id, [channel]);
          page.links.set(p.id, sent.invitation);
          page.sent();
        });
      });
      return send;
    },
  );
  const edit = el("button", { type: "button", i18n: "staff.contact.edit", testid: "contact-edit" });
  edit.addEventListener("click", () => {
    page.editing.add(p.id);
    page.redraw();
  });
  const revoke = el("button", {
    type: "button",
    class: "danger",
    i18n: "staff.invitation.revoke",
    testid: "revoke",
    hidden: p.invitation_status !== "active",
  });
  revoke.addEventListener("click", () => {
    if (!confirm(t("staff.invitation.revoke_confirm", { name: p.name }))) return;
    void page.act(async () => {
      await api("DELETE", `/participants/${p.id}/invitation`);
      page.links.delete(p.id);
    });
  });
  const below: HTMLElement[] = [el("span", { class: "actions" }, reissue, ...sends, edit, revoke)];
  const link = page.links.get(p.id);
  if (link !== undefined && p.invitation_status === "active") below.push(invitationBox(link, p.id));
  if (page.editing.has(p.id)) {
    const close = (): void => {
      page.editing.delete(p.id);
      page.redraw();
    };
    below.push(
      contactEditor(
        p,
        (changed) =>
          page.act(async () => {
            await saveContact(p.id, changed);
          }),
        close,
      ),
    );
  }
  return below;
}

function address(contact: Contact, channel: Channel): string | null {
  return channel === "mail" ? contact.email : contact.phone;
}
