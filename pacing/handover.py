"""A message that may be withdrawn until its first request is handed to Telegram.

Between being taken from the outbox and getting its turn from the pacer, a broadcast message
waits in memory, up to a few seconds. When staff pause or cancel the broadcast meanwhile, it must
not go. The sender gives each such message a :class:`Handover` (in the context variable
``CURRENT_HANDOVER``, like the lane) that says whether it is still wanted; the pacer does not give
a turn to a waiter that is no longer wanted, and the rate limiter asks once more right before the
request goes out. Either raises :class:`Withdrawn`: nothing of the message went, and its outbox row
is left as it is (pending while paused, parked by the cancellation).

Once one request of a message went (the photo of a photo-with-text message), the rest of it goes
too: half a message is worse than a message after the pause. A request Telegram refused with 429
did not go: the message may be withdrawn again while it waits for its retry.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable


class Withdrawn(Exception):
    """The message is no longer wanted, and nothing of it was handed to Telegram."""


class Handover:
    __slots__ = ("_still_wanted", "handed")

    def __init__(self, still_wanted: Callable[[], bool]) -> None:
        self._still_wanted = still_wanted  # in-memory only: asked at every turn, so never a query
        self.handed = False  # a request of this message went to Telegram

    def wanted(self) -> bool:
        return self.handed or self._still_wanted()

    def hand_over(self) -> bool:
        """A request of the message goes out now: raise Withdrawn when none went before and it is no longer
        wanted. True when this is its first request."""
        if self.handed:
            return False
        if not self._still_wanted():
            raise Withdrawn
        self.handed = True
        return True

    def refused(self) -> None:
        """Telegram refused its first request (429): nothing of it went."""
        self.handed = False


# The handover of the message the current task sends; None (replies, notifications): never withdrawn.
CURRENT_HANDOVER: contextvars.ContextVar[Handover | None] = contextvars.ContextVar("pacing_handover",
                                                                                  default=None)
