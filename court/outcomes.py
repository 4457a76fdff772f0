"""What a hearing came to, as the presiding judge records it on its timeline (court/kinds.py
says which outcomes each kind has): an enforcement interview's settlement, payment plan,
termination of this round of enforcement or continued enforcement; a remote confirmation's
confirmation or refusal; a mediation's agreement or its failure. Pure.

A payment plan names the sum, the number of instalments and the first due date; a settlement
may name a sum; the others none. Each may carry a note. The latest recorded outcome stands;
the earlier ones stay on the timeline."""

from __future__ import annotations

from datetime import date

from court.kinds import RULES, HearingKind
from court.votes import MAX_AMOUNT_FEN

OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "settlement": ("达成执行和解", "Settlement in enforcement"),
    "payment_plan": ("确定履行计划", "Payment plan agreed"),
    "termination": ("终结本次执行程序", "This round of enforcement ends"),
    "continued": ("继续执行", "Enforcement continues"),
    "confirmed": ("本人确认", "Confirmed in person"),
    "not_confirmed": ("未予确认", "Not confirmed"),
    "mediated": ("调解成功", "Settled by mediation"),
    "not_mediated": ("调解不成", "Mediation failed"),
}
"""What each outcome is called, in Chinese and in English. Every kind's outcomes have one."""

MAX_INSTALMENTS = 120
LAST_DUE_YEAR = 2099


def outcome_refusal(
    kind: HearingKind,
    outcome: str,
    amount_fen: int | None,
    instalments: int | None,
    first_due: date | None,
) -> str | None:
    """Why this outcome cannot be recorded for a hearing of ``kind`` (None: it can)."""
    allowed = RULES[kind].outcomes
    if outcome not in allowed:
        if not allowed:
            return f"a {kind} has no outcome to record"
        return f"a {kind}'s outcome is one of {', '.join(allowed)}"
    if amount_fen is not None and not 0 < amount_fen <= MAX_AMOUNT_FEN:
        return f"the sum must be between 1 fen and {MAX_AMOUNT_FEN} fen"
    if outcome == "payment_plan":
        if amount_fen is None or instalments is None or first_due is None:
            return "a payment plan names the sum, the number of instalments and the first due date"
        if not 1 <= instalments <= MAX_INSTALMENTS:
            return f"a payment plan has 1 to {MAX_INSTALMENTS} instalments"
        if first_due.year > LAST_DUE_YEAR:
            return f"the first due date must lie before {LAST_DUE_YEAR + 1}"
        return None
    if instalments is not None or first_due is not None:
        return "only a payment plan has instalments and a due date"
    if amount_fen is not None and outcome != "settlement":
        return "only a settlement or a payment plan names a sum"
    return None
