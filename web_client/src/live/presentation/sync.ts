// Keeping a presented exhibit in step with its presenter
// (docs/architecture.md#presenting-an-exhibit), without the DOM: which view is the newest, where
// a page lies in a box of any size, where an audio or video exhibit should be by now, which
// picture to ask for.
import type { PresentationView, PresentedView, PresentViewOut } from "../../generated/protocol";

/** The exhibit on screen as this client shows it: the room's presentation with the newest view
 * received (from a `room` or a `present_view`) and when it arrived (`performance.now()`). */
export interface Shown {
  presentation: PresentationView;
  view: PresentedView;
  seq: number;
  at: number;
}

/** The picture widths the server draws (`page_url`'s `{width}`). */
export const WIDTHS = [480, 960, 1600] as const;
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 8;
/** A page's height over its width until its picture has loaded (A4). */
export const DEFAULT_ASPECT = Math.SQRT2;
/** How far (seconds) a follower's audio or video may drift before it is moved. */
export const DRIFT_S = 0.5;

/** One presentation differs from another although the same file is shown again. */
export function presentationKey(presentation: PresentationView): string {
  return `${presentation.file_id}@${presentation.since}`;
}

/** What to show after a `room`: its presentation, keeping the view already shown for it unless
 * the room's is newer (a `room` sent for another reason must not restart a recording's clock). */
export function fromRoom(
  current: Shown | null,
  presentation: PresentationView | null | undefined,
  now: number,
): Shown | null {
  if (presentation == null) return null;
  if (
    current !== null &&
    presentationKey(current.presentation) === presentationKey(presentation) &&
    current.seq >= presentation.seq
  ) {
    return { ...current, presentation };
  }
  return { presentation, view: presentation.view, seq: presentation.seq, at: now };
}

/** What to show after a `present_view`: a move of another file, or older than the one shown,
 * is dropped (the same object comes back). */
export function applyMove(current: Shown | null, move: PresentViewOut, now: number): Shown | null {
  if (
    current === null ||
    current.presentation.file_id !== move.file_id ||
    current.presentation.exhibit_id !== move.exhibit_id ||
    move.seq <= current.seq
  ) {
    return current;
  }
  return { ...current, view: move.view, seq: move.seq, at: now };
}

/** Seconds into the audio or video where the presenter is now. */
export function expectedPosition(view: PresentedView, at: number, now: number): number {
  return view.playing ? view.position + Math.max(0, now - at) / 1000 : view.position;
}

/** The smallest picture as wide as the element's pixels, else the largest there is. */
export function pictureWidth(cssWidth: number, devicePixelRatio: number): number {
  const wanted = cssWidth * (devicePixelRatio || 1);
  return WIDTHS.find((width) => width >= wanted) ?? WIDTHS[WIDTHS.length - 1];
}

export function pageUrl(template: string, page: number, width: number): string {
  return template.replace("{page}", String(page)).replace("{width}", String(width));
}

/** Where the page lies in a box `boxWidth` wide (CSS pixels, from the box's top left corner):
 * the zoom relative to the box's width, the view's (x, y) at the box's centre-top. */
export interface Placement {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function place(view: PresentedView, boxWidth: number, aspect: number): Placement {
  const width = boxWidth * view.zoom;
  const height = width * aspect;
  return { left: boxWidth / 2 - view.x * width, top: -view.y * height, width, height };
}

/** The view moved within what the presenter's box can show: no edge of the page further in
 * than the box's (across), no scrolling past the page's end (down). */
export function clampView(
  view: PresentedView,
  boxWidth: number,
  boxHeight: number,
  aspect: number,
): PresentedView {
  const zoom = clamp(view.zoom, MIN_ZOOM, MAX_ZOOM);
  const half = 1 / (2 * zoom);
  const pageHeight = boxWidth * zoom * aspect;
  const lowest = pageHeight > 0 ? Math.max(0, 1 - boxHeight / pageHeight) : 0;
  return {
    ...view,
    zoom,
    x: clamp(view.x, half, 1 - half),
    y: clamp(view.y, 0, lowest),
  };
}

/** The point of the page under a point of the box, as fractions of the page (null: off it). */
export function pagePoint(
  placement: Placement,
  boxX: number,
  boxY: number,
): { x: number; y: number } | null {
  const x = (boxX - placement.left) / placement.width;
  const y = (boxY - placement.top) / placement.height;
  return x >= 0 && x <= 1 && y >= 0 && y <= 1 ? { x, y } : null;
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Sends the presenter's moves: a drag or a pointer at most once an animation frame (`soon`),
 * a page, zoom or playback change at once (`now`), which drops a drag still waiting so it cannot
 * undo the change after it. */
export class FrameSender<T> {
  private pending: { value: T } | null = null;
  private frame = 0;

  constructor(private readonly send: (value: T) => void) {}

  soon(value: T): void {
    const scheduled = this.pending !== null;
    this.pending = { value };
    if (!scheduled) this.frame = requestAnimationFrame(() => this.flush());
  }

  now(value: T): void {
    this.cancel();
    this.send(value);
  }

  cancel(): void {
    if (this.pending !== null) cancelAnimationFrame(this.frame);
    this.pending = null;
  }

  private flush(): void {
    const last = this.pending;
    this.pending = null;
    if (last !== null) this.send(last.value);
  }
}
