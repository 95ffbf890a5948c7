"""Conversation state per resident, persisted at every step."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from storage.cache import LruCache
from storage.db import Database


@dataclass(frozen=True)
class ConversationState:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


class ConversationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: LruCache[int, ConversationState | None] = LruCache()

    async def get(self, user_id: int) -> ConversationState | None:
        cached = self._cache.get(user_id)
        if not LruCache.missing(cached):
            return cached  # type: ignore[return-value]
        row = await self._db.fetchone(
            "SELECT flow, step, data FROM conversations WHERE user_id = ?", (user_id,)
        )
        state = None if row is None else ConversationState(row["flow"], row["step"], json.loads(row["data"]))
        self._cache.put(user_id, state)
        return state

    async def save(self, user_id: int, state: ConversationState) -> None:
        await self._db.execute_write(
            "INSERT INTO conversations (user_id, flow, step, data) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET flow = excluded.flow, step = excluded.step,"
            " data = excluded.data, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            (user_id, state.flow, state.step, json.dumps(state.data, ensure_ascii=False)),
        )
        self._cache.put(user_id, state)  # only after the commit

    async def clear(self, user_id: int) -> None:
        await self._db.execute_write("DELETE FROM conversations WHERE user_id = ?", (user_id,))
        self._cache.put(user_id, None)

    def ended_elsewhere(self, user_id: int) -> None:
        """The state was deleted inside another repository's transaction (e.g. a sent intake)."""
        self._cache.put(user_id, None)
