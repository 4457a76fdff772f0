// A file sent in chunks (docs/architecture.md#exhibits: an exhibit's file; a staggered hearing's
// recorded statement reuses the loop), made for a phone on a poor line: each chunk is a slice of the File (the file is never read whole into memory), sent
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

/** Where an upload stands after a request: the bytes the server holds, or what the last one made. */
export type Step<T> = { offset: number } | { done: T };

/** The sending loop shared by every chunked upload (an exhibit's file, a recorded statement):
 * each chunk a slice of the Blob, from the offset the server holds; after a drop the server is
 * asked where it stands, a few times with a growing pause, then it waits for `run()` again. The
 * endpoints are the subclass's. */
export abstract class ChunkedUpload<T> {
  /** Set once the server has the upload; kept so that "Resume" goes on with the same one. */
  private chunkSize: number | null = null;
  private cancelled = false;
  private current: AbortController | null = null;

  constructor(
    readonly file: Blob,
    /** Bytes the server holds so far. */
    private readonly progress: (sent: number) => void,
  ) {}

  /** Start the upload on the server: its offset (0) and a good chunk size. */
  protected abstract begin(): Promise<{ offset: number; chunkSize: number }>;
  /** Ask the server where the upload stands (after a drop). */
  protected abstract where(): Promise<Step<T>>;
  /** Send the bytes from `offset`. */
  protected abstract put(offset: number, body: Blob, signal: AbortSignal): Promise<Step<T>>;

  /** Send (or go on sending) the file: what the server made of it once accepted; else an
   * ApiError: the court's refusal (its code), "network" after the retries, "cancelled". */
  async run(): Promise<T> {
    this.cancelled = false;
    // going on after a stop: the server says where it stands
    let ask = this.chunkSize !== null;
    let offset = 0;
    if (this.chunkSize === null) {
      const started = await this.begin();
      this.chunkSize = started.chunkSize;
      offset = started.offset;
    }
    const chunkSize = this.chunkSize;
    let failures = 0;
    for (;;) {
      if (this.cancelled) throw new ApiError(0, "cancelled", "cancelled");
      try {
        if (ask) {
          const now = await this.where();
          if ("done" in now) return now.done;
          offset = now.offset;
          ask = false;
          this.progress(offset);
        }
        const out = await this.chunk(offset, chunkSize);
        if ("done" in out) return out.done;
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
        await new Promise((done) => setTimeout(done, FIRST_PAUSE_MS * 2 ** failures));
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

  private async chunk(offset: number, chunkSize: number): Promise<Step<T>> {
    this.current = new AbortController();
    try {
      return await this.put(offset, this.file.slice(offset, offset + chunkSize), this.current.signal);
    } finally {
      this.current = null;
    }
  }
}

/** A file sent to an exhibit (exhibit_uploads_api.py). */
export class Upload extends ChunkedUpload<ExhibitFileOut> {
  private uploadId: number | null = null;

  constructor(
    readonly exhibitId: number,
    override readonly file: File,
    progress: (sent: number) => void,
    /** The hash a notary (a blockchain evidence platform) certified for the file, and who. */
    private readonly notarised: UploadIn["notarised"] = null,
  ) {
    super(file, progress);
  }

  protected async begin(): Promise<{ offset: number; chunkSize: number }> {
    const body: UploadIn = { name: this.file.name, size: this.file.size, notarised: this.notarised };
    const state = await api<UploadOut>("POST", `/exhibits/${this.exhibitId}/uploads`, body);
    this.uploadId = state.upload_id;
    return { offset: state.offset, chunkSize: state.chunk_size };
  }

  protected async where(): Promise<Step<ExhibitFileOut>> {
    return step(await api<UploadOut>("GET", `/uploads/${this.uploadId}`));
  }

  protected async put(offset: number, body: Blob, signal: AbortSignal): Promise<Step<ExhibitFileOut>> {
    const out = await send<UploadOut>(`/api/v1/uploads/${this.uploadId}`, {
      method: "PATCH",
      headers: {
        ...authHeaders("PATCH"),
        Accept: "application/json",
        "Content-Type": "application/octet-stream",
        "Upload-Offset": String(offset),
      },
      body,
      signal,
    });
    return step(out);
  }
}

function step(state: UploadOut): Step<ExhibitFileOut> {
  return state.file !== null ? { done: state.file } : { offset: state.offset };
}
