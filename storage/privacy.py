"""Residents' rights (AVG): everything stored about one resident, erasure, and retention.

What holds a resident's Telegram id (checked against every table of storage/migrations.py):
residents, conversations, followings, inspraak_notices (user_id); submissions (user_id, and
resident_name, photos, location); submission_events (actor_id of their own events); outbox
(chat_id of messages to them; messages about their submissions carry their text, name and photos).
unanswered_questions holds no id by design; staff, staff_invites and audit_log hold staff only.

Erasure and retention remove personal data from submissions without deleting them: the
municipality keeps what was asked for where (kind, wijk, theme, text, dates, history), without
who: user_id becomes ERASED, name, photos, exact location and buurt go, the resident's own events
lose their actor_id, and the outbox rows about it (which copy text, name and photos) are removed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from storage.audit import AuditEntry, write_audit
from storage.db import Database
from storage.outbox import enqueue
from storage.submissions import CLOSED, Notification, Submission, SubmissionRepository, _load
from storage.timestamps import to_text, utc_now

ERASED = -1  # submissions.user_id of a submission whose resident's data was removed
# Tables holding a resident's own data by user_id, removed whole by erase() (submissions are anonymised instead)
PERSONAL_TABLES = ("residents", "conversations", "followings", "inspraak_notices")

_CLOSED_SQL = ", ".join(f"'{s}'" for s in CLOSED)
# When a closed submission was closed: its last event that set a closing status.
CLOSED_AT = (f"(SELECT MAX(e.at) FROM submission_events e WHERE e.submission_id = s.id"
             f" AND e.status IN ({_CLOSED_SQL}))")


@dataclass(frozen=True)
class Erasure:
    residents: int = 0
    conversations: int = 0
    followings: int = 0
    notices: int = 0
    messages: int = 0
    submissions_anonymised: int = 0
    submissions_removed: int = 0
    withdrawn: tuple[str, ...] = ()  # references of open submissions withdrawn by the removal

    def as_dict(self) -> dict[str, Any]:
        return {"residents": self.residents, "conversations": self.conversations, "followings": self.followings,
                "notices": self.notices, "messages": self.messages,
                "submissions_anonymised": self.submissions_anonymised,
                "submissions_removed": self.submissions_removed}


@dataclass(frozen=True)
class RetentionCandidate:
    id: int
    reference: str
    status: str
    closed_at: str


def name_words(*names: str | None) -> tuple[str, ...]:
    """The words of a person's names worth looking for in texts ("Anna de Vries (@anna)" -> Anna, Vries, anna)."""
    words = []
    for name in names:
        for word in re.findall(r"[^\W\d_][\w'-]*", name or ""):
            if len(word) >= 3 and word.lower() not in words:
                words.append(word.lower())
    return tuple(words)


def _mentions(text: str | None, words: tuple[str, ...]) -> bool:
    return bool(text) and any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE) for w in words)


def _scrub(text: str, words: tuple[str, ...]) -> str:
    for word in words:
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "[naam]", text, flags=re.IGNORECASE)
    return text


async def anonymise(conn: aiosqlite.Connection, submission_ids: list[int], *, remove_content: bool = False,
                    names: tuple[str, ...] = ()) -> None:
    """Remove the personal data of submissions inside the caller's transaction (a few statements for all).

    The resident's name (as stored with consent, and ``names`` known otherwise) is replaced in the text,
    and an event whose text names them loses its text. With ``remove_content`` the text and every
    event's text go (the resident asked to remove it)."""
    if not submission_ids:
        return
    now = to_text(utc_now())
    await conn.execute("CREATE TEMP TABLE IF NOT EXISTS anonymise_ids (id INTEGER PRIMARY KEY)")
    await conn.execute("DELETE FROM temp.anonymise_ids")
    await conn.executemany("INSERT OR IGNORE INTO temp.anonymise_ids (id) VALUES (?)", [(i,) for i in submission_ids])
    chosen = "SELECT id FROM temp.anonymise_ids"
    cursor = await conn.execute(f"SELECT id, text, resident_name FROM submissions WHERE id IN ({chosen})")
    words_of: dict[int, tuple[str, ...]] = {}
    texts = []
    for row in await cursor.fetchall():
        words_of[row["id"]] = words = name_words(row["resident_name"], *names)
        text = "" if remove_content else _scrub(row["text"], words)
        if text != row["text"]:
            texts.append((text, row["id"]))
    await conn.executemany("UPDATE submissions SET text = ? WHERE id = ?", texts)
    await conn.execute(
        "UPDATE submissions SET user_id = ?, resident_name = NULL, latitude = NULL, longitude = NULL, buurt = NULL,"
        f" consent_reply = 0, anonymised_at = COALESCE(anonymised_at, ?) WHERE id IN ({chosen})", (ERASED, now))
    await conn.execute(f"DELETE FROM submission_photos WHERE submission_id IN ({chosen})")
    await conn.execute(f"UPDATE submission_events SET actor_id = NULL WHERE submission_id IN ({chosen})"
                       " AND actor = 'resident' AND actor_id IS NOT NULL")
    cursor = await conn.execute(f"SELECT id, submission_id, text FROM submission_events WHERE submission_id IN"
                                f" ({chosen}) AND text IS NOT NULL")
    cleared = [(e["id"],) for e in await cursor.fetchall()
               if remove_content or _mentions(e["text"], words_of.get(e["submission_id"], ()))]
    await conn.executemany("UPDATE submission_events SET text = NULL WHERE id = ?", cleared)
    # Messages about them copy the text, the name and the photos' file ids: they go, sent or not (the
    # gebiedsverbinder still finds the submission itself in /open).
    await conn.execute(f"DELETE FROM outbox WHERE submission_id IN ({chosen})")
    await conn.execute("DELETE FROM temp.anonymise_ids")


class PrivacyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def holds_anything(self, user_id: int) -> bool:
        """Whether anything is stored about this resident that erase() would remove or anonymise."""
        checks = [f"EXISTS (SELECT 1 FROM {table} WHERE user_id = ?)" for table in (*PERSONAL_TABLES, "submissions")]
        checks.append("EXISTS (SELECT 1 FROM outbox WHERE chat_id = ? AND channel = 'telegram')")
        row = await self._db.fetchone(f"SELECT {' OR '.join(checks)} AS held", (user_id,) * len(checks))
        return bool(row["held"])

    async def export(self, user_id: int) -> dict[str, Any]:
        """Everything stored about one resident, and nothing about anyone else (staff stay anonymous)."""
        db = self._db
        resident = await db.fetchone("SELECT * FROM residents WHERE user_id = ?", (user_id,))
        conversation = await db.fetchone("SELECT flow, step, data, updated_at FROM conversations WHERE user_id = ?",
                                         (user_id,))
        followings = await db.fetchall("SELECT kind, code, created_at FROM followings WHERE user_id = ?"
                                       " ORDER BY kind DESC, created_at, code", (user_id,))
        notices = await db.fetchall(
            "SELECT n.window_id, w.title_nl, w.title_en, n.kind, n.at FROM inspraak_notices n"
            " JOIN inspraak_windows w ON w.id = n.window_id WHERE n.user_id = ? ORDER BY n.at, n.window_id",
            (user_id,))
        waiting = await db.fetchall("SELECT created_at, kind, payload FROM outbox WHERE chat_id = ?"
                                    " AND channel = 'telegram' AND sent_at IS NULL AND failed_at IS NULL ORDER BY id",
                                    (user_id,))
        submissions = []
        for row in await db.fetchall("SELECT id FROM submissions WHERE user_id = ? ORDER BY id", (user_id,)):
            submission = await SubmissionRepository(db).get(row["id"])
            events = await db.fetchall(
                "SELECT at, actor, action, status, text FROM submission_events WHERE submission_id = ? ORDER BY id",
                (row["id"],))
            submissions.append({
                "reference": submission.reference, "kind": submission.kind, "status": submission.status,
                "sent_at": submission.created_at, "updated_at": submission.updated_at,
                "wijk": submission.wijk_code, "buurt": submission.buurt, "stadsdeel": submission.stadsdeel,
                "handled_by_stadsdeel": submission.handled_by, "theme": submission.theme, "text": submission.text,
                "location": ({"latitude": submission.latitude, "longitude": submission.longitude}
                             if submission.latitude is not None else None),
                "photos": list(submission.photos), "answers_through_chat": submission.consent_reply,
                "name_shown_to_gebiedsverbinder": submission.resident_name, "language": submission.language,
                # who on the staff's side acted is left out: only that it was the gebiedsverbinder
                "history": [{"at": e["at"], "by": {"resident": "you", "staff": "gebiedsverbinder"}.get(e["actor"],
                                                                                                    e["actor"]),
                             "what": e["action"], "status": e["status"], "text": e["text"]} for e in events],
            })
        return {
            "about": "Everything Wijkwijzer (municipality of Haarlem) stores about you",
            "made_at": to_text(utc_now()),
            "telegram_id": user_id,
            "profile": None if resident is None else {
                "language_chosen": resident["language"], "language_of_telegram": resident["platform_language"],
                "wijk": resident["wijk_code"], "first_seen": resident["created_at"],
                "last_changed": resident["updated_at"], "asked_about_following": resident["follow_asked_at"],
                "telegram_refused_delivery_at": resident["inactive_at"]},
            "conversation_in_progress": None if conversation is None else {
                "flow": conversation["flow"], "step": conversation["step"], "data": json.loads(conversation["data"]),
                "updated_at": conversation["updated_at"]},
            "following": [{"kind": f["kind"], "code": f["code"], "since": f["created_at"]} for f in followings],
            "inspraak_messages_received": [{"window": n["window_id"], "title": n["title_nl"],
                                            "title_en": n["title_en"], "message": n["kind"], "at": n["at"]}
                                           for n in notices],
            "messages_waiting_to_be_sent": [{"queued_at": m["created_at"], "kind": m["kind"],
                                             "text": json.loads(m["payload"]).get("text", "")} for m in waiting],
            "submissions": submissions,
        }

    async def erase(self, user_id: int, *, remove_submissions: bool = False, names: tuple[str, ...] = (),
                    withdrawal_notices: Callable[[Submission], list[Notification]] | None = None) -> Erasure:
        """Erase one resident's personal data in one transaction; doing it again changes nothing.

        Their submissions stay anonymised, or with ``remove_submissions`` lose their content as well; open
        ones are then withdrawn and ``withdrawal_notices`` (to the gebiedsverbinders) are queued. ``names``: the
        resident's names as the platform gives them, removed from texts as well."""

        async def run(conn: aiosqlite.Connection) -> Erasure:
            counts: dict[str, int] = {}
            for table in PERSONAL_TABLES:
                cursor = await conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
                counts[table] = cursor.rowcount
            cursor = await conn.execute("SELECT id, status FROM submissions WHERE user_id = ? ORDER BY id", (user_id,))
            own = list(await cursor.fetchall())
            cursor = await conn.execute("DELETE FROM outbox WHERE chat_id = ? AND channel = 'telegram'", (user_id,))
            messages = cursor.rowcount
            withdrawn = []
            for row in own:
                if remove_submissions and row["status"] not in CLOSED:
                    await conn.execute("UPDATE submissions SET status = 'ingetrokken', updated_at = ? WHERE id = ?",
                                       (to_text(utc_now()), row["id"]))
                    await conn.execute("INSERT INTO submission_events (submission_id, actor, actor_id, action,"
                                       " status) VALUES (?, 'resident', NULL, 'withdrawn', 'ingetrokken')",
                                       (row["id"],))
                    withdrawn.append(row["id"])
            await anonymise(conn, [row["id"] for row in own], remove_content=remove_submissions, names=names)
            references = []
            for submission_id in withdrawn:
                submission = await _load(conn, submission_id)
                references.append(submission.reference)
                for chat_id, payload in (withdrawal_notices(submission) if withdrawal_notices else []):
                    await enqueue(conn, chat_id, payload, submission_id)
            erasure = Erasure(
                residents=counts["residents"], conversations=counts["conversations"],
                followings=counts["followings"], notices=counts["inspraak_notices"], messages=messages,
                submissions_anonymised=0 if remove_submissions else len(own),
                submissions_removed=len(own) if remove_submissions else 0, withdrawn=tuple(references))
            if any(erasure.as_dict().values()):
                await write_audit(conn, AuditEntry("privacy.erase", actor="resident", details=erasure.as_dict()))
            return erasure

        return await self._db.write(run)

    async def retention_candidates(self, cutoff: dt.datetime) -> list[RetentionCandidate]:
        """Closed submissions, closed before ``cutoff``, that still hold personal data."""
        rows = await self._db.fetchall(
            f"SELECT s.id, s.reference, s.status, COALESCE({CLOSED_AT}, s.updated_at) AS closed_at"
            f" FROM submissions s WHERE s.status IN ({_CLOSED_SQL}) AND s.anonymised_at IS NULL"
            f" AND COALESCE({CLOSED_AT}, s.updated_at) < ? ORDER BY s.id", (to_text(cutoff),))
        return [RetentionCandidate(r["id"], r["reference"], r["status"], r["closed_at"]) for r in rows]

    async def apply_retention(self, cutoff: dt.datetime, days: int) -> list[RetentionCandidate]:
        """Anonymise every closed submission closed before ``cutoff``, in one transaction; return them."""
        candidates = await self.retention_candidates(cutoff)
        if not candidates:
            return []

        async def run(conn: aiosqlite.Connection) -> None:
            await anonymise(conn, [candidate.id for candidate in candidates])
            await write_audit(conn, AuditEntry("privacy.retention", actor="system",
                                               details={"submissions": len(candidates), "days": days,
                                                        "closed_before": to_text(cutoff)}))

        await self._db.write(run)
        return candidates

