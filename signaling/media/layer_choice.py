"""Which simulcast layer one subscriber gets of one video: pure logic, no I/O.

Every tick the subscriber's session gives each of its simulcast videos the budget left for it
(`sharing`) and the rate of each layer the publisher sends now. The choice moves down when the
layer sent has not fitted for DOWN_AFTER seconds, and up when a better layer has fitted, with
UP_MARGIN to spare, for UP_AFTER seconds: an estimate between the two thresholds changes
nothing, so a steady estimate never flaps between layers.

A receive estimate only grows with what is received (Chromium's and aiortc's estimators climb
to about 1.5 times the incoming rate at most), so a subscriber sent a low layer would never be
estimated to carry a higher one. On a link with room the estimate climbs well above what is
sent; on a full one it stays at or below it. So when the estimate is SATURATED times what the
subscriber is sent, has not fallen for QUIET seconds and little is lost, the next layer is
tried on probation. It is kept if the estimate climbs over PROBATION (or climbs fast, sooner)
with little loss (the link carried more), then given time to climb on until it fits
(CLIMB_BACK), and the layer after it may be tried at once (the link is showing its room); it
is dropped at once if the estimate falls or loss is heavy, and tried again after a wait that
doubles with each failure up to MAX_TRY (MAX_PROBE_TRY for a probe), once the estimate is
ABOVE_FAILED times what it was at the failed try (or FORGET_FAILED seconds later): on a full
link the estimate creeps up to where the last try failed and no further, while on a freed one
it climbs past it. A steady estimate below SATURATED never moves the choice.

Where the subscriber has an RTX stream (`probe`), a try sends no new layer: the layer sent
stays, and padding makes up the difference to the tried layer's rate (`probing`, paced by the
sharing); only a try that succeeds moves to the layer. A try of the layer itself would start
at its keyframe, many times a frame's usual size: on a link that cannot carry the layer that
keyframe waits in the link's queue or is lost there, and the picture freezes until the try is
given up and a keyframe of the old layer comes through (5 s in a CI run); a failed probe
leaves the picture as it was.

A layer the publisher stops sending (its browser drops its top layer when its own uplink or
encoder cannot keep up) moves the choice at once to the best that is still sent; when it comes
back, the choice returns to it at once unless the subscriber's link showed a limit meanwhile.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from .allocation import HEAVY_LOSS

UP_AFTER = 1.5
"""Seconds a better layer must fit before the choice moves up."""
UP_MARGIN = 1.15
"""A better layer fits for moving up when its rate times this fits the budget."""
DOWN_AFTER = 1.0
"""Seconds the layer sent must not fit before the choice moves down."""
QUIET = 3.0
"""Seconds the estimate must not have fallen before a layer is tried."""
SATURATED = 1.2
"""An estimate this many times what is sent is held back by what is sent, not by the link
(Chromium's climbs to 1.5 times what it receives on a link with room, and stays within 1.1
of it on a full one)."""
FALL = 0.92
"""An estimate below this fraction of its recent peak (or of its value when a try began) has
fallen: the link is full."""
LIGHT_LOSS = 0.02
"""The most a video may lose for a better layer to be tried; `HEAVY_LOSS` (the allocation's:
the link overflows) ends a try."""
PROBATION = 2.5
"""Seconds a tried layer is watched."""
CLIMB = 1.05
"""A try succeeds if the estimate grew by this factor over PROBATION (or the layer fits)..."""
SURE_CLIMB = 1.1
SURE_AFTER = 1.0
"""...or, sooner, once it grew by this factor at least this many seconds in: two of the
estimator's rises (8 % a second) with the padding flowing; an overflowing link shows within
half a second (the estimate falls by a third or more)."""
CLIMB_BACK = 15.0
"""Seconds after a successful try during which only loss or a falling estimate move down."""
ABOVE_FAILED = 1.15
FORGET_FAILED = 30.0
"""A layer whose try failed is tried again only once the estimate is this many times what it
was then, or this many seconds later."""
FORGET_PROBED = 5.0
"""FORGET_FAILED for a try made with padding. A receive estimate climbs no higher than about
1.5 times what it receives, so on a link freed after a failed try it may never pass
ABOVE_FAILED times the estimate of that try: the next try comes when the failure is
forgotten, and how soon a freed link is climbed back depends on it (10 s gave 10-13 s in
Chromium, against issue 18's 10 s). A failed probe costs no picture (only a dip of the
estimate), so it is forgotten sooner."""
FIRST_TRY = 2.0
MAX_TRY = 8.0
"""Seconds before a layer is tried (again), doubling after each failed try."""
MAX_PROBE_TRY = 4.0
"""MAX_TRY for tries made with padding: about the rhythm of Chromium's own probes of a link
it does not fill (every 5 s)."""


@dataclass(slots=True)
class _Trial:
    since: float
    estimate: int
    back_to: int
    layer: int


class LayerChoice:
    def __init__(self, layer: int = 0, *, probe: bool = False) -> None:
        """`probe`: try a better layer with padding rather than by sending it."""
        self._probe = probe
        self.layer = layer
        """The layer chosen."""
        self._up_since: float | None = None
        self._down_since: float | None = None
        self._trial: _Trial | None = None
        self._climb_until = 0.0
        self._chain_until = 0.0
        """Until then the next layer may be tried at once: a try just succeeded."""
        self._retry_at = 0.0
        self._delay = FIRST_TRY
        self._peak = 0
        self._fell_at: float | None = None
        """When the estimate last fell (the first estimate counts: it has no history)."""
        self._failed: dict[int, tuple[int, float]] = {}
        """Per layer whose last try failed: the estimate then, and when."""
        self._stopped: tuple[int, float] | None = None
        """A layer the publisher stopped sending while it was chosen, and when."""

    def update(
        self,
        now: float,
        rates: Sequence[int | None],
        *,
        cap: int,
        budget: float,
        estimate: int | None,
        sent: int,
        loss: float,
    ) -> int:
        """The layer to send from now.

        `rates`: bits per second of each layer, lowest first, None for a layer not sent now;
        `cap`: the best layer worth sending (a small tile needs no more); `budget`: what this
        video may take; `estimate`, `sent`: the subscriber's receive estimate and the bits per
        second it is sent in all; `loss`: the fraction of this video it last reported lost.
        """
        if estimate is not None:
            if self._fell_at is None or estimate < self._peak * FALL:
                self._fell_at, self._peak = now, estimate
            else:
                self._peak = max(self._peak, estimate)
        live = [i for i, rate in enumerate(rates) if rate is not None and i <= cap]
        if not live:
            live = [i for i, rate in enumerate(rates) if rate is not None][:1]
        if not live or estimate is None:
            if live and self.layer not in live:
                self._move(live[0])
            return self.layer
        if self.layer not in live:
            if self._trial is None and (self._stopped is None or self._stopped[0] < self.layer):
                self._stopped = (self.layer, now)
            fitting = [i for i in live if _rate(rates, i) <= budget]
            self._move(fitting[-1] if fitting else live[0])
            return self.layer
        stopped = self._stopped
        limited = loss > LIGHT_LOSS or (stopped is not None and (self._fell_at or 0) > stopped[1])
        if limited:
            stopped = self._stopped = None  # the link showed a limit since: choose afresh
        if stopped is not None and stopped[0] in live and stopped[0] > self.layer:
            self._move(stopped[0])
            return self.layer

        trial = self._trial
        if trial is not None and trial.layer not in live:
            self._trial = None  # the publisher stopped sending the layer probed
        elif trial is not None:
            tried = now - trial.since
            # a loss report from before the try says nothing about it
            failed = (tried >= 1.0 and loss > HEAVY_LOSS) or estimate < trial.estimate * FALL
            grew = estimate >= trial.estimate * CLIMB or _rate(rates, trial.layer) <= budget
            sure = tried >= SURE_AFTER and estimate >= trial.estimate * SURE_CLIMB
            if failed or (tried >= PROBATION and not grew):
                self._failed_try(now, trial.layer, trial.estimate)
                self._move(trial.back_to)
            elif tried >= PROBATION or sure:
                self._failed.pop(trial.layer, None)
                self._move(trial.layer)
                self._climb_until = now + CLIMB_BACK
                self._chain_until = now + PROBATION
            return self.layer

        fell_at = self._fell_at if self._fell_at is not None else now
        climbing = now < self._climb_until and loss <= HEAVY_LOSS and fell_at < now - 1
        if _rate(rates, self.layer) > budget and not climbing:
            if self._down_since is None:
                self._down_since = now
            elif now - self._down_since >= DOWN_AFTER:
                lower = [i for i in live if i < self.layer and _rate(rates, i) <= budget]
                self._move(lower[-1] if lower else live[0])
                self._retry_at = now + self._delay
            return self.layer
        self._down_since = None

        higher = [i for i in live if i > self.layer]
        fitting = [i for i in higher if _rate(rates, i) * UP_MARGIN <= budget]
        if fitting:
            if self._up_since is None:
                self._up_since = now
            elif now - self._up_since >= UP_AFTER:
                self._move(fitting[-1])
                self._delay = FIRST_TRY
            return self.layer
        self._up_since = None
        room = (now - fell_at >= QUIET and estimate >= sent * SATURATED) or now < self._chain_until
        if higher and room and loss <= LIGHT_LOSS and now >= self._retry_at:
            if self._failed_lately(higher[0], now, estimate):
                return self.layer
            back_to = self.layer
            if not self._probe:
                self._move(higher[0])
            self._trial = _Trial(now, estimate, back_to, higher[0])
        return self.layer

    def _failed_try(self, now: float, layer: int, estimate: int) -> None:
        """A try of `layer` (begun at `estimate`) showed the link full."""
        self._delay = min(self._delay * 2, MAX_PROBE_TRY if self._probe else MAX_TRY)
        self._retry_at = now + self._delay
        self._failed[layer] = (estimate, now)

    def _failed_lately(self, layer: int, now: float, estimate: int) -> bool:
        """Whether a try of `layer` failed at an estimate not far below this one, lately."""
        failed = self._failed.get(layer)
        forget = FORGET_PROBED if self._probe else FORGET_FAILED
        return (
            failed is not None and estimate < failed[0] * ABOVE_FAILED and now - failed[1] < forget
        )

    @property
    def on_trial(self) -> bool:
        return self._trial is not None

    @property
    def probing(self) -> int | None:
        """The layer whose rate padding makes up now (the layer sent stays `layer`)."""
        trial = self._trial
        return trial.layer if trial is not None and self._probe else None

    def _move(self, layer: int) -> None:
        if self._stopped is not None and layer >= self._stopped[0]:
            self._stopped = None
        self.layer = layer
        self._up_since = self._down_since = None
        self._trial = None


def _rate(rates: Sequence[int | None], layer: int) -> int:
    return rates[layer] or 0
