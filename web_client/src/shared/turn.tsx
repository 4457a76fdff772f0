// One statement of a staggered hearing (docs/architecture.md#staggered-hearings), as the party's
// and the bench's screens show it: who, a video played from the server or a text, when, and the
// first digits of its SHA-256.
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import { fetchFile, invitation } from "./api";
import { type Lang, t } from "./i18n";
import { stageRefusal } from "./stage_refusal";
import { clock, dateTime, shortHash } from "./staggered";
import type { TurnOut } from "../generated/api";

/** One statement: a video (played from the server) or a text, with who, when and its hash. */
export function Turn(props: { turn: TurnOut; lang: Lang; own: boolean }): VNode {
  const { turn, lang, own } = props;
  const when = dateTime(turn.submitted_at, lang);
  return (
    <li class="turn" data-testid={`turn-${turn.id}`} data-kind={turn.kind}>
      <p>
        <strong>{own ? t("stag.turn.you") : turn.name}</strong>
        {" · "}
        {t(turn.kind === "video" ? "stag.turn.video" : "stag.turn.text")}
        {turn.corrects_id !== null && ` · ${t("stag.turn.correction")}`}
      </p>
      {turn.kind === "video" && turn.media_url !== null ? (
        <>
          <TurnVideo url={turn.media_url} />
          <p class="muted" data-testid="turn-meta">
            {t("stag.turn.meta", { duration: clock(turn.duration_s ?? 0), when, hash: shortHash(turn.sha256) })}
          </p>
        </>
      ) : (
        <>
          <p class="turn-text" data-testid="turn-text">{turn.text}</p>
          <p class="muted">{t("stag.turn.text_meta", { when })}</p>
        </>
      )}
    </li>
  );
}

/** A statement's (or a recorded question's) video. Staff send their cookie with the element's own
 * request; an invitation travels in a header, which a `<video>` cannot send, so a party's copy is
 * fetched with it. */
export function TurnVideo({ url, testId = "turn-video" }: { url: string; testId?: string }): VNode {
  const [source, setSource] = useState<string | null>(invitation() === null ? url : null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  useEffect(() => {
    if (invitation() === null) return;
    let made: string | null = null;
    let gone = false;
    fetchFile(url)
      .then((response) => response.blob())
      .then((blob) => {
        if (gone) return;
        made = URL.createObjectURL(blob);
        setSource(made);
      })
      .catch((error: unknown) => setFailure({ error }));
    return () => {
      gone = true;
      if (made !== null) URL.revokeObjectURL(made);
    };
  }, [url]);
  if (failure !== null) return <p class="problem">{stageRefusal(failure.error)}</p>;
  if (source === null) return <p class="muted">{t("common.loading")}</p>;
  return <video class="turn-video" data-testid={testId} src={source} controls playsInline preload="metadata" />;
}
