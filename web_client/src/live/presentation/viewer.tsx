// A PDF's or a picture's page on screen, laid out as the presenter's view says (zoom, the point
// at the centre-top, the pointer as a dot; audio and video are playback.tsx's). On a follower's
// screen a pinch zooms the page for that screen alone; the presenter's next move brings it back
// to theirs. On the presenter's own screen a drag scrolls (or points) and a tap points.
import type { VNode } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { PresentedView } from "../../generated/protocol";
import { t } from "../../shared/i18n";
import {
  clamp,
  clampView,
  DEFAULT_ASPECT,
  pagePoint,
  pageUrl,
  pictureWidth,
  place,
  type Shown,
} from "./sync";

/** The presenter's box and page, for their controls to keep a move within them. */
export interface Geometry {
  width: number;
  height: number;
  aspect: number;
}

const TAP_PX = 6;
const MAX_LOCAL_ZOOM = 6;

/** The element's CSS size, kept current. */
function useSize(ref: { current: HTMLElement | null }): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const measure = (): void =>
      setSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return size;
}

interface PageProps {
  shown: Shown;
  view: PresentedView;
  /** The presenter's moves (absent on a follower's screen). */
  onMove?: (view: PresentedView, now: boolean) => void;
  /** With `onMove`: a drag points instead of scrolling. */
  pointing?: boolean;
  geometry: { current: Geometry };
}

/** A follower's own zoom on top of the presenter's view: screen = (tx, ty) + scale × point. */
interface LocalZoom {
  scale: number;
  tx: number;
  ty: number;
}
const NO_ZOOM: LocalZoom = { scale: 1, tx: 0, ty: 0 };

/** Where a gesture started. */
interface Gesture {
  pointers: Map<number, { x: number; y: number }>;
  start: Map<number, { x: number; y: number }>;
  view: PresentedView;
  zoom: LocalZoom;
  moved: boolean;
}

export function PageView({ shown, view, onMove, pointing, geometry }: PageProps): VNode {
  const { presentation } = shown;
  const box = useRef<HTMLDivElement>(null);
  const size = useSize(box);
  const [aspect, setAspect] = useState(DEFAULT_ASPECT);
  const [local, setLocal] = useState<LocalZoom>(NO_ZOOM);
  const gesture = useRef<Gesture | null>(null);
  geometry.current = { ...size, aspect };
  const pages = presentation.pages ?? 1;
  const width = pictureWidth(size.width, window.devicePixelRatio);
  const links = useRef(new Map<string, string>());
  const [, setRetried] = useState(0);
  /** A page's address, kept once made: every `room` brings newly signed links, and a picture
   * asked for again under another would be fetched again (the next page's too, ahead). */
  const urlOf = (page: number): string => {
    const key = `${page}@${width}`;
    let url = links.current.get(key);
    if (url === undefined) {
      url = pageUrl(presentation.page_url, page, width);
      links.current.set(key, url);
    }
    return url;
  };
  /** A picture that failed under an old link (expired) is asked for under the newest. */
  const retry = (page: number): void => {
    const key = `${page}@${width}`;
    if (links.current.get(key) === pageUrl(presentation.page_url, page, width)) return;
    links.current.delete(key);
    setRetried((n) => n + 1);
  };
  const placement = place(view, size.width, aspect);

  // The presenter moved: the page follows them again.
  useEffect(() => setLocal(NO_ZOOM), [view.page, view.zoom, view.x, view.y]);
  // The next page's picture, ready before the presenter turns to it.
  useEffect(() => {
    if (size.width === 0 || view.page >= pages) return;
    new Image().src = urlOf(view.page + 1);
  }, [presentation.page_url, view.page, width, pages, size.width > 0]);

  const inBox = (event: PointerEvent): { x: number; y: number } => {
    const rect = box.current?.getBoundingClientRect();
    return { x: event.clientX - (rect?.left ?? 0), y: event.clientY - (rect?.top ?? 0) };
  };
  /** A point of the box as the page sees it, under the follower's own zoom. */
  const unzoomed = (p: { x: number; y: number }): { x: number; y: number } => ({
    x: (p.x - local.tx) / local.scale,
    y: (p.y - local.ty) / local.scale,
  });

  const onPointerDown = (event: PointerEvent): void => {
    const now = gesture.current ?? {
      pointers: new Map(),
      start: new Map(),
      view,
      zoom: local,
      moved: false,
    };
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    const at = inBox(event);
    now.pointers.set(event.pointerId, at);
    // a second finger starts a pinch from where both are now
    for (const [id, p] of now.pointers) now.start.set(id, p);
    now.view = view;
    now.zoom = local;
    gesture.current = now;
  };

  const onPointerMove = (event: PointerEvent): void => {
    const now = gesture.current;
    if (now === null || !now.pointers.has(event.pointerId)) return;
    const at = inBox(event);
    now.pointers.set(event.pointerId, at);
    const from = now.start.get(event.pointerId) ?? at;
    if (Math.hypot(at.x - from.x, at.y - from.y) > TAP_PX) now.moved = true;
    if (!now.moved) return;
    if (onMove !== undefined) {
      presenterDrag(now, from, at);
      return;
    }
    followerGesture(now);
  };

  const presenterDrag = (
    now: Gesture,
    from: { x: number; y: number },
    at: { x: number; y: number },
  ): void => {
    if (pointing) {
      onMove?.({ ...view, pointer: pagePoint(placement, at.x, at.y) }, false);
      return;
    }
    const start = place(now.view, size.width, aspect);
    const moved = {
      ...now.view,
      x: now.view.x - (at.x - from.x) / start.width,
      y: now.view.y - (at.y - from.y) / start.height,
    };
    onMove?.(clampView(moved, size.width, size.height, aspect), false);
  };

  const followerGesture = (now: Gesture): void => {
    const ids = [...now.pointers.keys()];
    const [a, b] = ids.map((id) => now.pointers.get(id) as { x: number; y: number });
    const [a0, b0] = ids.map((id) => now.start.get(id) as { x: number; y: number });
    if (b !== undefined && b0 !== undefined) {
      const ratio = Math.hypot(b.x - a.x, b.y - a.y) / (Math.hypot(b0.x - a0.x, b0.y - a0.y) || 1);
      const scale = clamp(now.zoom.scale * ratio, 1, MAX_LOCAL_ZOOM);
      const mid0 = { x: (a0.x + b0.x) / 2, y: (a0.y + b0.y) / 2 };
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      // the point of the page under the fingers stays under them
      const px = (mid0.x - now.zoom.tx) / now.zoom.scale;
      const py = (mid0.y - now.zoom.ty) / now.zoom.scale;
      setLocal(scale === 1 ? NO_ZOOM : { scale, tx: mid.x - scale * px, ty: mid.y - scale * py });
    } else if (now.zoom.scale > 1) {
      setLocal({ ...now.zoom, tx: now.zoom.tx + a.x - a0.x, ty: now.zoom.ty + a.y - a0.y });
    }
  };

  const onPointerUp = (event: PointerEvent): void => {
    const now = gesture.current;
    if (now === null) return;
    const at = now.pointers.get(event.pointerId);
    now.pointers.delete(event.pointerId);
    now.start.delete(event.pointerId);
    if (onMove !== undefined && !now.moved && at !== undefined && event.type === "pointerup") {
      const p = unzoomed(at);
      onMove({ ...view, pointer: pagePoint(placement, p.x, p.y) }, true);
    }
    if (now.pointers.size === 0) gesture.current = null;
    else {
      for (const [id, p] of now.pointers) now.start.set(id, p);
      now.zoom = local;
    }
  };

  const src = size.width > 0 ? urlOf(view.page) : undefined;
  const pointer = view.pointer;
  return (
    <div
      ref={box}
      class={onMove !== undefined ? "present-box presenting-here" : "present-box"}
      data-testid="present-box"
      data-page={String(view.page)}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      <div
        class="present-local"
        style={{ transform: `translate(${local.tx}px, ${local.ty}px) scale(${local.scale})` }}
      >
        <div
          class="present-page"
          style={{
            left: `${placement.left}px`,
            top: `${placement.top}px`,
            width: `${placement.width}px`,
            height: `${placement.height}px`,
          }}
        >
          {src !== undefined && (
            <img
              src={src}
              data-testid="present-picture"
              alt={t("live.present.picture", {
                label: presentation.label,
                page: String(view.page),
              })}
              draggable={false}
              onError={() => retry(view.page)}
              onLoad={(event) => {
                const image = event.currentTarget;
                if (image.naturalWidth > 0) setAspect(image.naturalHeight / image.naturalWidth);
              }}
            />
          )}
          {pointer != null && (
            <span
              class="present-pointer"
              data-testid="present-pointer"
              role="img"
              aria-label={t("live.present.pointer")}
              style={{ left: `${pointer.x * 100}%`, top: `${pointer.y * 100}%` }}
            />
          )}
        </div>
      </div>
      {local !== NO_ZOOM && (
        <button
          type="button"
          class="present-follow"
          data-testid="present-follow"
          onPointerDown={(event) => event.stopPropagation()}
          onClick={() => setLocal(NO_ZOOM)}
        >
          {t("live.present.follow")}
        </button>
      )}
    </div>
  );
}
