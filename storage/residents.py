"""Residents: language preference, saved wijk, and whether Telegram still delivers to them."""

from __future__ import annotations

from dataclasses import dataclass

from storage.cache import LruCache
from storage.db import Database
from storage.timestamps import to_text, utc_now


@dataclass(frozen=True)
class Resident:
    user_id: int
    language: str | None
    wijk_code: str | None
    inactive_at: str | None = None  # Telegram said the resident blocked the bot (403)
    follow_asked_at: str | None = None  # asked once whether they want messages about their wijk
    platform_language: str | None = None  # Telegram's language when they began following


class ResidentRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: LruCache[int, Resident | None] = LruCache()

    async def get(self, user_id: int) -> Resident | None:
        cached = self._cache.get(user_id)
        if not LruCache.missing(cached):
            return cached  # type: ignore[return-value]
        row = await self._db.fetchone(
            "SELECT user_id, language, wijk_code, inactive_at, follow_asked_at, platform_language FROM residents"
            " WHERE user_id = ?", (user_id,))
        resident = None if row is None else Resident(row["user_id"], row["language"], row["wijk_code"],
                                                     row["inactive_at"], row["follow_asked_at"],
                                                     row["platform_language"])
        self._cache.put(user_id, resident)
        return resident

    async def set_language(self, user_id: int, language: str) -> None:
        await self._upsert(user_id, "language", language)

    async def set_wijk(self, user_id: int, wijk_code: str | None) -> None:
        await self._upsert(user_id, "wijk_code", wijk_code)

    async def set_platform_language(self, user_id: int, language: str) -> None:
        await self._upsert(user_id, "platform_language", language)

    async def mark_follow_asked(self, user_id: int) -> None:
        await self._upsert(user_id, "follow_asked_at", to_text(utc_now()))

    async def mark_inactive(self, user_id: int) -> None:
        """Telegram refuses messages to this person (they blocked the bot): skip them from now on."""
        await self._upsert(user_id, "inactive_at", to_text(utc_now()))

    async def mark_active(self, user_id: int) -> None:
        """They wrote again: deliver to them again."""
        await self._db.execute_write("UPDATE residents SET inactive_at = NULL WHERE user_id = ? AND inactive_at"
                                     " IS NOT NULL", (user_id,))
        self._cache.discard(user_id)

    def forget(self, user_id: int) -> None:
        """The resident's row was deleted inside another transaction (erasure): drop the cached copy."""
        self._cache.discard(user_id)

    async def _upsert(self, user_id: int, column: str, value: str | None) -> None:
        if column not in ("language", "wijk_code", "inactive_at", "follow_asked_at",
                          "platform_language"):  # never resident input
            raise ValueError(f"not a resident column: {column}")
        await self._db.execute_write(
            f"INSERT INTO residents (user_id, {column}) VALUES (?, ?)"
            f" ON CONFLICT (user_id) DO UPDATE SET {column} = excluded.{column},"
            " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (user_id, value),
        )
        self._cache.discard(user_id)  # the next read comes from the database
