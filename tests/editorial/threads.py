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
