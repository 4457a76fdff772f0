"""The archive's own time: the session with its recesses cut out and a short card put in
each one's place, so the video has no dead air but still shows when the court rose.

Output time t (seconds from the start of the archive) falls in a `Piece`: either a stretch
of session, where wall-clock = `wall_start` + (t - `out_start`), or a recess card. Procedure
phases map to chapters through the same cut, and so does each stretch an exhibit or a shared
screen holds the main picture (`stage`): that is a chapter of its own, titled for it, and the
phase's chapter is split around it (an MP4's chapters are a list, one after the other, and
cannot overlap): e.g. 法庭调查 0:00–2:00, 原告证据1 合同 2:00–3:10, 法庭调查 3:10–....
"""

import bisect
from dataclasses import dataclass

from .plan import INTERRUPTED, RECESS, Interval, Timeline
from .stage import spans


@dataclass(frozen=True, slots=True)
class Piece:
    out_start: float
    out_end: float
    wall_start: float | None
    """Wall-clock at `out_start`; None for a recess card."""
    recess: Interval | None = None
    """The recess a card stands for."""

    def wall(self, t: float) -> float | None:
        return None if self.wall_start is None else self.wall_start + (t - self.out_start)


@dataclass(frozen=True, slots=True)
class Chapter:
    start: float
    end: float
    title: str


class OutputTimeline:
    def __init__(self, timeline: Timeline, card_seconds: float, fps: int) -> None:
        self.fps = fps
        pieces: list[Piece] = []
        t = 0.0
        cursor = timeline.start
        for recess in merged_recesses(timeline):
            pieces.append(Piece(t, t + recess.start - cursor, cursor))
            t += recess.start - cursor
            if card_seconds > 0:
                pieces.append(Piece(t, t + card_seconds, None, recess))
                t += card_seconds
            cursor = recess.end
        pieces.append(Piece(t, t + timeline.end - cursor, cursor))
        self.pieces = tuple(p for p in pieces if p.out_end > p.out_start)
        self.duration = t + timeline.end - cursor
        self.frames = round(self.duration * fps)
        self._starts = [p.out_start for p in self.pieces]
        self.phases = self._phases(timeline)
        """One chapter per procedure phase (what the header says)."""
        self._phase_starts = [c.start for c in self.phases]
        self.chapters = self._with_features(timeline)
        """The archive's chapters: the phases', split around the features'."""

    def piece(self, t: float) -> Piece:
        index = bisect.bisect_right(self._starts, t) - 1
        return self.pieces[max(0, index)]

    def frame_piece(self, frame: int) -> Piece:
        return self.piece(frame / self.fps)

    def output_time(self, wall: float) -> float:
        """Where a wall-clock instant lands: inside a recess, just after its card."""
        result = 0.0
        for piece in self.pieces:
            if piece.wall_start is None:
                result = piece.out_end
            elif wall < piece.wall_start:
                return result
            elif wall < piece.wall_start + piece.out_end - piece.out_start:
                return piece.out_start + wall - piece.wall_start
            else:
                result = piece.out_end
        return result

    def phase_at(self, t: float) -> str | None:
        """The title of the procedure phase at output time `t`."""
        index = bisect.bisect_right(self._phase_starts, t) - 1
        return self.phases[index].title if index >= 0 else None

    def _with_features(self, timeline: Timeline) -> tuple[Chapter, ...]:
        """A chapter for each stretch a feature is shown, the phases' filling the rest."""
        shortest = 1 / self.fps
        features = []
        for span in spans(timeline.features):
            start = min(self.output_time(span.start), self.duration)
            end = min(self.output_time(span.end), self.duration)
            if end - start >= shortest:  # not one wholly in a recess
                features.append(Chapter(start, end, span.feature.title))
        chapters = list(features)
        for phase in self.phases:
            cursor = phase.start
            for feature in features:
                if feature.end <= cursor or feature.start >= phase.end:
                    continue
                if feature.start - cursor >= shortest:
                    chapters.append(Chapter(cursor, feature.start, phase.title))
                cursor = max(cursor, feature.end)
            if phase.end - cursor >= shortest:
                chapters.append(Chapter(cursor, phase.end, phase.title))
        return tuple(sorted(chapters, key=lambda c: c.start))

    def _phases(self, timeline: Timeline) -> tuple[Chapter, ...]:
        """One chapter per procedure phase, each until the next; phases that fall together
        (e.g. two changes in one recess) leave only the last."""
        starts: list[tuple[float, str]] = []
        for change in sorted(timeline.phases, key=lambda c: c.at):
            at = min(self.output_time(change.at), self.duration)
            if starts and at - starts[-1][0] < 1 / self.fps:
                starts[-1] = (starts[-1][0], change.name)
            else:
                starts.append((at, change.name))
        ends = [start for start, _ in starts[1:]] + [self.duration] if starts else []
        return tuple(
            Chapter(start, end, title)
            for (start, title), end in zip(starts, ends, strict=True)
            if end > start
        )


def merged_recesses(timeline: Timeline) -> list[Interval]:
    """Recesses (and interruptions) clipped to the session, sorted, overlapping ones merged;
    a merge that includes an interruption is shown as one."""
    clipped = sorted(
        (
            Interval(max(r.start, timeline.start), min(r.end, timeline.end), r.kind)
            for r in timeline.recesses
        ),
        key=lambda r: r.start,
    )
    merged: list[Interval] = []
    for recess in clipped:
        if recess.end <= recess.start:
            continue
        if merged and recess.start <= merged[-1].end:
            last = merged[-1]
            kind = INTERRUPTED if INTERRUPTED in (last.kind, recess.kind) else RECESS
            merged[-1] = Interval(last.start, max(last.end, recess.end), kind)
        else:
            merged.append(recess)
    return merged
