"""One health line a minute while the bot is busy: what the load is and how it is coping.

    health: 19.8 interactions/s; queued 0/0/6 (answers/autocomplete/pictures, most 2/1/8); in flight 14;
    ack p50 41 ms p99 212 ms; answer p50 96 ms p99 2410 ms; busy 311; failed 0; rss 97 MB

Times run from each interaction's creation by Discord (its snowflake) to the first response
(the acknowledgement) and to the answer itself. Samples are kept for one line only, at most
SAMPLES of them, so the statistics cost bounded memory whatever the load.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque

from bot.discord_adapter.flights import Flight, Flights
from bot.discord_adapter.lanes import Lanes

log = logging.getLogger("bot.health")
SAMPLES = 10_000


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource  # not Linux: the peak instead

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Health:
    def __init__(self, lanes: Lanes, flights: Flights | None = None):
        self.lanes, self.flights = lanes, flights
        self._reset()

    def _reset(self) -> None:
        self.since = time.monotonic()
        self.count = self.busy = self.failed = 0
        self.acks: deque[float] = deque(maxlen=SAMPLES)
        self.answers: deque[float] = deque(maxlen=SAMPLES)

    def landed(self, flight: Flight) -> None:
        """A flight is done: its times go into the next line."""
        self.count += 1
        extras = flight.interaction.extras if flight.interaction is not None else {}
        end = time.time()
        self.acks.append(max(0.0, extras.get("acked_at", end) - flight.created))
        if not extras.get("autocomplete"):
            self.answers.append(max(0.0, extras.get("answered_at", end) - flight.created))
        self.busy += bool(extras.get("busy"))
        self.failed += bool(extras.get("failed"))

    def line(self) -> str | None:
        """The line for the time since the last one; None when nothing happened."""
        lanes = self.lanes.all()
        in_flight = len(self.flights.live) if self.flights else 0
        if not self.count and not in_flight and not any(lane.pending for lane in lanes):
            self._reset()
            return None
        rate = self.count / max(1e-9, time.monotonic() - self.since)
        a, w = list(self.acks), list(self.answers)
        text = (f"{rate:.1f} interactions/s; queued {'/'.join(str(lane.queued) for lane in lanes)} "
                f"(answers/autocomplete/pictures, most {'/'.join(str(max(0, lane.peak - lane.workers)) for lane in lanes)}); "
                f"in flight {in_flight}; ack p50 {pct(a, 50) * 1000:.0f} ms p99 {pct(a, 99) * 1000:.0f} ms; "
                f"answer p50 {pct(w, 50) * 1000:.0f} ms p99 {pct(w, 99) * 1000:.0f} ms; busy {self.busy}; "
                f"failed {self.failed}; rss {rss_mb():.0f} MB")
        for lane in lanes:
            lane.peak = lane.pending
        self._reset()
        return text

    async def run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            text = self.line()
            if text:
                log.info("health: %s", text)
