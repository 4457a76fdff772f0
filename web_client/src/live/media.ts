// The person's camera and microphone: asking for them, explaining a refusal, measuring the level.

export type MediaProblem =
  | "denied"
  | "no_device"
  | "in_use"
  | "insecure"
  | "failed"
  /** The microphone works on its own: only the camera is blocked, or missing. */
  | "camera_denied"
  | "no_camera";

export class MediaError extends Error {
  constructor(
    readonly problem: MediaProblem,
    message: string,
  ) {
    super(message);
  }
}

/** A phone or tablet (a touch screen first): its camera is taken smaller, and sent in fewer
 * layers, than a computer's. */
export function onPhone(): boolean {
  return window.matchMedia("(pointer: coarse)").matches;
}

const AUDIO: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/** 720p on a computer, for the three simulcast layers 180p / 360p / 720p (the browser sends
 * fewer layers of a smaller picture); 360p on a phone, in two layers. */
function constraints(): MediaStreamConstraints {
  const phone = onPhone();
  return {
    audio: AUDIO,
    video: {
      width: { ideal: phone ? 640 : 1280 },
      height: { ideal: phone ? 360 : 720 },
      frameRate: { ideal: 24, max: 30 },
      facingMode: "user",
    },
  };
}

/** Open the camera and microphone; a MediaError says what went wrong in terms of what to do. */
export async function openCameraAndMicrophone(): Promise<MediaStream> {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new MediaError("insecure", "camera access needs a secure (https) page");
  }
  try {
    return await navigator.mediaDevices.getUserMedia(constraints());
  } catch (error) {
    const name = error instanceof DOMException ? error.name : "";
    const message = error instanceof Error ? error.message : String(error);
    if (name === "NotAllowedError" || name === "SecurityError") {
      throw new MediaError("denied", message);
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      throw new MediaError("no_device", message);
    }
    if (name === "NotReadableError" || name === "AbortError") {
      throw new MediaError("in_use", message);
    }
    throw new MediaError("failed", message);
  }
}

/** The microphone alone, when the camera cannot be used: the court can still hear the person.
 * Rejects (with the browser's own error) when the microphone cannot be used either. */
export async function openMicrophone(): Promise<MediaStream> {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    throw new MediaError("insecure", "microphone access needs a secure (https) page");
  }
  return navigator.mediaDevices.getUserMedia({ audio: AUDIO });
}

export function stopAll(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Report the microphone's level (0..1) about ten times a second until stopped. */
export function watchLevel(stream: MediaStream, onLevel: (level: number) => void): () => void {
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const timer = window.setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    const rms = Math.sqrt(sum / samples.length);
    // Speech sits around -40..-10 dBFS: map that range onto the meter.
    const db = 20 * Math.log10(Math.max(rms, 1e-6));
    onLevel(Math.min(1, Math.max(0, (db + 60) / 50)));
  }, 100);
  // Safari starts audio only after a tap: resume on the first one if needed.
  const resume = (): void => void context.resume();
  resume();
  document.addEventListener("pointerdown", resume, { once: true });
  return () => {
    document.removeEventListener("pointerdown", resume);
    window.clearInterval(timer);
    void context.close();
  };
}
