"""The post-hearing composite render: recorded segments in, one archive MP4 out.

`RenderPlan` (plain data the server builds from its rows) → `RenderJob.run()` → MP4 (H.264 +
AAC, faststart) with a grid of the participants, labels, case number and clock, recess cards
and one chapter per procedure phase. Modules: `plan` (the input), `timeline` (archive time
vs. wall-clock, chapters), `layout` (grid geometry), `text` (fonts, labels, header, cards),
`picture` (4:2:0 planes in numpy), `presence` (what a tile without a picture says), `sources` (reading segments back), `speaker` (whom to
emphasise), `stage` (which exhibit or shared screen is the main picture), `featured` (drawing
it), `clips` (the sound of exhibits played), `compose` (one frame), `chunk` (a stretch of frames to a file), `assemble`
(chunks to the MP4), `job` (threads, progress, cancel, resume), `encoding` (the encoder
settings, chapters and faststart every archive shares).

A staggered hearing's archive is made apart from this (`statements`, reading each file with
`statement_source`): its video statements one after another, a chapter each.
"""

from .chunk import RenderCancelled
from .job import RenderJob
from .plan import (
    INTERRUPTED,
    RECESS,
    Card,
    Clip,
    Feature,
    Interval,
    PhaseChange,
    Play,
    PresenceChange,
    RenderPlan,
    RenderSettings,
    Screen,
    SegmentRef,
    SpeakerChange,
    Still,
    Timeline,
    TrackPlan,
    View,
    say,
)
from .statements import StatementClip, render_statements

__all__ = [
    "INTERRUPTED",
    "RECESS",
    "Card",
    "Clip",
    "Feature",
    "Interval",
    "PhaseChange",
    "Play",
    "PresenceChange",
    "RenderCancelled",
    "RenderJob",
    "RenderPlan",
    "RenderSettings",
    "Screen",
    "SegmentRef",
    "SpeakerChange",
    "StatementClip",
    "Still",
    "Timeline",
    "TrackPlan",
    "View",
    "render_statements",
    "say",
]
