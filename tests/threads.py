"""Starting many threads at one moment, for the concurrency tests."""

import threading

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
