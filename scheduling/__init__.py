"""Scheduled duties of the assistant: inspraak notices (and digests, backups, retention as they land).

The database is the source of truth. Each duty engine is clock-driven and knows two things:
``next_due(now)``, the earliest moment something of it falls due, and ``run_due(now)``, which
carries out everything due at ``now`` (also what fell due while the assistant was down) and
records it in the same transaction as the outbox rows that deliver it. :class:`Scheduler` turns
``next_due`` into APScheduler jobs; no job store of its own needs to be kept in sync.
"""

from scheduling.quiet import QuietHours
from scheduling.scheduler import DutyEngine, Scheduler

__all__ = ["DutyEngine", "QuietHours", "Scheduler"]
