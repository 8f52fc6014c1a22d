"""Run a function over many items on worker processes, results in order; Ctrl-C, SIGTERM or SIGHUP
stops them at once, and they die with their parent."""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque

__all__ = ["ordered_map"]

# What forked workers run: set in the parent just before the pool starts.
_task = None


def _run(item):
    return _task(item)


# The signals that stop the parent (the command line turns SIGTERM and SIGHUP into an exception as
# Python does Ctrl-C): held back while forking, and left to the parent by the workers.
_STOPS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}
# The process that starts the pool: a worker whose parent is no longer this one is an orphan.
_parent = None


def _start_worker():
    """Set up a forked worker: it leaves Ctrl-C and a hang-up to the parent, which stops the pool,
    ends at once on SIGTERM (the parent's handler, inherited by the fork, is not for it), and dies
    with its parent, even one killed by SIGKILL that stopped nothing.  It starts with those signals
    held back (:func:`_interrupts_held`): one that came meanwhile is dropped or acted on here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(_parent)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)


def _die_with_parent(parent) -> None:
    """End this process when ``parent`` ends: Linux's parent-death signal, else (or if that cannot
    be set) a thread that looks every second whether the parent is still this process's parent."""
    if _set_parent_death_signal() and os.getppid() == parent:
        return  # checked after setting it: a parent gone before that sent no signal
    if os.getppid() != parent:
        os._exit(1)

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _set_parent_death_signal() -> bool:
    """Ask Linux to send this process SIGTERM when its parent ends (prctl PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(signal.SIGTERM), 0, 0, 0) == 0  # 1 is PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


@contextlib.contextmanager
def _interrupts_held():
    """Hold Ctrl-C (and SIGTERM, SIGHUP) back while submitting, which may fork workers; it is
    raised on leaving.

    A worker forked meanwhile starts with it held too, until :func:`_start_worker`.  Otherwise a
    Ctrl-C (sent to the whole process group) in the moment between the fork and that would kill the
    worker, and the parent would fail with ``BrokenProcessPool`` instead of stopping.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
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
    global _task, _parent
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        from joblib import Parallel, delayed

        yield from Parallel(n_jobs=jobs, return_as="generator")(delayed(function)(item) for item in items)
        return
    from concurrent.futures import ProcessPoolExecutor

    if prepare:
        prepare()
    _task, _parent = function, os.getpid()
    older = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker)
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
