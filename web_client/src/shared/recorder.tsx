// A short video recorded in the browser for a staggered hearing
// (docs/architecture.md#staggered-hearings): a party's statement on their phone
// (party/statement.tsx), or the court's recorded question on the bench's screen
// (staff/stages.tsx). The self-test first (live/selftest.ts), the camera's preview, recording with
// MediaRecorder (WebM where the browser makes it, else MP4: Safari) with a timer, the recording
// played back, then "record again" or "submit". Nothing leaves the device before "submit": a
// reload while recording loses only that recording, and the page then offers to record again.
// Submitting sends it in chunks that survive a dropped connection (what it is sent to is the
// caller's `upload`: shared/staggered.ts TurnUpload, QuestionUpload), with the progress shown and
// "resume" after the retries.
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { SelfTest } from "../live/selftest";
import { ApiError } from "./api";
import { type MessageKey, t } from "./i18n";
import { stageRefusal } from "./stage_refusal";
import { clock } from "./staggered";
import { type ChunkedUpload, resumable } from "./upload";

type Step = "test" | "ready" | "recording" | "review" | "sending" | "stopped";

/** What the browser records, best first: WebM (Chromium, Firefox), else MP4 (Safari). */
const FORMATS = ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];

function recordingFormat(): string | null {
  if (typeof MediaRecorder !== "function") return null;
  return FORMATS.find((format) => MediaRecorder.isTypeSupported(format)) ?? null;
}

interface Recording {
  blob: Blob;
  url: string;
  seconds: number;
  mediaType: MediaType;
}

export type MediaType = "video/webm" | "video/mp4";

/** The recorder's words that depend on what is recorded (a statement's by default). */
export interface RecorderWords {
  /** Before the self-test: nothing is sent before "submit". */
  testHint: MessageKey;
  /** Over the playback: what submitting it means. */
  review: MessageKey;
  submit: MessageKey;
  /** The browser records no video: what to do instead. */
  unsupported: MessageKey;
}

const STATEMENT_WORDS: RecorderWords = {
  testHint: "stag.record.test_hint",
  review: "stag.record.review",
  submit: "stag.record.submit",
  unsupported: "stag.record.unsupported",
};

export function VideoRecorder<T>(props: {
  /** What a recording is sent to, made when "submit" is pressed. */
  upload: (recording: Blob, mediaType: MediaType, progress: (sent: number) => void) => ChunkedUpload<T>;
  /** The deadline in words, for a `deadline_passed` refusal. */
  deadline?: string;
  submitted: (made: T) => void;
  cancel: () => void;
  words?: RecorderWords;
  /** False while something else the submission needs is missing (the button waits). */
  ready?: boolean;
}): VNode {
  const words = props.words ?? STATEMENT_WORDS;
  const [step, setStep] = useState<Step>("test");
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [recording, setRecording] = useState<Recording | null>(null);
  const [seconds, setSeconds] = useState(0);
  const [sent, setSent] = useState(0);
  const [problem, setProblem] = useState<{ error: unknown } | null>(null);
  const testHost = useRef<HTMLDivElement>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const upload = useRef<ChunkedUpload<T> | null>(null);
  const format = recordingFormat();

  // the self-test, reused as it is on the join page; its button goes on to recording
  useEffect(() => {
    if (step !== "test" || testHost.current === null || format === null) return;
    let handedOver = false;
    const test = new SelfTest((opened) => {
      handedOver = true;
      setStream(opened);
      setStep("ready");
    }, "stag.record.devices_ok");
    testHost.current.replaceChildren(test.root);
    void test.run();
    // cancelled during the test: its camera is let go here, a handed-over one with `stream`
    return () => {
      if (!handedOver) test.release();
    };
  }, [step, format]);
  useEffect(() => {
    if (preview.current !== null) preview.current.srcObject = stream;
  }, [stream, step]);
  // the camera is let go, and the recording's URL freed, when the recorder goes
  useEffect(
    () => () => {
      const running = recorder.current;
      recorder.current = null; // what it made is dropped: nothing was sent
      running?.stop();
      upload.current?.cancel();
    },
    [],
  );
  useEffect(() => () => stream?.getTracks().forEach((track) => track.stop()), [stream]);
  useEffect(() => () => (recording === null ? undefined : URL.revokeObjectURL(recording.url)), [recording]);
  useEffect(() => {
    if (step !== "recording") return;
    const started = Date.now();
    const timer = setInterval(() => setSeconds((Date.now() - started) / 1000), 250);
    return () => clearInterval(timer);
  }, [step]);

  if (format === null) {
    return (
      <p class="problem" role="alert" data-testid="record-unsupported">
        {t(words.unsupported)}
      </p>
    );
  }

  const start = (): void => {
    if (stream === null) return;
    const chunks: Blob[] = [];
    let made: MediaRecorder;
    try {
      made = new MediaRecorder(stream, { mimeType: format });
    } catch (error) {
      setProblem({ error: new Error(t("stag.record.failed", { message: String(error) })) });
      return;
    }
    const began = Date.now();
    made.ondataavailable = (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    };
    made.onstop = () => {
      if (recorder.current !== made) return; // let go when the recorder left the page
      recorder.current = null;
      const blob = new Blob(chunks, { type: made.mimeType || format });
      const mediaType = blob.type.startsWith("video/mp4") ? "video/mp4" : "video/webm";
      const url = URL.createObjectURL(blob);
      setRecording({ blob, url, seconds: (Date.now() - began) / 1000, mediaType });
      setStep("review");
    };
    recorder.current = made;
    setProblem(null);
    setSeconds(0);
    made.start(1000);
    setStep("recording");
  };
  const stop = (): void => {
    recorder.current?.stop();
  };
  const again = (): void => {
    setRecording(null);
    setProblem(null);
    setStep("ready");
  };
  const send = async (current: ChunkedUpload<T>): Promise<void> => {
    setStep("sending");
    setProblem(null);
    try {
      const made = await current.run();
      upload.current = null;
      props.submitted(made);
    } catch (error) {
      if (error instanceof ApiError && error.code === "cancelled") return;
      setProblem({ error });
      if (resumable(error)) {
        setStep("stopped");
      } else {
        upload.current = null; // refused: nothing of it stays on the server
        setStep("review");
      }
    }
  };
  const submit = (): void => {
    if (recording === null) return;
    const current = props.upload(recording.blob, recording.mediaType, setSent);
    upload.current = current;
    setSent(0);
    void send(current);
  };
  const size = recording?.blob.size ?? 0;
  const percent = size === 0 ? 0 : Math.floor((sent * 100) / size);
  return (
    <div class="recorder" data-testid="recorder" data-step={step}>
      {step === "test" && (
        <>
          <p class="muted">{t(words.testHint)}</p>
          <div ref={testHost} />
        </>
      )}
      {(step === "ready" || step === "recording") && (
        <video ref={preview} class="preview" data-testid="record-preview" autoplay playsInline muted />
      )}
      {step === "recording" && (
        <p class="recording-time" data-testid="record-time" aria-live="off">
          <span class="dot" aria-hidden="true" /> {t("stag.record.recording", { time: clock(seconds) })}
        </p>
      )}
      {recording !== null && step !== "ready" && step !== "recording" && (
        <>
          <p class="muted">{t(words.review)}</p>
          <video class="playback" data-testid="record-playback" src={recording.url} controls playsInline />
          <p class="muted">{clock(recording.seconds)}</p>
        </>
      )}
      {(step === "sending" || step === "stopped") && (
        <div class="upload">
          <progress max={100} value={percent} data-testid="record-progress" />
          <span>{t("stag.record.sending", { percent })}</span>
        </div>
      )}
      {problem !== null && (
        <p class="problem" role="alert" data-testid="record-problem">
          {step === "stopped" ? t("stag.record.stopped") : stageRefusal(problem.error, props.deadline)}
        </p>
      )}
      <div class="buttons">
        {step === "ready" && (
          <button type="button" class="primary" data-testid="record-start" onClick={start}>
            {t("stag.record.start")}
          </button>
        )}
        {step === "recording" && (
          <button type="button" class="danger" data-testid="record-stop" onClick={stop}>
            {t("stag.record.stop")}
          </button>
        )}
        {step === "review" && (
          <>
            <button type="button" data-testid="record-again" onClick={again}>
              {t("stag.record.again")}
            </button>
            <button
              type="button"
              class="primary"
              data-testid="record-submit"
              disabled={props.ready === false}
              onClick={submit}
            >
              {t(words.submit)}
            </button>
          </>
        )}
        {step === "stopped" && upload.current !== null && (
          <button type="button" class="primary" data-testid="record-resume" onClick={() => void send(upload.current as ChunkedUpload<T>)}>
            {t("stag.record.resume")}
          </button>
        )}
        {step !== "sending" && step !== "recording" && (
          <button type="button" data-testid="record-cancel" onClick={props.cancel}>
            {t("stag.record.cancel")}
          </button>
        )}
      </div>
    </div>
  );
}
