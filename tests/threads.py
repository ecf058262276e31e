"""Starting many threads, or processes, at one moment for the concurrency tests."""

import multiprocessing
import threading

#: what every worker process imports anyway, imported once by the fork server
PRELOAD = ["tests.conftest", "tests.host"]


def run_threads(target, count):
    """Run ``target(i)`` for i in range(count) in threads released together by
    a barrier; fail the test if one hangs or raises."""
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            barrier.wait(timeout=10)
            target(index)
        except BaseException as exc:  # reported to the test, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert errors == []


def process_pool(count):
    """A pool of ``count`` separate processes, each with its own interpreter
    state, apps and connections. They are forked from a fork server that
    started clean (not from the test process) and has imported the package
    once, so a pool starts in well under a second instead of each process
    paying an interpreter start and all the imports ("spawn": ~1 s a process).
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn").Pool(count)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context.Pool(count)
