// Invitations that reach people (docs/architecture.md#invitations): which channels the server
// can send through, sending a participant a new link by mail or SMS, the attempts made, the
// printable invitation, and a participant's contact. Sending issues a new link: the old one
// stops working.
import type {
  ChannelsOut,
  ContactIn,
  DeliveryList,
  DeliveryOut,
  InvitationSent,
  ParticipantOut,
} from "../generated/api";
import { ApiError, answer, api, authHeaders } from "../shared/api";

export type { ChannelsOut, ContactIn, DeliveryOut };
export type Channel = DeliveryOut["channel"];
export type Language = NonNullable<ContactIn["language"]>;
/** A contact with each of its parts given (null: none). */
export type Contact = Required<ContactIn>;

export const LANGUAGES: readonly Language[] = ["zh", "en"];

/** A participant's contact as the server has it (a language it does not know: the court's). */
export function contactOf(p: ParticipantOut): Contact {
  const language = LANGUAGES.find((l) => l === p.language) ?? null;
  return { email: p.email, phone: p.phone, language, time_zone: p.time_zone };
}

export const CHANNELS: readonly Channel[] = ["mail", "sms"];

/** What the server can send through; neither when it cannot say (the link is passed on by hand). */
export async function channels(): Promise<ChannelsOut> {
  try {
    return await api<ChannelsOut>("GET", "/invitation-channels");
  } catch {
    return { mail: false, sms: false };
  }
}

/** A new link for the participant, sent through `via` in the background. */
export function sendInvitation(participantId: number, via: Channel[]): Promise<InvitationSent> {
  return api<InvitationSent>("POST", `/participants/${participantId}/invitation/send`, {
    channels: via,
  });
}

/** The hearing's attempts, newest first. */
export async function deliveries(hearingId: number): Promise<DeliveryOut[]> {
  return (await api<DeliveryList>("GET", `/hearings/${hearingId}/invitation-deliveries`)).items;
}

/** Set how to reach the participant (each null: cleared); the contact as the server keeps it. */
export function saveContact(participantId: number, contact: ContactIn): Promise<ContactIn> {
  return api<ContactIn>("PUT", `/participants/${participantId}/contact`, contact);
}

/** The printable invitation of the link `token` (the participant's current one), as a PDF. */
export async function invitationPdf(participantId: number, token: string): Promise<Blob> {
  const response = await fetch(`/api/v1/participants/${participantId}/invitation/pdf`, {
    method: "POST",
    headers: {
      Accept: "application/pdf",
      "Content-Type": "application/json",
      ...authHeaders("POST"),
    },
    credentials: "same-origin",
    body: JSON.stringify({ token }),
  }).catch((error: unknown) => {
    throw new ApiError(0, "network", error instanceof Error ? error.message : String(error));
  });
  if (!response.ok) await answer<never>(response); // throws the server's refusal
  return response.blob();
}

/** A phone number as the server takes it: digits with an optional leading +, the spaces,
 * dashes, dots and brackets people write between them dropped. */
export function phoneDigits(written: string): string {
  return written.replace(/[\s\-.()]/g, "");
}
