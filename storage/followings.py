"""What residents chose to hear about: wijken and themes (opt-in; a row exists only after a yes)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage.db import Database

KINDS = ("wijk", "theme")


@dataclass(frozen=True)
class Following:
    kind: str  # wijk | theme
    code: str


class FollowingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def follow(self, user_id: int, kind: str, code: str) -> bool:
        """Follow a wijk or theme; False when it was followed already."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")

        async def run(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "INSERT INTO followings (user_id, kind, code) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (user_id, kind, code))
            return cursor.rowcount > 0

        return await self._db.write(run)

    async def unfollow(self, user_id: int, kind: str, code: str) -> bool:
        async def run(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute("DELETE FROM followings WHERE user_id = ? AND kind = ? AND code = ?",
                                        (user_id, kind, code))
            return cursor.rowcount > 0

        return await self._db.write(run)

    async def unfollow_all(self, user_id: int) -> int:
        """Stop everything (/stop); return how many followings there were."""
        async def run(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute("DELETE FROM followings WHERE user_id = ?", (user_id,))
            return cursor.rowcount

        return await self._db.write(run)

    async def of(self, user_id: int) -> list[Following]:
        rows = await self._db.fetchall(
            "SELECT kind, code FROM followings WHERE user_id = ? ORDER BY kind DESC, created_at, code", (user_id,))
        return [Following(r["kind"], r["code"]) for r in rows]

    async def wijken_of(self, user_id: int) -> list[str]:
        return [f.code for f in await self.of(user_id) if f.kind == "wijk"]
