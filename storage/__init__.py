"""SQLite storage: one Database object, named migrations, small repositories."""

from storage.db import Database
from storage.residents import Resident, ResidentRepository
from storage.conversations import ConversationRepository, ConversationState
from storage.questions import QuestionLog, QuestionGap

__all__ = [
    "Database",
    "Resident",
    "ResidentRepository",
    "ConversationRepository",
    "ConversationState",
    "QuestionLog",
    "QuestionGap",
]
