"""One participant's receive estimate shared among what the server sends it.

Twice a second the subscriptions' sending rates (retransmissions included) and their
publishers' rates are measured and handed with the participant's REMB estimate to the
`allocation` logic; the videos it says do not fit are paused (no renegotiation) and resumed
at a keyframe when they fit again. The estimate also sets what retransmissions to the
participant may use (`retransmissions`).

A simulcast video counts in the sharing at its lowest layer (paused only when even that does
not fit); what is left after every video's lowest layer goes, in priority order, to better
layers (`layer_choice`), never above what the participant's tile for it needs (`max_layer`).

Videos the participant hides (does not show now) are left out: they take none of the budget,
and the allocation neither pauses nor unpauses them; their state waits until they are shown.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from .allocation import HEADROOM, Allocator, Demand, Estimates, RateMeter
from .layer_choice import LayerChoice
from .probing import Prober
from .publisher import PublishedTrack
from .retransmissions import RetransmissionBudget
from .round_trip import link_queueing
from .subscriber import Subscription

logger = logging.getLogger(__name__)

TICK = 0.5


class BandwidthSharing:
    def __init__(
        self, subscriptions: list[Subscription], on_change: Callable[[], None] | None = None
    ) -> None:
        """`subscriptions` is the session's own list (read each tick); `on_change` is called
        when `paused_video` changed."""
        self.estimates = Estimates()
        """Fed with the participant's REMB reports by its subscriptions."""
        self.retransmissions = RetransmissionBudget()
        """Shared by the subscriptions: what the participant's NACKs may get."""
        self._subscriptions = subscriptions
        self._on_change = on_change
        self._allocator = Allocator()
        self._sent_rates: dict[Subscription, RateMeter] = {}
        self._source_rates: dict[PublishedTrack, RateMeter] = {}
        self._layer_rates: dict[tuple[PublishedTrack, int], RateMeter] = {}
        self._choices: dict[tuple[Subscription, PublishedTrack], LayerChoice] = {}
        """Per subscription and the publisher it carries (a switch starts afresh)."""
        self._probers: dict[Subscription, Prober] = {}
        """Per video that has tried a better layer with padding."""
        self._paused_video: frozenset[PublishedTrack] = frozenset()
        self._tried_at: float | None = None
        """When a video was last on trial of a better layer (`allocation.AFTER_TRIAL`)."""
        self._task: asyncio.Task[None] | None = None

    @property
    def paused_video(self) -> frozenset[PublishedTrack]:
        """The videos not sent because the participant's connection cannot carry them (or
        being tried again)."""
        return self._paused_video

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for prober in self._probers.values():
            await prober.stop()
        self._probers.clear()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            try:
                await self.reallocate(time.monotonic())
            except Exception:  # the participant keeps everything rather than the session failing
                logger.exception("bandwidth allocation failed")

    def _probe(self, rates: dict[Subscription, int]) -> None:
        """Send padding at `rates` to those videos; stop it to the others."""
        for video, rate in rates.items():
            prober = self._probers.get(video)
            if prober is None:
                prober = self._probers[video] = Prober(video.send_padding)
            prober.set_rate(rate)
        for video in [v for v in self._probers if v not in rates]:
            self._probers.pop(video).set_rate(0)

    def _sample_layers(self, publisher: PublishedTrack, now: float) -> list[int | None]:
        """Each layer's rate, None for a layer not sent now."""
        rates: list[int | None] = []
        for layer in publisher.layers:
            meter = self._layer_rates.setdefault((publisher, layer.index), RateMeter())
            rate = meter.sample(now, layer.received_bytes)
            rates.append(rate if layer.live(now) else None)
        return rates

    async def reallocate(self, now: float) -> None:
        """Share the estimate among the subscriptions; pause or resume videos."""
        forwarded = [s for s in self._subscriptions if s.forwarding and not s.hidden]
        hidden = [s for s in self._subscriptions if s.forwarding and s.hidden]
        demands = []
        sources: dict[PublishedTrack, int] = {}
        layer_rates: dict[PublishedTrack, list[int | None]] = {}
        total_sent = 0
        queueing = link_queueing((s.round_trip for s in self._subscriptions), now)
        for subscription in forwarded:
            publisher = subscription.publisher
            assert publisher is not None
            sent = self._sent_rates.setdefault(subscription, RateMeter())
            rate = sent.sample(now, subscription.sent_bytes)
            total_sent += rate
            if subscription.kind == "video":
                source = self._source_rates.setdefault(publisher, RateMeter())
                sources[publisher] = source.sample(now, publisher.received_bytes)
                if subscription.paused:
                    rate = sources[publisher]
                if publisher.simulcast:
                    rates = layer_rates.get(publisher)
                    if rates is None:
                        rates = layer_rates[publisher] = self._sample_layers(publisher, now)
                    rate = next((r for r in rates if r is not None), rate)
            demands.append(
                Demand(
                    subscription,
                    subscription.kind,
                    rate,
                    # the role's cap ranks the videos: the judge's comes first
                    priority=publisher.max_bitrate,
                    loss=subscription.loss,
                    queueing=queueing,
                )
            )
        for subscription in hidden:
            # measured on, so that a paused video shown again is not taken to need nothing
            publisher = subscription.publisher
            if subscription.kind == "video" and publisher is not None:
                source = self._source_rates.setdefault(publisher, RateMeter())
                sources[publisher] = source.sample(now, publisher.received_bytes)
        for gone in [s for s in self._sent_rates if s not in forwarded]:
            del self._sent_rates[gone]
        carried = {(s, s.publisher) for s in forwarded}
        for ended in [k for k in self._choices if k not in carried]:
            del self._choices[ended]
        for key in [k for k in self._layer_rates if k[0] not in layer_rates]:
            del self._layer_rates[key]
        for unsent in [p for p in self._source_rates if p not in sources]:
            del self._source_rates[unsent]
        self.estimates.keep({s.ssrc for s in forwarded if s.ssrc is not None})
        estimate = self.estimates.total()
        self.retransmissions.set_estimate(estimate)
        if any(choice.on_trial for choice in self._choices.values()):
            self._tried_at = now
        paused = self._allocator.update(
            now, estimate, demands, aside=hidden, tried_at=self._tried_at
        )
        for subscription in forwarded:
            if subscription in paused:
                subscription.pause()
            else:
                await subscription.unpause()
        if estimate is not None:
            left = estimate * HEADROOM - sum(d.rate for d in demands if d.key not in paused)
        else:
            left = 0.0
        probing: dict[Subscription, int] = {}
        for demand in sorted(demands, key=lambda d: -d.priority):
            video = demand.key
            if not isinstance(video, Subscription):
                continue
            publisher = video.publisher
            if publisher not in layer_rates or video in paused:
                continue
            assert publisher is not None
            rates = layer_rates[publisher]
            choice = self._choices.get((video, publisher))
            if choice is None:
                choice = LayerChoice(video.target_layer, probe=video.can_pad)
                self._choices[(video, publisher)] = choice
            budget = left + demand.rate
            layer = choice.update(
                now,
                rates,
                cap=video.max_layer,
                budget=budget,
                estimate=estimate,
                sent=total_sent,
                loss=video.loss,
            )
            tried = choice.probing
            if tried is not None:
                probing[video] = max(0, (rates[tried] or 0) - (rates[layer] or 0))
            left -= (rates[layer] or 0) - demand.rate + probing.get(video, 0)
            logger.debug(
                "layer choice, ssrc %s: estimate %s sent %d budget %d rates %s layer %d "
                "probing %s loss %.3f",
                video.ssrc,
                estimate,
                total_sent,
                budget,
                rates,
                layer,
                choice.probing,
                video.loss,
            )
            await video.choose_layer(layer)
        self._probe(probing)
        held_back = self._allocator.held_back
        paused_video = frozenset(
            s.publisher for s in forwarded if s in held_back and s.publisher is not None
        )
        if paused_video != self._paused_video:
            self._paused_video = paused_video
            if self._on_change is not None:
                self._on_change()
