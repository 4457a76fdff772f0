// Whose video this screen does not show now, so the server sends none of it: every tile's while
// the page is in the background (the person switched apps), otherwise the tiles scrolled out of
// view or not displayed. On a phone's mobile data that is most of what would be received. The
// server resumes a video at a keyframe when its tile shows again, without renegotiating; audio
// always goes on. Tiles shown small (thumbnails) are reported too: the server sends them the
// camera's lowest layer, which is all a thumbnail can show.

/** A scroll or a layout change settles before the server is told. */
const DEBOUNCE_MS = 300;

/** A tile at most this many device pixels high is a thumbnail: the lowest simulcast layer
 * (180p) fills it. */
export const SMALL_TILE_PX = 240;

/** What the server is told: whose video is not shown, and whose is shown small. */
export interface VideoViews {
  hidden: number[];
  small: number[];
}

export class HiddenVideos {
  /** Each tile's video and whether it intersects the viewport, as last observed. */
  private readonly seen = new Map<HTMLVideoElement, boolean>();
  private readonly observer: IntersectionObserver;
  private timer: number | null = null;

  /** `stage`: the element holding the tiles; `tell`: called with the sorted ids when they
   * change (the session sends them, and again on every connection). */
  constructor(
    private readonly stage: HTMLElement,
    private readonly tell: (views: VideoViews) => void,
  ) {
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        this.seen.set(entry.target as HTMLVideoElement, entry.isIntersecting);
      }
      this.check();
    });
    document.addEventListener("visibilitychange", () => this.check());
  }

  /** Look again soon (tiles came, went or moved); what is seen then is what the server is told
   * (a look already due takes this one in: the screen may change faster than the wait). */
  check(): void {
    this.observeTiles();
    if (this.timer !== null) return;
    this.timer = window.setTimeout(() => {
      this.timer = null;
      this.tell(this.views());
    }, DEBOUNCE_MS);
  }

  private observeTiles(): void {
    const current = new Set(this.videos().map(([, video]) => video));
    for (const video of current) {
      if (!this.seen.has(video)) {
        this.seen.set(video, false); // until the observer's first report
        this.observer.observe(video);
      }
    }
    for (const video of [...this.seen.keys()]) {
      if (!current.has(video)) {
        this.observer.unobserve(video);
        this.seen.delete(video);
      }
    }
  }

  private views(): VideoViews {
    const background = document.visibilityState === "hidden";
    const hidden: number[] = [];
    const small: number[] = [];
    for (const [id, video] of this.videos()) {
      if (background || this.seen.get(video) !== true || video.getClientRects().length === 0) {
        hidden.push(id);
      } else if (video.getBoundingClientRect().height * window.devicePixelRatio <= SMALL_TILE_PX) {
        small.push(id);
      }
    }
    return { hidden: hidden.sort((a, b) => a - b), small: small.sort((a, b) => a - b) };
  }

  /** The other people's tiles (not one's own picture, nor a shared screen). */
  private videos(): Array<[number, HTMLVideoElement]> {
    const found: Array<[number, HTMLVideoElement]> = [];
    for (const tile of this.stage.querySelectorAll<HTMLElement>("[data-testid=tile]")) {
      const video = tile.querySelector("video");
      const id = Number(tile.dataset.participant);
      if (video !== null && Number.isInteger(id) && id > 0) found.push([id, video]);
    }
    return found;
  }
}
