"""A vote as the record keeps it: the result as plain data (the timeline's ``vote_closed`` event,
the motion's row, what every client is sent) and the written record's lines of a vote, a
creditors' meeting's or a deliberation's (court/deliberation.py). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.votes import GROUP_LABELS, RESULT_LABELS, RULE_LABELS, ClaimGroup, Result, Rule, Tally

Words = tuple[str, str]


def tally_data(tally: Tally) -> dict[str, Any]:
    """One tally, flat: heads (``for_count``, ``against_count``, ``abstain_count``, ``not_voted``, ``absent``,
    ``present``, ``creditors``, ``without_vote``) and amounts in fen (``for_fen`` ...,
    ``total_fen``)."""
    return {
        "creditors": tally.creditors,
        "without_vote": tally.without_vote,
        "present": tally.present,
        **{f"{choice}_count": heads for choice, heads in tally.heads.items()},
        "not_voted": tally.not_voted,
        "absent": tally.absent,
        "total_fen": tally.total_fen,
        **{f"{choice}_fen": amount for choice, amount in tally.amounts_fen.items()},
        "passed": tally.passed,
    }


def result_data(result: Result) -> dict[str, Any]:
    """The result as plain data; groups in the law's order (secured, employees, taxes, ordinary)."""
    return {
        "rule": result.rule.value,
        "passed": result.passed,
        "overall": tally_data(result.overall),
        "groups": [
            {"group": group.value, **tally_data(result.groups[group.value])}
            for group in ClaimGroup
            if group.value in result.groups
        ],
    }


def yuan(fen: object) -> str:
    """An amount in fen as yuan: 1234567 → 12,345.67."""
    value = fen if isinstance(fen, int) else 0
    return f"{value // 100:,}.{value % 100:02d}"


def _counts(t: Mapping[str, Any]) -> Words:
    zh = (
        f"出席{t.get('present', 0)}人（同意{t.get('for_count', 0)}人、反对{t.get('against_count', 0)}人、"
        f"弃权{t.get('abstain_count', 0)}人、未表决{t.get('not_voted', 0)}人），缺席{t.get('absent', 0)}人；"
        f"同意的债权额{yuan(t.get('for_fen'))}元，债权总额{yuan(t.get('total_fen'))}元"
    )
    en = (
        f"{t.get('present', 0)} present ({t.get('for_count', 0)} for, {t.get('against_count', 0)} against, "
        f"{t.get('abstain_count', 0)} abstaining, {t.get('not_voted', 0)} not voting), "
        f"{t.get('absent', 0)} absent; claims for CNY {yuan(t.get('for_fen'))} of "
        f"CNY {yuan(t.get('total_fen'))}"
    )
    return zh, en


def _rule(facts: Mapping[str, Any]) -> Rule:
    try:
        return Rule(str(facts.get("rule")))
    except ValueError:
        return Rule.ORDINARY


def vote_line(kind: str, facts: Mapping[str, Any]) -> Words | None:
    """The written record's line of a vote's opening or closing; None for another kind (each
    ballot stays on the timeline and in the recording; the record gives the result)."""
    seq, title = facts.get("seq"), str(facts.get("title") or "")
    rule_zh, rule_en = RULE_LABELS[_rule(facts)]
    panel = _rule(facts) is Rule.PANEL_MAJORITY
    item_zh, item_en = ("议题", "question") if panel else ("议案", "motion")
    if kind == "vote_opened":
        return (
            f"（第{seq}项{item_zh}“{title}”开始表决。表决规则：{rule_zh}）",
            f"(Vote on {item_en} {seq}, “{title}”, opens. Rule: {rule_en}.)",
        )
    if kind != "vote_closed":
        return None
    result = facts.get("result")
    if not isinstance(result, Mapping):
        return None
    if panel:
        return _decision_line(seq, title, result)
    passed_zh, passed_en = RESULT_LABELS[bool(result.get("passed"))]
    parts_zh: list[str] = []
    parts_en: list[str] = []
    if _rule(facts) is Rule.REORGANISATION:
        for group in result.get("groups") or []:
            if not isinstance(group, Mapping) or not group.get("creditors"):
                continue
            label_zh, label_en = GROUP_LABELS[ClaimGroup(str(group.get("group")))]
            zh, en = _counts(group)
            group_zh, group_en = RESULT_LABELS[bool(group.get("passed"))]
            parts_zh.append(f"{label_zh}组：{zh}，{group_zh}")
            parts_en.append(f"{label_en}: {en}, {group_en.lower()}")
    else:
        overall = result.get("overall")
        zh, en = _counts(overall if isinstance(overall, Mapping) else {})
        parts_zh.append(f"有表决权的债权人{zh}（无财产担保）")
        parts_en.append(f"creditors with a vote: {en} (unsecured)")
    if facts.get("with_hearing"):
        ended_zh, ended_en = (
            "闭会时仍在表决，随闭会结束，按闭会时的表决情况计票",
            ("still open when the meeting closed, it closes with it, counted as it stood"),
        )
        parts_zh.insert(0, ended_zh)
        parts_en.insert(0, ended_en)
    return (
        f"（第{seq}项议案“{title}”表决结束：{'；'.join(parts_zh)}。表决结果：{passed_zh}）",
        f"(Vote on motion {seq}, “{title}”, closes: {'; '.join(parts_en)}. "
        f"Result: {passed_en.lower()}.)",
    )


def _decision_line(seq: object, title: str, result: Mapping[str, Any]) -> Words:
    """A deliberation's decision: the heads, the result, and each dissenting opinion with its
    author (the opinions in full stay in the sealed result)."""
    overall = result.get("overall")
    t = overall if isinstance(overall, Mapping) else {}
    passed_zh, passed_en = RESULT_LABELS[bool(result.get("passed"))]
    dissent = [
        o for o in result.get("opinions") or [] if isinstance(o, Mapping) and o.get("dissent")
    ]
    zh = (
        f"（第{seq}项议题“{title}”表决结束：有表决权的成员{t.get('creditors', 0)}人，"
        f"同意{t.get('for_count', 0)}人、反对{t.get('against_count', 0)}人、"
        f"弃权{t.get('abstain_count', 0)}人、未表决{t.get('not_voted', 0)}人、"
        f"缺席{t.get('absent', 0)}人。表决结果：{passed_zh}"
    )
    en = (
        f"(Vote on question {seq}, “{title}”, closes: {t.get('creditors', 0)} voting members, "
        f"{t.get('for_count', 0)} for, {t.get('against_count', 0)} against, "
        f"{t.get('abstain_count', 0)} abstaining, {t.get('not_voted', 0)} not voting, "
        f"{t.get('absent', 0)} absent. Result: {passed_en.lower()}"
    )
    if dissent:
        zh += "。少数意见：" + "；".join(f"{o.get('name')}：{o.get('opinion')}" for o in dissent)
        en += ". Dissenting: " + "; ".join(f"{o.get('name')}: {o.get('opinion')}" for o in dissent)
    return zh + "）", en + ".)"
