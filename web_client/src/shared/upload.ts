// One file sent to an exhibit in chunks (docs/architecture.md#exhibits), made for a phone on a
// poor line: each chunk is a slice of the File (the file is never read whole into memory), sent
// from the offset the server holds. A dropped connection is retried a few times with a growing
// pause, asking the server first where it stands; past that the upload waits for `run()` again
// (the person's "Resume"). No UI here: progress goes to a callback.
import type {
  ExhibitFileOut,
  LimitDetail,
  UploadIn,
  UploadOut,
} from "../generated/api";
import { ApiError, api, authHeaders, send } from "./api";

/** What the court accepts (evidence/refusal.py ACCEPTED), for the file picker. */
export const ACCEPTED_FILES =
  "application/pdf,image/jpeg,image/png,image/webp,audio/mpeg,audio/mp4,audio/x-m4a," +
  "audio/wav,audio/x-wav,video/mp4,.pdf,.jpg,.jpeg,.png,.webp,.mp3,.m4a,.wav,.mp4";

/** Tries after a dropped connection before waiting for the person, and the first pause. */
const RETRIES = 3;
const FIRST_PAUSE_MS = 1000;

/** Failures that a later try may get past: the line, a busy or restarting server. */
export function resumable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 0) return error.code === "network";
  return error.code === "upload_busy" || [502, 503, 504].includes(error.status);
}

/** The offset a 409 wrong_offset says the server holds (its details), or null. */
function heldOffset(error: unknown): number | null {
  if (!(error instanceof ApiError) || error.code !== "wrong_offset")
    return null;
  const offset = (error.details as { offset?: unknown }[] | undefined)?.[0]
    ?.offset;
  return typeof offset === "number" ? offset : null;
}

/** The limit a refusal of the file names (its details, hearing_server/api/exhibit_intake.py
 * LimitDetail), or null for a refusal over no limit. */
export function refusedLimit(error: ApiError): LimitDetail | null {
  const detail = (error.details as Partial<LimitDetail>[] | undefined)?.[0];
  if (typeof detail?.limit !== "number" || typeof detail.unit !== "string")
    return null;
  return {
    limit: detail.limit,
    unit: detail.unit,
    actual: detail.actual ?? null,
  };
}

export class Upload {
  /** The server's upload once started; kept so that "Resume" goes on with the same one. */
  private state: UploadOut | null = null;
  private cancelled = false;
  private current: AbortController | null = null;

  constructor(
    readonly exhibitId: number,
    readonly file: File,
    /** Bytes the server holds so far. */
    private readonly progress: (sent: number) => void,
    /** The hash a notary (a blockchain evidence platform) certified for the file, and who. */
    private readonly notarised: UploadIn["notarised"] = null,
  ) {}

  /** Send (or go on sending) the file: the exhibit's new file once the court accepted it; else
   * an ApiError: the court's refusal (its code), "network" after the retries, "cancelled". */
  async run(): Promise<ExhibitFileOut> {
    this.cancelled = false;
    // going on after a stop: the server says where it stands
    let ask = this.state !== null;
    if (this.state === null) {
      const body: UploadIn = {
        name: this.file.name,
        size: this.file.size,
        notarised: this.notarised,
      };
      this.state = await api<UploadOut>(
        "POST",
        `/exhibits/${this.exhibitId}/uploads`,
        body,
      );
    }
    const state = this.state;
    let offset = state.offset;
    let failures = 0;
    for (;;) {
      if (this.cancelled) throw new ApiError(0, "cancelled", "cancelled");
      try {
        if (ask) {
          const now = await api<UploadOut>(
            "GET",
            `/uploads/${state.upload_id}`,
          );
          if (now.file !== null) return now.file;
          offset = now.offset;
          ask = false;
          this.progress(offset);
        }
        const out = await this.chunk(state, offset);
        if (out.file !== null) return out.file;
        offset = out.offset;
        failures = 0;
        this.progress(offset);
      } catch (error) {
        if (this.cancelled) throw new ApiError(0, "cancelled", "cancelled");
        const held = heldOffset(error);
        if (held !== null) {
          offset = held;
          this.progress(offset);
          continue;
        }
        if (!resumable(error) || failures >= RETRIES) throw error;
        await new Promise((done) =>
          setTimeout(done, FIRST_PAUSE_MS * 2 ** failures),
        );
        failures += 1;
        ask = true;
      }
    }
  }

  /** Stop sending; what the server holds expires by itself. */
  cancel(): void {
    this.cancelled = true;
    this.current?.abort();
  }

  private async chunk(state: UploadOut, offset: number): Promise<UploadOut> {
    this.current = new AbortController();
    try {
      return await send<UploadOut>(`/api/v1/uploads/${state.upload_id}`, {
        method: "PATCH",
        headers: {
          ...authHeaders("PATCH"),
          Accept: "application/json",
          "Content-Type": "application/octet-stream",
          "Upload-Offset": String(offset),
        },
        body: this.file.slice(offset, offset + state.chunk_size),
        signal: this.current.signal,
      });
    } finally {
      this.current = null;
    }
  }
}
