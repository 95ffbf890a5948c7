"""Ordered, named schema migrations.

A released migration is never edited: change the schema by appending a new one.
Each migration is a tuple of plain SQL statements, applied in one transaction.
"""

from __future__ import annotations

m001_initial = (
    # One row per person who talked to the assistant. language is only set when
    # the resident chose it with /taal; otherwise Telegram's language_code decides.
    """
    CREATE TABLE residents (
        user_id     INTEGER PRIMARY KEY,
        language    TEXT CHECK (language IN ('nl', 'en')),
        wijk_code   TEXT,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """,
    # Where a resident is in a conversation: written at every step, so a restart
    # continues where they were.
    """
    CREATE TABLE conversations (
        user_id     INTEGER PRIMARY KEY,
        flow        TEXT NOT NULL,
        step        TEXT NOT NULL,
        data        TEXT NOT NULL DEFAULT '{}',
        updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """,
    # Questions the assistant could not answer with confidence. No user id is
    # kept: staff need the gaps, not who asked.
    """
    CREATE TABLE unanswered_questions (
        id          INTEGER PRIMARY KEY,
        text        TEXT NOT NULL,
        normalized  TEXT NOT NULL,
        language    TEXT NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('no_match', 'uncertain', 'open_question')),
        topic_id    TEXT,
        stadsdeel   TEXT,
        asked_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """,
    "CREATE INDEX unanswered_questions_normalized ON unanswered_questions (normalized)",
)

MIGRATIONS: list[tuple[str, tuple[str, ...]]] = [
    ("m001_initial", m001_initial),
]
