"""Running calls side by side, as concurrent requests do: each in its own thread and database
connection, released together. Meant for PostgreSQL, where they really run at once."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def side_by_side(*calls: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """What the calls returned and what they raised, each list in the order they finished."""
    start = threading.Barrier(len(calls))
    answers: list[Any] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=30)
            answers.append(call())
        except BaseException as error:  # reported to the test: a thread cannot fail it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers, errors
