// One socket.io connection to the `/hearing` namespace. socket.io reconnects by itself; every
// (re)connection is a new arrival for the server, which answers with `welcome` and keeps the
// person's admission within its grace window.
import type { DefaultEventsMap } from "@socket.io/component-emitter";
import { io, type Socket } from "socket.io-client";
import type { ServerEvents } from "../generated/protocol";
import type { Refusal, Reply } from "./protocol";

const CALL_TIMEOUT_MS = 10_000;

export interface Credentials {
  hearingId: number;
  /** People without an account; staff and terminals bring their session cookie. */
  invitation?: string;
  /** Whether we publish media: then we offer first and the server holds its offers until then. */
  publishes: boolean;
}

export class Signaling {
  readonly socket: Socket<ServerEvents, DefaultEventsMap>;
  private readonly unanswered = new Set<Promise<unknown>>();

  /** `node`: the server process holding the hearing (absent: the page's own server). */
  constructor(
    credentials: Credentials,
    readonly node: string | null = null,
  ) {
    const auth: Record<string, unknown> = {
      hearing_id: credentials.hearingId,
      offers_first: credentials.publishes,
    };
    if (credentials.invitation) auth.invitation = credentials.invitation;
    this.socket = io(`${node ?? ""}/hearing`, {
      auth,
      transports: ["websocket"],
      reconnectionDelay: 500,
      reconnectionDelayMax: 2000,
      autoConnect: false,
    });
    // A phone that loses its network keeps a dead socket until the heartbeat notices; when the
    // browser knows it is offline, drop the socket now so reconnection starts at once.
    window.addEventListener("offline", () => this.socket.io.engine?.close());
  }

  connect(): void {
    this.socket.connect();
  }

  /** Send an event and wait for its acknowledgement (a timeout counts as a refusal). */
  async call(event: string, data: unknown = {}): Promise<Reply> {
    const answer = this.socket.timeout(CALL_TIMEOUT_MS).emitWithAck(event, data);
    this.unanswered.add(answer);
    try {
      return (await answer) as Reply;
    } catch {
      return { error: { code: "timeout", message: "the server did not answer" } };
    } finally {
      this.unanswered.delete(answer);
    }
  }

  /** Disconnect once the calls already sent have their answers. The event that ends a session
   * (`closed` after the judge's `close`) comes before the answer to the call that caused it;
   * disconnecting at once would drop that answer and report a server that did not answer. */
  close(): void {
    if (this.unanswered.size === 0 || !this.socket.connected) {
      this.socket.disconnect();
      return;
    }
    void Promise.allSettled([...this.unanswered]).then(() => this.socket.disconnect());
  }
}

export function refusalOf(reply: Reply): Refusal | null {
  return reply.error ?? null;
}
