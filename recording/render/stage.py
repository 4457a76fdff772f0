"""What holds the archive's main picture at each wall-clock instant: of the features running
(exhibits presented, screens shared), the one that started last. A screen shared during a
presentation takes the picture over, and the presentation comes back when the sharing stops.
No feature running: the grid of participants, as without any.
"""

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from .plan import Feature, View


@dataclass(frozen=True, slots=True)
class Span:
    """Wall-clock [start, end) during which `feature` (its index in the timeline's) is shown."""

    start: float
    end: float
    index: int
    feature: Feature


@dataclass(frozen=True, slots=True)
class Shown:
    index: int
    """Of the feature among the timeline's."""
    feature: Feature
    view: View


def spans(features: Sequence[Feature]) -> list[Span]:
    """Non-overlapping stretches, each of the feature on top then; one of the same feature
    interrupted by another comes back as a new span."""
    bounds = sorted({t for f in features if f.end > f.start for t in (f.start, f.end)})
    result: list[Span] = []
    for lo, hi in pairwise(bounds):
        running = [
            (f.start, i) for i, f in enumerate(features) if f.start <= lo and f.end >= hi > lo
        ]
        if not running:
            continue
        _, top = max(running)  # the last started; of two started together, the later logged
        if result and result[-1].index == top and result[-1].end == lo:
            result[-1] = Span(result[-1].start, hi, top, features[top])
        else:
            result.append(Span(lo, hi, top, features[top]))
    return result


class Stage:
    def __init__(self, features: Sequence[Feature]) -> None:
        self.spans = spans(features)
        self._starts = [span.start for span in self.spans]
        self._view_times = [[view.at for view in f.views] for f in features]

    def at(self, wall: float) -> Shown | None:
        """The feature shown at `wall` and its view then; None: the grid."""
        index = bisect.bisect_right(self._starts, wall) - 1
        if index < 0 or wall >= self.spans[index].end:
            return None
        span = self.spans[index]
        views = span.feature.views
        if not views:
            return None
        at = max(0, bisect.bisect_right(self._view_times[span.index], wall) - 1)
        return Shown(span.index, span.feature, views[at])
