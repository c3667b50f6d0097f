"""Running actions at the same moment in separate database connections, to test what
PostgreSQL's row locks promise."""

import threading

from django.db import connection

THREAD_TIMEOUT_SECONDS = 30


def run_together(*actions):
    """Run each action in its own thread and database connection, all released at
    the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def work(index, action):
        try:
            barrier.wait(timeout=THREAD_TIMEOUT_SECONDS)
            outcomes[index] = action()
        except Exception as error:  # handed to the test, which asserts on it
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(index, action))
        for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT_SECONDS)
        assert not thread.is_alive(), "an action never finished (deadlock?)"
    return outcomes


def finishes_within(seconds: float, action, *, on_timeout=lambda: None):
    """Run the action in its own thread and connection and return what it returned.
    Past ``seconds`` it is blocked: ``on_timeout`` unblocks it and the test fails
    (rather than hangs)."""
    outcome = {}

    def work():
        try:
            outcome["value"] = action()
        except Exception as error:  # handed to the test, which asserts on it
            outcome["value"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=seconds)
    if thread.is_alive():
        on_timeout()
        thread.join(timeout=THREAD_TIMEOUT_SECONDS)
        raise AssertionError(f"still waiting after {seconds} s: blocked")
    assert not isinstance(outcome["value"], Exception), outcome["value"]
    return outcome["value"]
