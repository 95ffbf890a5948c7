"""Which broadcasts the outbox sender must no longer hand to Telegram: the paused and the cancelled.

The sender takes up to 100 rows at a time, and a broadcast's rows then wait in memory for their turn
from the pacer, a few seconds at ~29 messages a second. A pause or cancellation in that time must stop
them too, yet asking the database before every message would be a query per message. So the sender keeps
what it knows here, asked at every turn, from two sources:

- staff who pause or cancel in this process say so at once (:meth:`StoppedBroadcasts.stopped`, called by
  flows/omroep.py through ``Services.broadcast_stopped`` after the change was committed);
- the database says what was true when a read began: a batch of rows just taken (the outbox leaves out a
  paused broadcast's rows, and a cancellation parks them, so none of the batch's broadcasts was stopped),
  and the status of the broadcasts with rows in flight, read after every kick and every second (so a pause,
  resume or cancellation by the command line, another process, counts within a second).

Every fact is dated on one counter and the newest wins: a read that began before a pause was committed
cannot undo what the pause said; one that began after a resume can.
"""

from __future__ import annotations

from collections.abc import Iterable


class StoppedBroadcasts:
    def __init__(self) -> None:
        self._tick = 0
        self._since: dict[int, int] = {}  # broadcast id -> the tick at which it was known to be stopped

    def __contains__(self, broadcast_id: object) -> bool:
        return broadcast_id in self._since

    def stopped(self, broadcast_id: int) -> None:
        """It was paused or cancelled (committed): none of its messages goes any more."""
        self._tick += 1
        self._since[broadcast_id] = self._tick

    def reading(self) -> int:
        """A read of the database begins: its date, for :meth:`read`."""
        self._tick += 1
        return self._tick

    def read(self, date: int, *, sending: Iterable[int] = (), stopped: Iterable[int] = ()) -> None:
        """What the read begun at ``date`` found; where something newer is known, that stays."""
        for broadcast_id in stopped:
            self._since[broadcast_id] = max(self._since.get(broadcast_id, 0), date)
        for broadcast_id in sending:
            if self._since.get(broadcast_id, date) < date:
                del self._since[broadcast_id]
