// The motions of a creditors' meeting, or the questions put to a panel's deliberation or the
// judicial committee (docs/architecture.md#votes): the list, numbered, with each one's rule and
// state, and "add" (a title, and a creditors' meeting's rule; a deliberation has one rule, more
// than half of all its voting members); they are voted on live from the console.
import { render, type TargetedEvent, type VNode } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import type { MotionOut, NewMotionIn } from "../generated/api";
import { VOTE_RULE_LABELS, VOTE_RULES, type Rule } from "../generated/court";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { words } from "../shared/money";
import { useLanguage } from "../shared/use_language";
import { errorMessage } from "./errors";
import type { Items } from "./types";

const MEETING_RULES = VOTE_RULES.filter((r) => r !== "panel_majority");

/** Draw a deliberation's questions into `host` (a creditors' meeting's come with its roll). */
export function mountQuestions(host: HTMLElement, hearingId: number): void {
  render(<Questions hearingId={hearingId} />, host);
}

function Questions({ hearingId }: { hearingId: number }): VNode {
  useLanguage();
  const [motions, setMotions] = useState<MotionOut[] | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const load = useCallback(async (): Promise<void> => {
    setMotions((await api<Items<MotionOut>>("GET", `/hearings/${hearingId}/motions`)).items);
  }, [hearingId]);
  useEffect(() => {
    load().catch((error: unknown) => setFailure({ error }));
  }, [load]);
  const problem = failure === null ? null : errorMessage(failure.error);
  return (
    <section class="questions" data-testid="questions">
      {problem !== null && (
        <p class="error" role="alert" data-testid="questions-error">
          {t(problem.key, problem.vars)}
        </p>
      )}
      {motions !== null && (
        <Motions hearingId={hearingId} motions={motions} added={load} deliberation />
      )}
    </section>
  );
}

interface Props {
  hearingId: number;
  motions: MotionOut[];
  /** Load the motions again, with the one just added. */
  added: () => Promise<void>;
  /** A deliberation's questions: no choice of rule. */
  deliberation?: boolean;
}

export function Motions({ hearingId, motions, added, deliberation = false }: Props): VNode {
  const [title, setTitle] = useState("");
  const [rule, setRule] = useState<Rule>("ordinary");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const submit = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setFailure(null);
    setBusy(true);
    const motion: NewMotionIn = {
      title: title.trim(),
      rule: deliberation ? "panel_majority" : rule,
    };
    try {
      await api<MotionOut>("POST", `/hearings/${hearingId}/motions`, motion);
      setTitle("");
      await added();
    } catch (error) {
      setFailure({ error });
    } finally {
      setBusy(false);
    }
  };
  const problem = failure === null ? null : errorMessage(failure.error);
  return (
    <div class="motions">
      <h4>{t(deliberation ? "vote.delib.questions" : "vote.motions")}</h4>
      <ul class="rows" data-testid="motions">
        {motions.map((m) => (
          <li key={m.id} class="row" data-testid={`motion-${m.seq}`}>
            <span class="what">
              <strong>
                {t(deliberation ? "vote.delib.question" : "vote.motion", {
                  seq: m.seq,
                  title: m.title,
                })}
              </strong>
              <small class="muted" data-testid="motion-rule-label">
                {words(VOTE_RULE_LABELS[m.rule])}
              </small>
            </span>
            <span data-testid="motion-state">{t(`vote.state.${m.state}`)}</span>
          </li>
        ))}
      </ul>
      {motions.length === 0 && (
        <p class="muted" data-testid="motions-none">
          {t(deliberation ? "vote.delib.no_questions" : "vote.no_motions")}
        </p>
      )}
      {problem !== null && (
        <p class="error" role="alert" data-testid="motion-error">
          {t(problem.key, problem.vars)}
        </p>
      )}
      <h4>{t(deliberation ? "staff.questions.add_title" : "staff.motions.add_title")}</h4>
      <form class="add-motion" data-testid="motion-form" onSubmit={submit}>
        <label class="field">
          <span>
            {t(deliberation ? "staff.questions.title_field" : "staff.motions.title_field")}
          </span>
          <input
            value={title}
            required
            maxLength={200}
            onInput={(e) => setTitle(e.currentTarget.value)}
            data-testid="motion-title"
          />
        </label>
        {deliberation ? (
          <p class="muted" data-testid="motion-rule-fixed">
            {words(VOTE_RULE_LABELS.panel_majority)}
          </p>
        ) : (
          <label class="field">
            <span>{t("staff.motions.rule")}</span>
            <select
              value={rule}
              onChange={(e) => setRule(e.currentTarget.value as Rule)}
              data-testid="motion-rule"
            >
              {MEETING_RULES.map((r) => (
                <option key={r} value={r}>
                  {words(VOTE_RULE_LABELS[r])}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" class="primary" disabled={busy} data-testid="motion-add">
          {t(deliberation ? "vote.delib.add" : "vote.add")}
        </button>
      </form>
    </div>
  );
}
