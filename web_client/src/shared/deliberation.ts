// The hearing kinds in which the bench votes among itself (docs/architecture.md#votes): a panel's
// deliberation and the judicial committee, each question by more than half of all its voting
// members (the rule panel_majority, the only one they have).
import { KIND_RULES, type HearingKind } from "../generated/court";

export type DeliberationKind = Extract<HearingKind, "panel_deliberation" | "committee_meeting">;

export const DELIBERATIONS: readonly DeliberationKind[] = [
  "panel_deliberation",
  "committee_meeting",
];

export function isDeliberation(kind: HearingKind): kind is DeliberationKind {
  return (DELIBERATIONS as readonly HearingKind[]).includes(kind);
}

/** The deliberation kind whose procedure a live room follows (its phases tell it), else null. */
export function deliberationKind(phases: readonly string[]): DeliberationKind | null {
  const same = (kind: DeliberationKind): boolean => {
    const own = KIND_RULES[kind].phases;
    return own.length === phases.length && own.every((p, i) => p === phases[i]);
  };
  return DELIBERATIONS.find(same) ?? null;
}
