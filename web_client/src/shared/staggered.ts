// A staggered hearing's stages as both screens show them (docs/architecture.md#staggered-hearings):
// times, the time left, a stage's name, and a recorded statement (or the court's recorded
// question) sent in chunks through the same loop as an exhibit's file (ChunkedUpload), to the
// turn-upload (question-upload) endpoints.
import type {
  QuestionIn,
  QuestionOut,
  QuestionUploadOut,
  StageOut,
  TurnOut,
  TurnUploadOut,
  VideoQuestionIn,
  VideoTurnIn,
} from "../generated/api";
import { STAGE_LABELS } from "../generated/court";
import { ApiError, answer, api, authHeaders } from "./api";
import { type Lang, type MessageKey, t } from "./i18n";
import { words } from "./money";
import { ChunkedUpload, type Step } from "./upload";

/** A stage's title, else its kind's name. */
export function stageName(stage: StageOut): string {
  return stage.title || words(STAGE_LABELS[stage.kind]);
}

/** A date and time with its zone, so that a person elsewhere than the court reads it right. */
export function dateTime(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(lang, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
}

/** "还剩2天3小时" / "2 d 3 h left", or null once the moment has passed. */
export function timeLeft(deadline: string, now: number): string | null {
  const minutes = Math.floor((Date.parse(deadline) - now) / 60000);
  if (minutes < 0) return null;
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const [key, vars]: [MessageKey, Record<string, number>] =
    d > 0 ? ["stag.left.days", { d, h }] : h > 0 ? ["stag.left.hours", { h, m }] : ["stag.left.minutes", { m }];
  return t(key, vars);
}

/** m:ss (or h:mm:ss) of a length in seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number): string => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  const rest = `${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return h > 0 ? `${h}:${rest}` : rest.replace(/^0/, "");
}

/** The first 12 hexadecimal digits of a SHA-256, to compare by eye. */
export function shortHash(sha256: string | null): string {
  return sha256 === null ? "" : sha256.slice(0, 12);
}

/** What the server answers when a recorded video's upload starts (a statement's or a question's). */
type Started = TurnUploadOut | QuestionUploadOut;

/** A recorded video sent in chunks to the staggered hearing's upload endpoints: POST (the
 * subclass's) starts it, PATCH appends at the server's offset, HEAD asks the offset after a drop.
 * Started only at "submit", so a recording never sent leaves nothing on the server. */
abstract class VideoUpload<T> extends ChunkedUpload<T> {
  private uploadId: number | null = null;

  constructor(
    /** Where its chunks go: `/api/v1/{uploads}/{id}`. */
    private readonly uploads: "turn-uploads" | "question-uploads",
    recording: Blob,
    progress: (sent: number) => void,
  ) {
    super(recording, progress);
  }

  /** Start the upload on the server. */
  protected abstract start(): Promise<Started>;
  /** What the upload made, if it is on the record (its last chunk's answer was lost). */
  protected abstract made(): Promise<T | undefined>;

  protected async begin(): Promise<{ offset: number; chunkSize: number }> {
    const out = await this.start();
    this.uploadId = out.upload_id;
    return { offset: out.offset, chunkSize: out.chunk_size };
  }

  protected async where(): Promise<Step<T>> {
    const response = await this.request("HEAD", {});
    const held = Number(response.headers.get("Upload-Offset") ?? Number.NaN);
    if (response.status === 404 || held === this.file.size) {
      // the last chunk arrived but its answer was lost: what it made is on the record
      const done = await this.made();
      if (done !== undefined) return { done };
    }
    return this.offsetOf(response);
  }

  protected async put(offset: number, body: Blob, signal: AbortSignal): Promise<Step<T>> {
    const response = await this.request("PATCH", {
      headers: { "Content-Type": "application/octet-stream", "Upload-Offset": String(offset) },
      body,
      signal,
    });
    if (response.status === 201) return { done: await answer<T>(response) };
    return this.offsetOf(response);
  }

  /** 204 (or a 409 naming the server's offset): where the server stands; else its refusal. */
  private async offsetOf(response: Response): Promise<Step<T>> {
    const held = Number(response.headers.get("Upload-Offset") ?? Number.NaN);
    if ((response.status === 204 || response.status === 409) && Number.isFinite(held)) {
      return { offset: held };
    }
    return answer<never>(response);
  }

  private async request(method: "HEAD" | "PATCH", init: RequestInit): Promise<Response> {
    try {
      return await fetch(`/api/v1/${this.uploads}/${this.uploadId}`, {
        ...init,
        method,
        headers: { Accept: "application/json", ...authHeaders("PATCH"), ...(init.headers ?? {}) },
        credentials: "same-origin",
      });
    } catch (error) {
      if (init.signal?.aborted) throw new ApiError(0, "cancelled", "cancelled");
      throw new ApiError(0, "network", error instanceof Error ? error.message : String(error));
    }
  }
}

/** A recorded statement sent to a stage (POST .../turns starts it). */
export class TurnUpload extends VideoUpload<TurnOut> {
  constructor(
    readonly stageId: number,
    readonly participantId: number,
    recording: Blob,
    readonly mediaType: VideoTurnIn["media_type"],
    progress: (sent: number) => void,
    /** The person's turn this statement corrects; null: their first. */
    readonly corrects: number | null = null,
  ) {
    super("turn-uploads", recording, progress);
  }

  protected start(): Promise<TurnUploadOut> {
    const body: VideoTurnIn = {
      kind: "video",
      media_type: this.mediaType,
      size: this.file.size,
      corrects_id: this.corrects,
    };
    return api<TurnUploadOut>("POST", `/stages/${this.stageId}/turns`, body);
  }

  protected async made(): Promise<TurnOut | undefined> {
    const turns = await api<{ items: TurnOut[] }>("GET", `/stages/${this.stageId}/turns`);
    return turns.items.find(
      (turn) =>
        turn.participant_id === this.participantId && turn.corrects_id === this.corrects && turn.kind === "video",
    );
  }
}

/** The court's recorded question to a participant of a stage, with its words (POST
 * .../questions with `video` starts it; the question is asked once its file arrived). */
export class QuestionUpload extends VideoUpload<QuestionOut> {
  constructor(
    readonly stageId: number,
    readonly participantId: number,
    readonly text: string,
    recording: Blob,
    readonly mediaType: VideoQuestionIn["media_type"],
    progress: (sent: number) => void,
  ) {
    super("question-uploads", recording, progress);
  }

  protected start(): Promise<QuestionUploadOut> {
    const body: QuestionIn = {
      participant_id: this.participantId,
      text: this.text,
      video: { media_type: this.mediaType, size: this.file.size },
    };
    return api<QuestionUploadOut>("POST", `/stages/${this.stageId}/questions`, body);
  }

  protected async made(): Promise<QuestionOut | undefined> {
    const questions = await api<{ items: QuestionOut[] }>("GET", `/stages/${this.stageId}/questions`);
    return questions.items
      .filter((q) => q.participant_id === this.participantId && q.text === this.text && q.media_url !== null)
      .pop();
  }
}
