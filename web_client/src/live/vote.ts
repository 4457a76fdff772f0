// A vote (docs/architecture.md#votes). A creditors' meeting: a creditor (or their agent) sees the
// open motion and three big buttons, then their ballot and, once closed, the result. A panel's
// deliberation or the judicial committee: the bench votes on the questions put to it, each with
// an opinion (deliberation_vote.tsx, loaded only there). The bench sees the motions with "open the vote", and while
// one is open the live tally and "close".
import {
  CHOICE_LABELS,
  CLAIM_GROUP_LABELS,
  VOTE_RULE_LABELS,
} from "../generated/court";
import type { Choice } from "../generated/court";
import type { MotionOut } from "../generated/api";
import type { RoomView, TallyView, VoteView } from "../generated/protocol";
import { ApiError, api } from "../shared/api";
import { el, setText } from "../shared/dom";
import { words, yuan } from "../shared/money";
import { t, type MessageKey } from "../shared/i18n";
import type { Rule } from "../generated/court";
import { mayInRoom } from "../shared/permissions";
import { refusalText } from "../shared/refusals";
import {
  deliberationKind,
  type DeliberationKind,
} from "../shared/deliberation";
import type { DeliberationProps } from "./deliberation_vote";
import { notify, report } from "./notice";
import type { LiveSession } from "./session";

const CHOICES: readonly Choice[] = ["for", "against", "abstain"];

export class VotePanel {
  readonly root = el("section.vote-panel", { testid: "vote" });
  private readonly title = el("h2");
  /** The motion being voted on, or the last one. */
  private readonly current = el("div");
  /** The bench's list of motions; its form to add one is kept while being typed in. */
  private readonly list = el("div");
  private form: HTMLElement | null = null;
  /** A deliberation's question (Preact), drawn by its module once loaded. */
  private readonly deliberation = el("div");
  private drawDeliberation:
    ((host: HTMLElement, props: DeliberationProps) => void) | null = null;
  private deliberationLoading = false;
  private motions: MotionOut[] = [];
  private loaded = "";
  private room: RoomView | null = null;

  constructor(
    private readonly session: LiveSession,
    private readonly bench: boolean,
  ) {
    this.root.hidden = true;
    this.root.append(this.title, this.current, this.list);
  }

  update(room: RoomView): void {
    this.room = room;
    const kind = deliberationKind(room.phases);
    const vote = room.vote ?? null;
    const inside = room.you.presence !== "waiting";
    // a deliberation votes in its decision phase; the result stays shown after it
    this.root.hidden =
      kind === null
        ? !room.phases.includes("vote") ||
          !inside ||
          (!this.bench && vote === null)
        : !inside ||
          (vote === null && !(this.bench && room.phase === "decision"));
    if (this.root.hidden) return;
    if (this.bench) {
      const key = `${vote?.motion_id ?? 0}:${vote?.state ?? ""}`;
      if (key !== this.loaded) {
        this.loaded = key;
        this.reload(room.hearing_id);
      }
    }
    this.draw();
  }

  private reload(hearingId: number): void {
    void api<{ items: MotionOut[] }>("GET", `/hearings/${hearingId}/motions`)
      .then((list) => {
        this.motions = list.items;
        this.draw();
      })
      .catch(() => undefined); // the next change of the vote tries again
  }

  /** The bench puts a motion to the meeting, or a question to the deliberation (voted on
   * when the judge opens it); a deliberation's rule is its own, so there is no choice. */
  private newMotion(hearingId: number, deliberation: boolean): HTMLElement {
    const title = el("input", { testid: "vote-new-title", maxlength: "200" });
    title.placeholder = t(
      deliberation ? "vote.delib.new_title" : "vote.new_title",
    );
    const rule = el("select", { testid: "vote-new-rule" });
    for (const [value, pair] of Object.entries(VOTE_RULE_LABELS)) {
      if (value !== "panel_majority")
        rule.append(el("option", { value }, words(pair)));
    }
    const add = el("button", {
      type: "submit",
      testid: "vote-add",
      i18n: deliberation ? "vote.delib.add" : "vote.add",
    });
    const form = el(
      "form.vote-new",
      {},
      title,
      deliberation ? null : rule,
      add,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!title.value.trim()) return;
      add.disabled = true;
      api<MotionOut>("POST", `/hearings/${hearingId}/motions`, {
        title: title.value.trim(),
        rule: deliberation ? "panel_majority" : (rule.value as Rule),
      })
        .then(() => {
          title.value = "";
          this.reload(hearingId);
        })
        .catch((error: unknown) => {
          const refused = error instanceof ApiError ? error : null;
          const message = refusalText(
            refused?.code,
            refused?.message ?? String(error),
          );
          notify(t("live.refused", { message }));
        })
        .finally(() => {
          add.disabled = false;
        });
    });
    return form;
  }

  private draw(): void {
    const room = this.room;
    if (room === null) return;
    const vote = room.vote ?? null;
    const kind = deliberationKind(room.phases);
    setText(this.title, kind === null ? "vote.title" : "vote.delib.title");
    if (vote === null) this.current.replaceChildren();
    else if (kind === null)
      this.current.replaceChildren(this.motion(vote, room));
    else if (this.drawDeliberation === null) this.loadDeliberation();
    else {
      this.drawDeliberation(this.deliberation, {
        vote,
        room,
        kind,
        session: this.session,
      });
      if (this.current.firstChild !== this.deliberation)
        this.current.replaceChildren(this.deliberation);
    }
    if (this.bench) this.motionList(room, vote, kind);
  }

  private loadDeliberation(): void {
    if (this.deliberationLoading) return;
    this.deliberationLoading = true;
    import("./deliberation_vote")
      .then(({ drawDeliberation }) => {
        this.drawDeliberation = drawDeliberation;
        this.draw();
      })
      .catch((error: unknown) => {
        this.deliberationLoading = false; // e.g. offline: the next change of the room tries again
        console.warn(
          `the deliberation's vote could not be loaded: ${String(error)}`,
        );
      });
  }

  /** The presiding judge's "close the vote", while it is open. */
  private closeButton(vote: VoteView, room: RoomView): HTMLElement | null {
    if (vote.state !== "open" || !mayInRoom(room.you, "close_vote", room.state))
      return null;
    const close = el("button.primary", {
      type: "button",
      testid: "vote-close",
      i18n: "vote.close_button",
    });
    close.addEventListener("click", () =>
      report(this.session.act("close_vote", { motion_id: vote.motion_id })),
    );
    return close;
  }

  private motion(vote: VoteView, room: RoomView): HTMLElement {
    const box = el("div.vote-motion", {
      testid: "vote-motion",
      "data-state": vote.state,
    });
    box.append(
      setText(el("h3", { testid: "vote-title" }), "vote.motion", {
        seq: vote.seq,
        title: vote.title,
      }),
      el("p.vote-rule", {}, words(VOTE_RULE_LABELS[vote.rule])),
      el("p.vote-state", {
        i18n: vote.state === "open" ? "vote.open" : "vote.closed",
      }),
    );
    for (const creditor of vote.voters) {
      const ballot = vote.ballots.find((b) => b.creditor_id === creditor);
      if (creditor !== room.you.id) {
        const name = room.members.find((m) => m.id === creditor)?.name ?? "";
        box.append(
          setText(el("p.vote-for-client"), "vote.for_client", { name }),
        );
      }
      if (ballot !== undefined) {
        box.append(
          setText(
            el("p.vote-ballot", { testid: "vote-ballot" }),
            "vote.your_ballot",
            {
              choice: words(CHOICE_LABELS[ballot.choice]),
            },
          ),
        );
      } else if (vote.state === "open") {
        box.append(
          el("p.vote-choose", { i18n: "vote.choose" }),
          this.buttons(vote, creditor),
        );
      }
    }
    if (vote.voters.length === 0 && !this.bench)
      box.append(el("p", { i18n: "vote.not_yours" }));
    box.append(
      setText(el("p.vote-cast", { testid: "vote-cast" }), "vote.cast", {
        count: vote.cast,
      }),
    );
    if (vote.tally !== null) box.append(this.tally(vote));
    const close = this.closeButton(vote, room);
    if (close !== null) box.append(close);
    return box;
  }

  private buttons(vote: VoteView, creditor: number): HTMLElement {
    const row = el("div.vote-choices");
    for (const choice of CHOICES) {
      const b = el(
        `button.vote-choice.vote-${choice}`,
        { type: "button", testid: `vote-${choice}` },
        words(CHOICE_LABELS[choice]),
      );
      b.addEventListener("click", () => {
        for (const other of row.querySelectorAll("button"))
          other.disabled = true;
        report(
          this.session
            .act("cast_ballot", {
              motion_id: vote.motion_id,
              choice,
              creditor_id: creditor,
            })
            .then((refused) => {
              if (refused)
                for (const other of row.querySelectorAll("button"))
                  other.disabled = false;
              return refused;
            }),
        );
      });
      row.append(b);
    }
    return row;
  }

  private tally(vote: VoteView): HTMLElement {
    const tally = vote.tally;
    const box = el("div.vote-tally", { testid: "vote-tally" });
    if (tally === null) return box;
    if (tally.passed === null)
      box.append(el("h4", { i18n: "vote.live_tally" }));
    else
      box.append(
        setText(el("p.vote-result", { testid: "vote-result" }), "vote.result", {
          result: t(tally.passed ? "vote.passed" : "vote.not_passed"),
        }),
      );
    const byGroup = vote.rule === "reorganisation";
    if (!byGroup)
      box.append(line("vote.overall", tally.overall, "vote-overall"));
    for (const group of tally.groups) {
      if (group.creditors === 0) continue;
      const row = line(null, group, `vote-group-${group.group}`);
      row.prepend(el("strong", {}, words(CLAIM_GROUP_LABELS[group.group])));
      if (byGroup && tally.passed !== null)
        row.append(
          el("span.vote-group-result", {
            i18n: group.passed ? "vote.passed" : "vote.not_passed",
          }),
        );
      box.append(row);
    }
    return box;
  }

  private motionList(
    room: RoomView,
    vote: VoteView | null,
    kind: DeliberationKind | null,
  ): void {
    const list = el("ol.vote-motions", { testid: "vote-motions" });
    const canOpen =
      room.state === "in_session" &&
      room.phase === (kind === null ? "vote" : "decision") &&
      vote?.state !== "open";
    for (const motion of this.motions) {
      const item = el(
        "li",
        { testid: "vote-motion-item", "data-state": motion.state },
        setText(
          el("span"),
          kind === null ? "vote.motion" : "vote.delib.question",
          {
            seq: motion.seq,
            title: motion.title,
          },
        ),
        el("small", { i18n: `vote.state.${motion.state}` }),
      );
      if (
        motion.state === "draft" &&
        canOpen &&
        mayInRoom(room.you, "open_vote", room.state)
      ) {
        const open = el("button", {
          type: "button",
          testid: "vote-open",
          i18n: "vote.open_button",
        });
        open.addEventListener("click", () =>
          report(this.session.act("open_vote", { motion_id: motion.id })),
        );
        item.append(open);
      }
      list.append(item);
    }
    const [heading, none]: [MessageKey, MessageKey] =
      kind === null
        ? ["vote.motions", "vote.no_motions"]
        : ["vote.delib.questions", "vote.delib.no_questions"];
    this.form ??= this.newMotion(room.hearing_id, kind !== null);
    const shown = el(
      "div",
      {},
      el("h3", { i18n: heading }),
      this.motions.length ? list : el("p", { i18n: none }),
    );
    if (this.list.firstChild === null) this.list.append(shown, this.form);
    else this.list.firstChild.replaceWith(shown);
  }
}

function line(
  label: "vote.overall" | null,
  tally: TallyView,
  testid: string,
): HTMLElement {
  const row = el("div.vote-line", { testid });
  if (label !== null) row.append(el("strong", { i18n: label }));
  row.append(
    setText(el("span"), "vote.heads", {
      present: tally.present,
      for: tally.for_count,
      against: tally.against_count,
      abstain: tally.abstain_count,
      not_voted: tally.not_voted,
      absent: tally.absent,
    }),
    setText(el("span"), "vote.amounts", {
      for: yuan(tally.for_fen),
      total: yuan(tally.total_fen),
    }),
  );
  return row;
}
