// After a reload mid-hearing: this tab took its seat a moment ago, so one tap takes the person
// back (the server keeps their admission for its grace window), without the invitation and the
// self-test again. The seat is remembered per tab (sessionStorage) until the hearing ends for them.
import type { SelfTestIn } from "../generated/protocol";
import { button, el } from "../shared/dom";
import { openCameraAndMicrophone, openMicrophone } from "./media";

/** What the person joined with, to open the same again. */
export type Devices = "camera" | "microphone" | "none";

const key = (participantId: number): string => `hearing-seat:${participantId}`;

/** Remember that this tab took its seat, and with which devices. */
export function rememberSeat(participantId: number, stream: MediaStream | null): void {
  let devices: Devices = "none";
  if (stream !== null) devices = stream.getVideoTracks().length > 0 ? "camera" : "microphone";
  stored(() => sessionStorage.setItem(key(participantId), devices));
}

export function forgetSeat(participantId: number): void {
  stored(() => sessionStorage.removeItem(key(participantId)));
}

export function rememberedSeat(participantId: number): Devices | null {
  const value = stored(() => sessionStorage.getItem(key(participantId)));
  return value === "camera" || value === "microphone" || value === "none" ? value : null;
}

/** The one tap back. `onRejoin` gets the same devices opened again (null: none) and what they
 * are, for the court; `onFull` runs the whole self-test when they no longer open. */
export function rejoinPanel(
  devices: Devices,
  onRejoin: (stream: MediaStream | null, result: SelfTestIn) => void,
  onFull: () => void,
): HTMLElement {
  const rejoin = async (): Promise<void> => {
    let stream: MediaStream | null = null;
    try {
      if (devices === "camera") stream = await openCameraAndMicrophone();
      else if (devices === "microphone") stream = await openMicrophone();
    } catch {
      onFull(); // a device went away or was blocked meanwhile: the self-test explains
      return;
    }
    const live = (tracks: MediaStreamTrack[]): boolean =>
      tracks.some((track) => track.readyState === "live");
    onRejoin(stream, {
      camera: live(stream?.getVideoTracks() ?? []),
      microphone: live(stream?.getAudioTracks() ?? []),
      network: "good", // this page just reached the server for the invitation
    });
  };
  return el(
    "section.rejoin.panel",
    { testid: "rejoin" },
    el("h2", { i18n: "live.rejoin.title" }),
    el("p", { i18n: "live.rejoin.body" }),
    button("live.rejoin.button", "rejoin-button", () => void rejoin(), "primary"),
  );
}

/** sessionStorage can be missing or refuse (some private modes): then nothing is remembered. */
function stored<T>(use: () => T): T | null {
  try {
    return use();
  } catch {
    return null;
  }
}
