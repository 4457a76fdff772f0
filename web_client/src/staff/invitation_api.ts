// Invitations that reach people (docs/architecture.md#invitations): which channels the server
// can send through, sending a participant a new link by mail or SMS, the attempts made, the
// printable invitation, and a participant's contact. Sending issues a new link: the old one
// stops working.
import type { InvitationOut, ParticipantOut } from "../generated/api";
import { ApiError, answer, api, authHeaders } from "../shared/api";
import type { Items } from "./types";

// TODO(merge): these come from ../generated/api once the server's models land.
export type Channel = "mail" | "sms";
export type DeliveryState = "sending" | "sent" | "failed";
export type Language = "zh" | "en";

export interface DeliveryOut {
  id: number;
  participant_id: number;
  participant_name: string;
  channel: Channel;
  address: string;
  state: DeliveryState;
  detail: string | null;
  requested_by: string;
  requested_at: string;
  finished_at: string | null;
}

export interface ChannelsOut {
  mail: boolean;
  sms: boolean;
}

export interface InvitationSent {
  invitation: InvitationOut;
  deliveries: DeliveryOut[];
}

export interface ContactIn {
  email: string | null;
  phone: string | null;
  language: Language | null;
  time_zone: string | null;
}

/** A participant's contact as the server has it. */
export function contactOf(p: ParticipantOut): ContactIn {
  const c = p as ParticipantOut & Partial<ContactIn>;
  return {
    email: c.email ?? null,
    phone: c.phone ?? null,
    language: c.language ?? null,
    time_zone: c.time_zone ?? null,
  };
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
  return (await api<Items<DeliveryOut>>("GET", `/hearings/${hearingId}/invitation-deliveries`))
    .items;
}

export function saveContact(participantId: number, contact: ContactIn): Promise<ParticipantOut> {
  return api<ParticipantOut>("PUT", `/participants/${participantId}/contact`, contact);
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
