// The presenter's controls: choose a file of the case's exhibits to put on screen (the list the
// evidence screens show, from the REST API), turn its pages, zoom, point, and take it down.
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ExhibitOut } from "../../generated/api";
import type { PresentedView } from "../../generated/protocol";
import { ApiError, api } from "../../shared/api";
import { type Lang, t } from "../../shared/i18n";
import { refusalText } from "../../shared/refusals";
import { useLanguage } from "../../shared/use_language";
import { notify } from "../notice";
import type { Refusal } from "../protocol";
import type { LiveSession } from "../session";
import { clampView, MAX_ZOOM, MIN_ZOOM } from "./sync";
import type { Geometry } from "./viewer";

const ZOOM_STEP = 1.25;

export function refused(refusal: Refusal | null): boolean {
  if (refusal !== null) {
    notify(t("live.refused", { message: refusalText(refusal.code, refusal.message) }));
  }
  return refusal !== null;
}

interface BarProps {
  view: PresentedView;
  pages: number | null;
  geometry: { current: Geometry };
  pointing: boolean;
  onPointing: (pointing: boolean) => void;
  onMove: (view: PresentedView, now: boolean) => void;
}

/** Page, zoom and pointer, for a PDF's or a picture's presenter. */
export function PageControls(props: BarProps): VNode {
  const { view, pages, geometry, pointing, onPointing, onMove } = props;
  const last = pages ?? 1;
  const move = (changed: PresentedView): void => {
    const { width, height, aspect } = geometry.current;
    onMove(clampView(changed, width, height, aspect), true);
  };
  const turn = (page: number): void => move({ ...view, page, y: 0, pointer: null });
  const zoom = (factor: number): void => move({ ...view, zoom: view.zoom * factor });
  return (
    <>
      <button
        type="button"
        data-testid="present-prev"
        disabled={view.page <= 1}
        aria-label={t("live.present.prev")}
        onClick={() => turn(view.page - 1)}
      >
        ‹ {t("live.present.prev")}
      </button>
      <button
        type="button"
        data-testid="present-next"
        disabled={view.page >= last}
        aria-label={t("live.present.next")}
        onClick={() => turn(view.page + 1)}
      >
        {t("live.present.next")} ›
      </button>
      <button
        type="button"
        data-testid="present-zoom-out"
        disabled={view.zoom <= MIN_ZOOM}
        aria-label={t("live.present.zoom_out")}
        onClick={() => zoom(1 / ZOOM_STEP)}
      >
        −
      </button>
      <button
        type="button"
        data-testid="present-zoom-in"
        disabled={view.zoom >= MAX_ZOOM}
        aria-label={t("live.present.zoom_in")}
        onClick={() => zoom(ZOOM_STEP)}
      >
        +
      </button>
      <button
        type="button"
        data-testid="present-point"
        aria-pressed={pointing}
        onClick={() => onPointing(!pointing)}
      >
        {t("live.present.point")}
      </button>
      {view.pointer != null && (
        <button
          type="button"
          data-testid="present-hide-pointer"
          onClick={() => onMove({ ...view, pointer: null }, true)}
        >
          {t("live.present.hide_pointer")}
        </button>
      )}
    </>
  );
}

function label(exhibit: ExhibitOut, lang: Lang): string {
  return lang === "en" ? exhibit.label_en : exhibit.label_zh;
}

/** The case's exhibits this person sees, each file with a button to put it on screen. */
export function ExhibitPicker(props: {
  session: LiveSession;
  hearingId: number;
  onClose: () => void;
}): VNode {
  const { session, hearingId, onClose } = props;
  const lang = useLanguage();
  const [exhibits, setExhibits] = useState<ExhibitOut[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: ExhibitOut[] }>("GET", `/hearings/${hearingId}/exhibits`)
      .then((list) => setExhibits(list.items))
      .catch((error: unknown) =>
        setProblem(
          error instanceof ApiError
            ? refusalText(error.code, error.message)
            : refusalText("network", String(error)),
        ),
      );
  }, [hearingId]);
  const present = async (exhibitId: number, fileId: number): Promise<void> => {
    const answer = await session.act("present", {
      exhibit_id: exhibitId,
      file_id: fileId,
      page: 1,
    });
    if (!refused(answer)) onClose();
  };
  const shown = (exhibits ?? []).filter((e) => e.withdrawn_at === null && e.files.length > 0);
  return (
    <section
      class="present-picker panel"
      data-testid="present-picker"
      aria-labelledby="present-pick"
    >
      <div class="present-picker-head">
        <h2 id="present-pick">{t("live.present.pick_title")}</h2>
        <button type="button" data-testid="present-picker-close" onClick={onClose}>
          {t("common.close")}
        </button>
      </div>
      {problem !== null && (
        <p class="problem" role="alert" data-testid="present-picker-error">
          {problem}
        </p>
      )}
      {exhibits === null && problem === null && <p class="muted">{t("common.loading")}</p>}
      {exhibits !== null && shown.length === 0 && <p class="muted">{t("live.present.none")}</p>}
      <ul class="present-exhibits">
        {shown.map((exhibit) => (
          <li key={exhibit.id} data-testid={`present-exhibit-${exhibit.id}`}>
            <strong>{label(exhibit, lang)}</strong> <span>{exhibit.title}</span>
            <ul>
              {exhibit.files.map((file) => (
                <li key={file.id}>
                  <span>{file.display_name}</span>{" "}
                  <button
                    type="button"
                    class="primary"
                    data-testid="present-file"
                    data-file={String(file.id)}
                    aria-label={t("live.present.file_label", { name: file.display_name })}
                    onClick={() => void present(exhibit.id, file.id)}
                  >
                    {t("live.present.file")}
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
