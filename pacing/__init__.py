"""Pacing: how fast the bot may send, and how fast a resident may write.

- :mod:`pacing.pacer`: one pacer for every message the bot sends (Telegram's limits, replies
  before notifications before broadcasts, 429 handling per chat);
- :mod:`pacing.ratelimiter`: that pacer as python-telegram-bot's rate limiter;
- :mod:`pacing.handover`: a message withdrawn before it went (a paused or cancelled broadcast's);
- :mod:`pacing.flood`: per-resident flood control for incoming messages;
- :mod:`pacing.clock`: real and manual time.
"""

from pacing.clock import Clock, ManualClock, MonotonicClock
from pacing.handover import CURRENT_HANDOVER, Handover, Withdrawn
from pacing.pacer import CURRENT_LANE, Lane, Pacer, lane_for_priority
from pacing.ratelimiter import PacingRateLimiter

__all__ = ["CURRENT_HANDOVER", "CURRENT_LANE", "Clock", "Handover", "Lane", "ManualClock", "MonotonicClock", "Pacer",
           "PacingRateLimiter", "Withdrawn", "lane_for_priority"]
