"""Running actions at the same moment in threads (PostgreSQL race tests): each outcome as text."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections

from skillcert.refusals import TransitionRefused


def race(*actions: Callable[[], Any]) -> list[str]:
    """Run the actions at once (a barrier releases them together): "done: <result>" or
    "refused: <message>" each, in the given order."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = f"done: {action()}"
        except TransitionRefused as refusal:
            outcomes[index] = f"refused: {refusal}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return outcomes
