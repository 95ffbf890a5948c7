"""The log of questions the assistant could not answer with confidence (FAQ gaps)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True)
class QuestionGap:
    example: str
    normalized: str
    count: int
    languages: str
    outcomes: str
    stadsdelen: str
    last_asked: str


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        *,
        text: str,
        normalized: str,
        language: str,
        outcome: str,
        topic_id: str | None = None,
        stadsdeel: str | None = None,
    ) -> None:
        await self._db.execute_write(
            "INSERT INTO unanswered_questions"
            " (text, normalized, language, outcome, topic_id, stadsdeel)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (text, normalized, language, outcome, topic_id, stadsdeel),
        )

    async def gaps(self, limit: int = 50) -> list[QuestionGap]:
        """Unanswered questions grouped by their normalised text, most frequent first."""
        rows = await self._db.fetchall(
            "SELECT MIN(text) AS example, normalized, COUNT(*) AS n,"
            " GROUP_CONCAT(DISTINCT language) AS languages,"
            " GROUP_CONCAT(DISTINCT outcome) AS outcomes,"
            " COALESCE(GROUP_CONCAT(DISTINCT stadsdeel), '') AS stadsdelen,"
            " MAX(asked_at) AS last_asked"
            " FROM unanswered_questions GROUP BY normalized"
            " ORDER BY n DESC, last_asked DESC LIMIT ?",
            (limit,),
        )
        return [
            QuestionGap(r["example"], r["normalized"], r["n"], r["languages"], r["outcomes"],
                        r["stadsdelen"], r["last_asked"])
            for r in rows
        ]
