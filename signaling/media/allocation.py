"""Sharing one subscriber's bandwidth among what is forwarded to it: pure logic, no I/O.

A subscriber's receive estimate (its REMB) is a budget for everything sent to it,
retransmissions included. Audio always goes; videos are taken in priority order while they
fit. A video that does not fit is paused (its downtrack stops forwarding, nothing is
renegotiated), so a weak subscriber neither freezes on more than it can carry nor, as when
its estimate was passed upstream, lowers what the publisher sends everyone else. It is paused
soon when the link overflows (the subscriber loses much of it, or its round trip shows a
queue: `round_trip`), later otherwise (the estimate fell for another reason, and mostly climbs
back).

An estimate only grows with what is actually received, so a paused video would never come
back by waiting for it: after a delay (doubling after each failed try) the video is resumed
on probation, and kept if the subscriber then loses little of it and its estimate does not
fall; it is then given time for the estimate to climb back to what it needs.
"""

from collections import deque
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass

HEADROOM = 1.4
"""What is sent may exceed the estimate by this factor before a video counts as not fitting:
estimators report ~0.85 of the measured throughput after congestion, and a receiver that
estimates per stream (aiortc) leaves audio and retransmissions out."""
PAUSE_AFTER = 2.0
"""Seconds a video must not fit, with the estimate not climbing, before it is paused..."""
PAUSE_LOSSLESS = 6.0
"""...or while its link does not overflow (HEAVY_LOSS, QUEUEING): an estimate that fell
without it is most often a delay step read as congestion (a mobile link's route
changing), and the estimator climbs back within seconds while the video flows; a link the video
overflows loses much of it. A link's own random loss is not overflow: 2 % of a low layer's 30
packets a second reads as 6.7 % in one receiver report, and paused a bench run's video for 3 s
when the pause followed 5 %."""
CLIMBING = 1.05
"""An estimate that grew by this factor over PAUSE_AFTER is still finding the link's rate
(unless the link overflows: one that drops rather than queues shows no delay, and the
estimator climbs on while it overflows)."""
HEAVY_LOSS = 0.1
"""A fraction lost of a video above which its link is overflowing..."""
QUEUEING = 0.25
"""...or seconds of queue (the round trip above its lowest lately) above which it is: a link
with long buffers overflows without loss, and its queue delays the subscriber's audio too. A
route's delay changing (100 ms in the bench's limited scenario) stays below it. A paused video
is not sent again (tried or resumed) until the queue has drained: on a link holding 8 s, tries
made meanwhile kept the audio 6-12 s late."""
FIRST_RETRY = 5.0
MAX_RETRY = 30.0
"""Seconds a paused video waits before it is tried again (doubling after each failure)."""
PROBATION = 4.0
"""Seconds a tried video is watched: kept if its link does not overflow and the estimate has
not fallen (by more than 5 %)."""
CLIMB_BACK = 15.0
"""Seconds after a successful try during which only heavy loss pauses the video again: the
estimate climbs back about 8 % a second."""
AFTER_TRIAL = 6.0
"""Seconds after a try of a better layer (`layer_choice`) during which an estimate that does
not fit is not held against the videos (unless loss is heavy): a try the link cannot carry
makes the estimator fall well below the link's rate (to 95 kbit/s on a 300 kbit/s link in a
CI run), and it takes some 5 s to climb back. Pausing the picture for the try's own sake
froze it for 5 s; a link that cannot carry the lowest layer is not tried on."""
RATE_WINDOW = 2.0
"""Seconds over which a downtrack's sending rate is measured."""


@dataclass(frozen=True, slots=True)
class Demand:
    """One track sent (or to be sent) to the subscriber."""

    key: Hashable
    kind: str
    rate: int
    """Bits per second: what its downtrack sends now (retransmissions included), or for a
    paused video what its publisher sends."""
    priority: int = 0
    """Videos with a higher priority get the budget first."""
    loss: float = 0.0
    """The fraction of it the subscriber last reported lost."""
    queueing: float = 0.0
    """Seconds the subscriber's round trip is above its lowest lately (`round_trip`)."""


@dataclass(slots=True)
class _Paused:
    retry_at: float
    delay: float


@dataclass(slots=True)
class _OnProbation:
    since: float
    estimate: int
    delay: float


@dataclass(slots=True)
class _Forwarded:
    over_since: float | None = None
    climb_until: float = 0.0
    delay: float = FIRST_RETRY
    """The wait before a try if it is paused now (reset once it fits)."""


class Estimates:
    """A subscriber's latest REMB values. A browser's REMB covers all its streams at once; an
    aiortc receiver sends one per video stream: the budget is the sum over distinct reports,
    a report replacing any earlier one about an SSRC it names."""

    def __init__(self) -> None:
        self._reports: dict[frozenset[int], int] = {}

    def report(self, ssrcs: frozenset[int], bitrate: int) -> None:
        for earlier in [k for k in self._reports if k & ssrcs]:
            del self._reports[earlier]
        self._reports[ssrcs] = bitrate

    def keep(self, ssrcs: set[int]) -> None:
        """Forget the reports about none of `ssrcs` (streams no longer sent)."""
        for gone in [k for k in self._reports if not k & ssrcs]:
            del self._reports[gone]

    def total(self) -> int | None:
        return sum(self._reports.values()) if self._reports else None


class RateMeter:
    """Bits per second over the last RATE_WINDOW seconds, from a cumulative byte count."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def sample(self, now: float, total_bytes: int) -> int:
        samples = self._samples
        samples.append((now, total_bytes))
        while len(samples) > 2 and now - samples[1][0] >= RATE_WINDOW:
            samples.popleft()
        first_at, first_bytes = samples[0]
        if now <= first_at:
            return 0
        return int((total_bytes - first_bytes) * 8 / (now - first_at))


class Allocator:
    """Which videos one subscriber gets, updated every tick with its estimate and demands."""

    def __init__(self) -> None:
        self._states: dict[Hashable, _Forwarded | _Paused | _OnProbation] = {}
        self._history: deque[tuple[float, int]] = deque()

    def update(
        self,
        now: float,
        estimate: int | None,
        demands: Sequence[Demand],
        aside: Collection[Hashable] = (),
        tried_at: float | None = None,
    ) -> frozenset[Hashable]:
        """The keys of the videos to pause now. Without an estimate nothing changes.

        `aside`: videos still subscribed but not sent for another reason (the subscriber hides
        them): they take no budget and their state waits unchanged until they are demanded
        again, so a paused video hidden and shown again comes back paused. `tried_at`: when a
        better layer of a video was last tried (see AFTER_TRIAL)."""
        keys = {d.key for d in demands} | set(aside)
        for gone in [k for k in self._states if k not in keys]:
            del self._states[gone]
        if estimate is None:
            return self.paused
        self._history.append((now, estimate))
        while len(self._history) > 1 and now - self._history[1][0] >= PAUSE_AFTER:
            self._history.popleft()
        then, earlier = self._history[0]
        climbing = now - then >= PAUSE_AFTER / 2 and estimate >= earlier * CLIMBING
        recovering = tried_at is not None and now - tried_at < AFTER_TRIAL

        budget = estimate * HEADROOM - sum(d.rate for d in demands if d.kind != "video")
        videos = sorted((d for d in demands if d.kind == "video"), key=lambda d: -d.priority)
        for video in videos:
            state = self._states.setdefault(video.key, _Forwarded())
            fits = video.rate <= budget
            overflowing = video.loss > HEAVY_LOSS or video.queueing > QUEUEING
            if isinstance(state, _Forwarded):
                if fits:
                    state.over_since = None
                    state.delay = FIRST_RETRY
                elif state.over_since is None or (
                    not overflowing and (climbing or recovering or now < state.climb_until)
                ):
                    state.over_since = now
                elif now - state.over_since >= (PAUSE_AFTER if overflowing else PAUSE_LOSSLESS):
                    self._states[video.key] = _Paused(now + state.delay, state.delay)
                    continue
            elif isinstance(state, _Paused):
                if video.queueing > QUEUEING:
                    continue  # sent again into the queue, it would only lengthen it
                if fits:
                    self._states[video.key] = _Forwarded()
                elif now >= state.retry_at:
                    self._states[video.key] = _OnProbation(now, estimate, state.delay)
                else:
                    continue
            else:
                tried = now - state.since
                # a report from before the try would say nothing about it; nor would a
                # rate measured partly while it was paused
                overflowed = tried >= PROBATION / 2 and overflowing
                delay = min(state.delay * 2, MAX_RETRY)
                if overflowed or (tried >= PROBATION and estimate < state.estimate * 0.95):
                    self._states[video.key] = _Paused(now + delay, delay)
                    continue
                if tried >= PROBATION:
                    self._states[video.key] = _Forwarded(None, now + CLIMB_BACK, delay)
            budget -= video.rate
        return self.paused

    @property
    def paused(self) -> frozenset[Hashable]:
        return frozenset(k for k, s in self._states.items() if isinstance(s, _Paused))

    @property
    def held_back(self) -> frozenset[Hashable]:
        """The videos paused or being tried again: what the subscriber is told it misses
        (a try that fails is not news to them)."""
        return frozenset(k for k, s in self._states.items() if not isinstance(s, _Forwarded))
