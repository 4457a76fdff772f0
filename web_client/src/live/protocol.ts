// What the client adds to the `/hearing` namespace's types (../generated/protocol.ts, from
// court/protocol.py): the acknowledgement of a call, and court notices in the chat.
import type { MessageOut } from "../generated/protocol";

/** A line of the chat: a message, (`to: "all"`) a court notice, listed with the messages, or
 * (`to: "panel"`) a message of the bench's private channel. */
export interface ChatMessage extends Omit<MessageOut, "to"> {
  to: MessageOut["to"] | "all" | "panel";
}

export interface Refusal {
  code: string;
  message: string;
  /** With `moved`: the server process that holds the hearing, to connect to instead. */
  node_url?: string;
}

/** Every event is answered through its acknowledgement. */
export interface Reply {
  ok?: true;
  error?: Refusal;
  [field: string]: unknown;
}
