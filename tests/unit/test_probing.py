"""The prober paces padding: about its rate, in packets of at most PADDING bytes, never a
burst after a late round, and nothing once its rate is 0 or the link takes nothing."""

import asyncio

from signaling.media.probing import INTERVAL, MAX_OWED, PADDING, Prober


async def test_padding_is_paced_at_its_rate_and_stops() -> None:
    rounds: list[tuple[float, int]] = []
    loop = asyncio.get_running_loop()

    def send(size: int) -> int:
        assert 0 < size <= PADDING
        rounds.append((loop.time(), size + 30))  # a header's worth on top
        return size + 30

    prober = Prober(send)
    prober.set_rate(200_000)
    await asyncio.sleep(1.0)
    prober.set_rate(0)
    stopped = len(rounds)
    await asyncio.sleep(5 * INTERVAL)
    assert len(rounds) == stopped
    sent = sum(size for _, size in rounds) * 8
    assert 0.7 * 200_000 <= sent <= 1.05 * 200_000, sent
    times = sorted({at for at, _ in rounds})
    per_round = [sum(size for at, size in rounds if at == t) * 8 for t in times]
    assert max(per_round) <= 200_000 * MAX_OWED + (PADDING + 30) * 8
    assert len(times) >= 0.5 / INTERVAL  # spread out, not a few bursts


async def test_a_link_that_takes_nothing_is_not_sent_a_backlog() -> None:
    taking = False
    sent: list[int] = []

    def send(size: int) -> int:
        if not taking:
            return 0
        sent.append(size)
        return size

    prober = Prober(send)
    prober.set_rate(1_000_000)
    await asyncio.sleep(0.3)
    taking = True
    await asyncio.sleep(0.1)
    await prober.stop()
    assert sum(sent) * 8 <= 1_000_000 * (0.1 + MAX_OWED + 2 * INTERVAL)
