"""Bounded lanes of work: answers, autocomplete and pictures, each with its own workers.

Separate lanes, so a few pictures a second (0.3–0.6 s of CPU each) cannot starve answers or
autocomplete. Pictures are drawn in a process (matplotlib holds the interpreter lock while it
draws, which the event loop needs to acknowledge interactions); answers and autocomplete, mostly
SQLite and short Python, run in threads.

A lane admits a job only while the work already queued ahead of it would be done within its
bound (answer_wait_seconds, picture_wait_seconds), estimated from the lane's recent job times, so waits stay bounded under any
load: when the lane is full the caller raises Busy at once and the member is told to try again
in a few seconds. Admission is a reservation taken before any await, so a burst cannot slip
past the bound while its first jobs are being acknowledged.
"""
from __future__ import annotations

import asyncio
import concurrent.futures as cf
import multiprocessing
import os
import statistics
import threading
import time
from collections import deque
from typing import Any, Callable

from bot.config import Settings
from bot.discord_adapter.flights import outcome, track
from bot.pictures import select

HARD_CAP = 1000          # jobs admitted to one lane at most, whatever the estimate says
RECENT = 31              # job times the estimate is the median of
AUTOCOMPLETE_WAIT = 0.5  # suggestions queued longer than this would miss the 3 s anyway


class Busy(Exception):
    """A lane is full: the member is asked to try again in a few seconds."""

    def __init__(self, lane: str):
        super().__init__(f"the {lane} lane is full")
        self.lane = lane


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    """Runs in the worker (thread or process): the job's own time, without its wait in the queue."""
    t = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t, result


class Lane:
    def __init__(self, name: str, executor: cf.Executor, workers: int, max_wait: float, cost: float):
        self.name, self.executor, self.workers, self.max_wait = name, executor, workers, max_wait
        self.cost = cost              # seconds per job: the median of the recent ones, a guess at first
        self._recent: deque[float] = deque([cost], maxlen=RECENT)
        self.pending = 0              # admitted and not finished: running or queued
        self.peak = 0                 # the most pending since the health line last read it
        self.refused = 0
        self._lock = threading.Lock()  # pending is released from worker threads

    @property
    def queued(self) -> int:
        return max(0, self.pending - self.workers)

    def wait_ahead(self) -> float:
        """Seconds a job admitted now would wait before a worker takes it."""
        return (self.pending - self.workers + 1) * self.cost / self.workers if self.pending >= self.workers else 0.0

    def reserve(self) -> bool:
        """Admit one job or raise Busy; True when a worker is free for it right now."""
        with self._lock:
            if self.pending >= HARD_CAP or self.wait_ahead() > self.max_wait:
                self.refused += 1
                raise Busy(self.name)
            free = self.pending < self.workers
            self.pending += 1
            self.peak = max(self.peak, self.pending)
            return free

    def release(self) -> None:
        with self._lock:
            self.pending -= 1

    def submit(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        """Run an admitted job (after reserve()), as the current flight's work; cancelling the
        returned future drops it if it has not started."""
        try:
            job = self.executor.submit(_timed, fn, *args)
        except BaseException:  # shut down, or a broken worker process
            self.release()
            raise
        job.add_done_callback(self._finished)
        future = asyncio.wrap_future(job)
        track(future)
        return future

    def _finished(self, job: cf.Future) -> None:
        self.release()
        if not job.cancelled() and job.exception() is None:
            with self._lock:  # a median: one slow job (an index rebuild) does not close the lane
                self._recent.append(job.result()[0])
                self.cost = statistics.median(self._recent)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Admit, run and await a job where no interaction waits on it (plain channel questions)."""
        self.reserve()
        return (await outcome(self.submit(fn, *args)))[1]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2


class Lanes:
    """The bot's three lanes, sized to the machine unless the settings say otherwise."""

    def __init__(self, settings: Settings, engine: Any):
        cores = _cores()
        # The engine holds the interpreter lock for most of an answer: a second thread answered no
        # faster (at 100,000 records, measured) and would take turns from the event loop.
        answers = settings.answer_threads or max(1, cores - 1)
        pictures = max(1, cores // 2) if settings.picture_processes is None else settings.picture_processes
        self.answers = Lane("answers", cf.ThreadPoolExecutor(answers, "answers"), answers,
                            settings.answer_wait_seconds, 0.02)
        self.autocomplete = Lane("autocomplete", cf.ThreadPoolExecutor(1, "autocomplete"), 1, AUTOCOMPLETE_WAIT, 0.005)
        self.where = select.where(engine)
        if pictures > 0:
            context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
            executor: cf.Executor = cf.ProcessPoolExecutor(pictures, mp_context=context, initializer=select.start_worker,
                                                           initargs=(os.getpid(),))
        else:  # 0: draw in a thread of this process, with the bot's own engine
            select.share_engine(engine)
            executor, pictures = cf.ThreadPoolExecutor(1, "pictures"), 1
        self.pictures = Lane("pictures", executor, pictures, settings.picture_wait_seconds, 0.6)

    def all(self) -> tuple[Lane, ...]:
        return self.answers, self.autocomplete, self.pictures

    def __getitem__(self, name: str) -> Lane:
        return getattr(self, name)

    def warm(self) -> None:
        """Start the picture workers now (imports, the index), not in the first /timeline's time."""
        try:
            self.pictures.executor.submit(select.warm, self.where)
        except RuntimeError:  # already shut down
            pass

    def shutdown(self) -> None:
        # A picture still being drawn now has no one left to send it to (its interaction was
        # finished or told it was cut short): end the workers rather than wait for them. They
        # only read the index. (Python 3.14 has ProcessPoolExecutor.terminate_workers().)
        workers = list((getattr(self.pictures.executor, "_processes", None) or {}).values())
        for lane in self.all():
            lane.executor.shutdown(wait=False, cancel_futures=True)
        for process in workers:
            process.terminate()
