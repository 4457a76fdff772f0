"""What every part of one render shares: the plan and what is worked out from it once."""

from collections.abc import Sequence
from dataclasses import dataclass

from .layout import Layout
from .plan import Participant, RenderPlan
from .stage import Stage
from .text import FontFace
from .timeline import OutputTimeline


@dataclass(frozen=True, slots=True)
class RenderInputs:
    plan: RenderPlan
    people: Sequence[Participant]
    """One per tile, in tile order."""
    layout: Layout
    timeline: OutputTimeline
    font: FontFace
    featured: Layout
    """The layout while an exhibit or a shared screen is the main picture."""
    stage: Stage
