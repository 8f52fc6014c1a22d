"""Run a function over many items on worker processes, results in order; Ctrl-C stops them at once."""
from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
from collections import deque

__all__ = ["ordered_map"]

# What forked workers run: set in the parent just before the pool starts.
_task = None


def _run(item):
    return _task(item)


def _ignore_interrupt():
    """Workers leave Ctrl-C to the parent, which stops the pool.  They start with it held back
    (:func:`_interrupts_held`): one that came meanwhile is dropped here, not raised in the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def _interrupts_held():
    """Hold Ctrl-C back while submitting, which may fork workers; it is raised on leaving.

    A worker forked meanwhile starts with it held too, until :func:`_ignore_interrupt`.  Otherwise a
    Ctrl-C (sent to the whole process group) in the moment between the fork and that would kill the
    worker, and the parent would fail with ``BrokenProcessPool`` instead of stopping.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def ordered_map(function, items, jobs: int, prepare=None):
    """``function(item)`` for each item, computed on ``jobs`` processes and yielded in order.

    On Linux the workers are forked from this process, so they start at once with all that
    ``function`` holds (a model) and what ``prepare()``, called just before, loads (a dictionary)
    already in memory, shared until written; an item travels alone.  Elsewhere joblib starts fresh
    processes, which get ``function`` with every item.  At most ``2 * jobs`` items are under way.
    """
    global _task
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        from joblib import Parallel, delayed

        yield from Parallel(n_jobs=jobs, return_as="generator")(delayed(function)(item) for item in items)
        return
    from concurrent.futures import ProcessPoolExecutor

    if prepare:
        prepare()
    _task = function
    older = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_ignore_interrupt)
    finished = False
    try:
        pending = deque()
        for item in items:
            with _interrupts_held():
                pending.append(pool.submit(_run, item))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
        finished = True
    finally:
        _task = None
        if finished:
            pool.shutdown()
        else:  # interrupted or failed
            _stop_now(pool, older)


def _stop_now(pool, older):
    """Stop ``pool`` at once, dropping the items its workers are on.

    The executor has no public way to end its workers: ``shutdown(cancel_futures=True)`` drops only
    the items not yet started and waits for those under way, seconds for a long report.  The
    workers are this process's multiprocessing children, so the public
    ``multiprocessing.active_children()`` finds them: those that were not there (``older``) before
    the pool started.  They are terminated (they hold nothing worth saving) and reaped; then the
    executor, finding its workers gone, winds up at once, and ``shutdown`` waits for that, so
    that nothing of it is left to race with the interpreter's exit.
    """
    workers = [process for process in multiprocessing.active_children() if process not in older]
    for process in workers:
        process.terminate()
    for process in workers:
        process.join(timeout=5)
    pool.shutdown(wait=True, cancel_futures=True)
