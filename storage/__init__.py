"""SQLite storage: one Database object, named migrations, small repositories."""

from storage.conversations import ConversationRepository, ConversationState
from storage.db import Database
from storage.questions import QuestionGap, QuestionLog
from storage.residents import Resident, ResidentRepository

__all__ = [
    "Database",
    "Resident",
    "ResidentRepository",
    "ConversationRepository",
    "ConversationState",
    "QuestionLog",
    "QuestionGap",
]
