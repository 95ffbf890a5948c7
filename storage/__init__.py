"""SQLite storage: one Database object, named migrations, small repositories."""

from storage.conversations import ConversationRepository, ConversationState
from storage.db import Database
from storage.followings import Following, FollowingRepository
from storage.outbox import OutboxMessage, OutboxRepository
from storage.questions import QuestionGap, QuestionLog
from storage.residents import Resident, ResidentRepository
from storage.staff import Redemption, StaffMember, StaffRepository
from storage.submissions import Event, NewSubmission, Submission, SubmissionRepository

__all__ = [
    "Event",
    "Following",
    "FollowingRepository",
    "NewSubmission",
    "OutboxMessage",
    "OutboxRepository",
    "Redemption",
    "StaffMember",
    "StaffRepository",
    "Submission",
    "SubmissionRepository",
    "Database",
    "Resident",
    "ResidentRepository",
    "ConversationRepository",
    "ConversationState",
    "QuestionLog",
    "QuestionGap",
]
