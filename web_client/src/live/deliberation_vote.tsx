// The bench's own vote (docs/architecture.md#votes): a panel's deliberation (合议庭评议) or the
// judicial committee (审判委员会) decides each question put to it by more than half of all its
// voting members. Each voter casts a choice with their reasoned opinion (评议意见, required); the
// count is in heads only; once closed the bench reads every member's opinion, the dissenting ones
// marked (少数意见). Drawn with Preact into a host live/vote.ts gives it, loaded only in a
// deliberation: an opinion being written keeps its text and focus while the room changes.
import { render, type TargetedEvent, type VNode } from "preact";
import { useState } from "preact/hooks";
import { CHOICE_LABELS, ROLE_LABELS, type Choice } from "../generated/court";
import type { OpinionView, RoomView, VoteView } from "../generated/protocol";
import type { DeliberationKind } from "../shared/deliberation";
import { t } from "../shared/i18n";
import { words } from "../shared/money";
import { mayInRoom } from "../shared/permissions";
import { useLanguage } from "../shared/use_language";
import { report } from "./notice";
import type { LiveSession } from "./session";

const CHOICES: readonly Choice[] = ["for", "against", "abstain"];
const OPINION_MAX = 4000;

export interface DeliberationProps {
  vote: VoteView;
  room: RoomView;
  kind: DeliberationKind;
  session: LiveSession;
}

/** Draw the question into `host` (again after each change of the room). */
export function drawDeliberation(host: HTMLElement, props: DeliberationProps): void {
  render(<Deliberation {...props} />, host);
}

function Deliberation({ vote, room, kind, session }: DeliberationProps): VNode {
  useLanguage();
  const mine = vote.ballots.find((b) => b.creditor_id === room.you.id) ?? null;
  const voter = vote.voters.includes(room.you.id);
  return (
    <div class="vote-motion vote-deliberation" data-testid="vote-motion" data-state={vote.state}>
      <h3 data-testid="vote-title">
        {t("vote.delib.question", { seq: vote.seq, title: vote.title })}
      </h3>
      <p class="vote-rule">{t(`vote.delib.rule.${kind}`)}</p>
      <p class="vote-state">{t(vote.state === "open" ? "vote.open" : "vote.closed")}</p>
      {!voter ? (
        <p class="vote-no-vote" data-testid="vote-no-vote">
          {t(room.you.role === "prosecutor" ? "vote.delib.attends" : "vote.delib.no_vote")}
        </p>
      ) : mine !== null ? (
        <>
          <p class="vote-ballot" data-testid="vote-ballot">
            {t("vote.your_ballot", { choice: words(CHOICE_LABELS[mine.choice]) })}
          </p>
          <blockquote class="vote-opinion-text" data-testid="vote-own-opinion">
            <strong>{t("vote.delib.your_opinion")}</strong>
            {mine.opinion ?? ""}
          </blockquote>
        </>
      ) : (
        vote.state === "open" && (
          <BallotForm key={vote.motion_id} motionId={vote.motion_id} session={session} />
        )
      )}
      <p class="vote-cast" data-testid="vote-cast">
        {t("vote.cast", { count: vote.cast })}
      </p>
      {vote.tally !== null && <Tally vote={vote} kind={kind} />}
      {vote.opinions.length > 0 && <Opinions opinions={vote.opinions} />}
      {vote.state === "open" && mayInRoom(room.you, "close_vote", room.state) && (
        <button
          type="button"
          class="primary"
          data-testid="vote-close"
          onClick={() => report(session.act("close_vote", { motion_id: vote.motion_id }))}
        >
          {t("vote.close_button")}
        </button>
      )}
    </div>
  );
}

/** A choice picked, then cast with its opinion (not before the opinion is written). */
function BallotForm({ motionId, session }: { motionId: number; session: LiveSession }): VNode {
  const [choice, setChoice] = useState<Choice | null>(null);
  const [opinion, setOpinion] = useState("");
  const [busy, setBusy] = useState(false);
  const ready = choice !== null && opinion.trim() !== "" && !busy;
  const submit = (event: TargetedEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    report(
      session
        .act("cast_ballot", { motion_id: motionId, choice, opinion: opinion.trim() })
        .then((refused) => {
          if (refused) setBusy(false); // cast: the room's next view shows the ballot instead
          return refused;
        }),
    );
  };
  return (
    <form class="vote-ballot-form" data-testid="vote-ballot-form" onSubmit={submit}>
      <p class="vote-choose">{t("vote.choose")}</p>
      <div class="vote-choices" role="group">
        {CHOICES.map((c) => (
          <button
            key={c}
            type="button"
            class={`vote-choice vote-${c}`}
            data-testid={`vote-${c}`}
            aria-pressed={choice === c ? "true" : "false"}
            disabled={busy}
            onClick={() => setChoice(c)}
          >
            {words(CHOICE_LABELS[c])}
          </button>
        ))}
      </div>
      <label class="field">
        <span>{t("vote.delib.opinion")}</span>
        <small class="muted">{t("vote.delib.opinion_hint")}</small>
        <textarea
          class="vote-opinion"
          data-testid="vote-opinion"
          rows={5}
          maxLength={OPINION_MAX}
          required
          disabled={busy}
          value={opinion}
          onInput={(e) => setOpinion(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="primary" data-testid="vote-submit" disabled={!ready}>
        {t("vote.delib.submit")}
      </button>
    </form>
  );
}

/** Heads only: a member's vote weighs one, whatever their rank. */
function Tally({ vote, kind }: { vote: VoteView; kind: DeliberationKind }): VNode | null {
  const result = vote.tally;
  if (result === null) return null;
  const heads = result.overall;
  return (
    <div class="vote-tally" data-testid="vote-tally">
      {result.passed === null ? (
        <h4>{t("vote.live_tally")}</h4>
      ) : (
        <p class="vote-result" data-testid="vote-result">
          {t("vote.result", { result: t(result.passed ? "vote.passed" : "vote.not_passed") })}
        </p>
      )}
      <div class="vote-line" data-testid="vote-overall">
        <span>
          {t(`vote.delib.heads.${kind}`, {
            members: heads.creditors,
            for: heads.for_count,
            against: heads.against_count,
            abstain: heads.abstain_count,
            not_voted: heads.not_voted,
          })}
        </span>
        {heads.absent > 0 && <span>{t("vote.delib.absent", { absent: heads.absent })}</span>}
      </div>
    </div>
  );
}

/** Every member's opinion once the vote is closed (the bench only), dissents marked. */
function Opinions({ opinions }: { opinions: readonly OpinionView[] }): VNode {
  return (
    <div class="vote-opinions" data-testid="vote-opinions">
      <h4>{t("vote.delib.opinions")}</h4>
      <ol>
        {opinions.map((o) => (
          <li
            key={o.participant_id}
            class="vote-opinion-item"
            data-testid="vote-opinion-item"
            data-participant={o.participant_id}
            data-dissent={String(o.dissent)}
          >
            <div class="vote-opinion-who">
              <strong>{o.name}</strong>
              <small class="muted">{words(ROLE_LABELS[o.role])}</small>
              <span class="vote-opinion-choice">
                {o.choice === null ? t("vote.delib.did_not_vote") : words(CHOICE_LABELS[o.choice])}
              </span>
              {o.dissent && (
                <span class="badge vote-dissent" data-testid="vote-dissent">
                  {t("vote.delib.dissent")}
                </span>
              )}
            </div>
            {o.opinion !== "" && <p class="vote-opinion-text">{o.opinion}</p>}
          </li>
        ))}
      </ol>
    </div>
  );
}
