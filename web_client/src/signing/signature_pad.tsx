// A signature drawn with a finger, a pen or a mouse: pointer events on a canvas (touch-action
// none, so a finger draws instead of scrolling the page), the strokes kept so that the last
// one can be taken back and the drawing cleared. After each stroke the drawing is exported as a
// PNG (base64, ink on a transparent ground) for the caller to send.
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../shared/i18n";

type Point = [number, number];

/** The most pixels the PNG may have across and down (the server takes up to 2000 × 1000). */
const MAX_WIDTH = 1600;
const MAX_HEIGHT = 800;
const INK = "#10243e";

interface PadProps {
  /** The drawing as base64 PNG after each change; null once nothing is drawn. */
  onInk: (png: string | null) => void;
  disabled?: boolean;
}

export function SignaturePad({ onInk, disabled = false }: PadProps): VNode {
  const canvas = useRef<HTMLCanvasElement>(null);
  const strokes = useRef<Point[][]>([]);
  const drawing = useRef<number | null>(null);
  const [count, setCount] = useState(0);

  const scale = (): number => {
    const box = canvas.current?.getBoundingClientRect();
    return box && box.width > 0 ? canvas.current!.width / box.width : 1;
  };
  const redraw = (): void => {
    const target = canvas.current;
    const context = target?.getContext("2d");
    if (!target || !context) return;
    context.clearRect(0, 0, target.width, target.height);
    context.lineWidth = 3 * scale();
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = INK;
    for (const stroke of strokes.current) {
      context.beginPath();
      const [first, ...rest] = stroke;
      context.moveTo(first[0], first[1]);
      // a tap is a dot
      if (rest.length === 0) context.lineTo(first[0] + 0.5, first[1] + 0.5);
      for (const [x, y] of rest) context.lineTo(x, y);
      context.stroke();
    }
  };
  const changed = (): void => {
    setCount(strokes.current.length);
    redraw();
    const png = canvas.current?.toDataURL("image/png") ?? "";
    onInk(strokes.current.length > 0 ? png.slice(png.indexOf(",") + 1) : null);
  };

  useEffect(() => {
    // The backing store follows the size the page gives the canvas (and the screen's density).
    const target = canvas.current;
    if (!target) return;
    const box = target.getBoundingClientRect();
    const density = Math.min(window.devicePixelRatio || 1, 2);
    target.width = Math.min(Math.round(box.width * density), MAX_WIDTH);
    target.height = Math.min(Math.round(box.height * density), MAX_HEIGHT);
  }, []);

  const at = (event: PointerEvent): Point => {
    const target = canvas.current!;
    const box = target.getBoundingClientRect();
    return [
      ((event.clientX - box.left) * target.width) / box.width,
      ((event.clientY - box.top) * target.height) / box.height,
    ];
  };
  return (
    <div class="signature-pad">
      <canvas
        ref={canvas}
        data-testid="signature-canvas"
        data-strokes={String(count)}
        aria-label={t("signing.pad_label")}
        onPointerDown={(event) => {
          if (disabled || drawing.current !== null) return;
          event.preventDefault();
          event.currentTarget.setPointerCapture(event.pointerId);
          drawing.current = event.pointerId;
          strokes.current.push([at(event)]);
          redraw();
        }}
        onPointerMove={(event) => {
          if (drawing.current !== event.pointerId) return;
          // the points the browser merged into this event, for a smooth line
          const merged = event.getCoalescedEvents?.() ?? [];
          const stroke = strokes.current[strokes.current.length - 1];
          for (const one of merged.length > 0 ? merged : [event]) stroke.push(at(one));
          redraw();
        }}
        onPointerUp={(event) => {
          if (drawing.current !== event.pointerId) return;
          drawing.current = null;
          changed();
        }}
        onPointerCancel={(event) => {
          if (drawing.current !== event.pointerId) return;
          drawing.current = null;
          changed();
        }}
      />
      <div class="button-row">
        <button
          type="button"
          data-testid="signature-undo"
          disabled={disabled || count === 0}
          onClick={() => {
            strokes.current.pop();
            changed();
          }}
        >
          {t("signing.undo")}
        </button>
        <button
          type="button"
          data-testid="signature-clear"
          disabled={disabled || count === 0}
          onClick={() => {
            strokes.current = [];
            changed();
          }}
        >
          {t("signing.clear")}
        </button>
      </div>
    </div>
  );
}
