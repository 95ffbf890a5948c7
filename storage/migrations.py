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

m002_submissions = (
    # Municipal staff, linked to their Telegram account. Roles live here, not in code or content.
    """
    CREATE TABLE staff (
        user_id     INTEGER PRIMARY KEY,
        role        TEXT NOT NULL CHECK (role IN ('gebiedsverbinder')),
        stadsdeel   TEXT NOT NULL,
        name        TEXT,
        email       TEXT,
        added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """,
    # One-time links for staff: only a hash of the code is kept.
    """
    CREATE TABLE staff_invites (
        code_hash   TEXT PRIMARY KEY,
        role        TEXT NOT NULL,
        stadsdeel   TEXT NOT NULL,
        name        TEXT,
        email       TEXT,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        expires_at  TEXT NOT NULL,
        used_at     TEXT,
        used_by     INTEGER
    )
    """,
    # Ideas, signals and questions of residents. stadsdeel is where it is about; handled_by is
    # the stadsdeel whose gebiedsverbinders the routing rules chose (usually the same).
    """
    CREATE TABLE submissions (
        id            INTEGER PRIMARY KEY,
        reference     TEXT NOT NULL UNIQUE,
        user_id       INTEGER NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('idee', 'signaal', 'vraag')),
        wijk_code     TEXT NOT NULL,
        stadsdeel     TEXT NOT NULL,
        handled_by    TEXT NOT NULL,
        theme         TEXT NOT NULL,
        text          TEXT NOT NULL,
        latitude      REAL,
        longitude     REAL,
        consent_reply INTEGER NOT NULL CHECK (consent_reply IN (0, 1)),
        resident_name TEXT,
        language      TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'nieuw',
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """,
    "CREATE INDEX submissions_user ON submissions (user_id, id)",
    "CREATE INDEX submissions_open ON submissions (handled_by, status, id)",
    """
    CREATE TABLE submission_photos (
        submission_id INTEGER NOT NULL REFERENCES submissions (id),
        position      INTEGER NOT NULL,
        file_id       TEXT NOT NULL,
        PRIMARY KEY (submission_id, position)
    )
    """,
    # What happened to a submission, who did it and when. Append-only: enforced below.
    """
    CREATE TABLE submission_events (
        id            INTEGER PRIMARY KEY,
        submission_id INTEGER NOT NULL REFERENCES submissions (id),
        at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        actor         TEXT NOT NULL CHECK (actor IN ('resident', 'staff', 'system')),
        actor_id      INTEGER,
        action        TEXT NOT NULL CHECK (action IN ('created', 'status', 'reply', 'info', 'withdrawn')),
        status        TEXT,
        text          TEXT
    )
    """,
    "CREATE INDEX submission_events_submission ON submission_events (submission_id, id)",
    """
    CREATE TRIGGER submission_events_no_update BEFORE UPDATE ON submission_events
    BEGIN SELECT RAISE(ABORT, 'submission_events is append-only'); END
    """,
    """
    CREATE TRIGGER submission_events_no_delete BEFORE DELETE ON submission_events
    BEGIN SELECT RAISE(ABORT, 'submission_events is append-only'); END
    """,
    # Messages to send, stored in the same transaction as what caused them, so nothing is lost or
    # sent twice when the process dies in between; delivered by the outbox dispatcher.
    """
    CREATE TABLE outbox (
        id            INTEGER PRIMARY KEY,
        chat_id       INTEGER NOT NULL,
        payload       TEXT NOT NULL,
        submission_id INTEGER REFERENCES submissions (id),
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        next_try_at   TEXT,
        sent_at       TEXT,
        failed_at     TEXT,
        last_error    TEXT
    )
    """,
    "CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL AND failed_at IS NULL",
)

m003_submission_buurt = (
    # The buurt, when the resident named one ("Garenkokerskwartier" rather than just the wijk).
    "ALTER TABLE submissions ADD COLUMN buurt TEXT",
)

m004_inspraak_following = (
    # Staff get a second role: 'staff' (communications, policy) works city-wide and has no stadsdeel;
    # a 'gebiedsverbinder' belongs to exactly one. SQLite cannot change a CHECK, so the table is rebuilt.
    """
    CREATE TABLE staff_new (
        user_id     INTEGER PRIMARY KEY,
        role        TEXT NOT NULL CHECK (role IN ('gebiedsverbinder', 'staff')),
        stadsdeel   TEXT,
        name        TEXT,
        email       TEXT,
        added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        CHECK ((role = 'gebiedsverbinder') = (stadsdeel IS NOT NULL))
    )
    """,
    "INSERT INTO staff_new SELECT user_id, role, stadsdeel, name, email, added_at FROM staff",
    "DROP TABLE staff",
    "ALTER TABLE staff_new RENAME TO staff",
    """
    CREATE TABLE staff_invites_new (
        code_hash   TEXT PRIMARY KEY,
        role        TEXT NOT NULL,
        stadsdeel   TEXT,
        name        TEXT,
        email       TEXT,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        expires_at  TEXT NOT NULL,
        used_at     TEXT,
        used_by     INTEGER
    )
    """,
    "INSERT INTO staff_invites_new SELECT * FROM staff_invites",
    "DROP TABLE staff_invites",
    "ALTER TABLE staff_invites_new RENAME TO staff_invites",
    # A resident who blocked the bot (Telegram answered 403) is skipped until they write again;
    # follow_asked_at: the one-time question "do you want messages about your wijk?" was asked;
    # platform_language: Telegram's language when they started following, for messages they did not
    # ask for at that moment (notices), when they never chose a language with /taal.
    "ALTER TABLE residents ADD COLUMN inactive_at TEXT",
    "ALTER TABLE residents ADD COLUMN follow_asked_at TEXT",
    "ALTER TABLE residents ADD COLUMN platform_language TEXT",
    # What a resident chose to hear about: a wijk (code from wijken.yaml) or a theme (themes.yaml).
    # Opt-in only: a row exists only after the resident said yes.
    """
    CREATE TABLE followings (
        user_id     INTEGER NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('wijk', 'theme')),
        code        TEXT NOT NULL,
        created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (user_id, kind, code)
    )
    """,
    "CREATE INDEX followings_code ON followings (kind, code, user_id)",
    # Consultation windows (inspraak). Times are UTC; people see Europe/Amsterdam. reminders: seconds
    # before closing, comma-separated. dates_changed_at: when opens/closes were last set (creation or
    # edit); a reminder whose moment lies before it is never sent. version goes up with every date edit.
    """
    CREATE TABLE inspraak_windows (
        id               INTEGER PRIMARY KEY,
        title_nl         TEXT NOT NULL,
        title_en         TEXT,
        summary          TEXT,
        url              TEXT,
        opens_at         TEXT NOT NULL,
        closes_at        TEXT NOT NULL,
        reminders        TEXT NOT NULL DEFAULT '604800,86400',
        cancelled_at     TEXT,
        created_by       INTEGER,
        created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        dates_changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        version          INTEGER NOT NULL DEFAULT 1,
        CHECK (closes_at > opens_at)
    )
    """,
    # A window's scope: no rows means city-wide; otherwise the listed stadsdelen and wijken.
    """
    CREATE TABLE inspraak_scope (
        window_id   INTEGER NOT NULL REFERENCES inspraak_windows (id),
        kind        TEXT NOT NULL CHECK (kind IN ('stadsdeel', 'wijk')),
        code        TEXT NOT NULL,
        PRIMARY KEY (window_id, kind, code)
    )
    """,
    # Each duty of a window (opening notice, each reminder, each correction, the cancellation) is
    # carried out once: its notices and outbox rows are written in the same transaction as this row.
    # outcome 'skipped': it fell due while the assistant was down and was no longer meaningful.
    """
    CREATE TABLE inspraak_duties (
        window_id   INTEGER NOT NULL REFERENCES inspraak_windows (id),
        duty        TEXT NOT NULL,
        due_at      TEXT NOT NULL,
        done_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        outcome     TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped')),
        recipients  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (window_id, duty)
    )
    """,
    # Who was told what about which window: at most once per resident, window and kind (the
    # database refuses a second row). version: the window's dates the resident was told.
    """
    CREATE TABLE inspraak_notices (
        window_id   INTEGER NOT NULL REFERENCES inspraak_windows (id),
        user_id     INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        version     INTEGER NOT NULL,
        at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        PRIMARY KEY (window_id, user_id, kind)
    )
    """,
)

m005_outbox_channels = (
    # The one outbox carries every kind of message: channel 'telegram' (chat_id) or 'email'
    # (address); kind says what it is (reply, notification, notice, digest, broadcast) so pacing can
    # put interactive messages first (higher priority first); broadcast_id ties a row to a broadcast.
    "ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram' CHECK (channel IN ('telegram', 'email'))",
    "ALTER TABLE outbox ADD COLUMN address TEXT",
    "ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'notification'",
    "ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE outbox ADD COLUMN broadcast_id INTEGER",
    "DROP INDEX outbox_pending",
    "CREATE INDEX outbox_pending ON outbox (channel, priority, id) WHERE sent_at IS NULL AND failed_at IS NULL",
)

m006_off_topic_questions = (
    # Questions about other municipal matters (passports, waste) are logged too, as 'off_topic', so
    # staff see what residents expect from the assistant. SQLite cannot change a CHECK constraint:
    # the table is rebuilt with the same columns and rows.
    """
    CREATE TABLE unanswered_questions_new (
        id          INTEGER PRIMARY KEY,
        text        TEXT NOT NULL,
        normalized  TEXT NOT NULL,
        language    TEXT NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('no_match', 'uncertain', 'open_question', 'off_topic')),
        topic_id    TEXT,
        stadsdeel   TEXT,
        asked_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """,
    "INSERT INTO unanswered_questions_new SELECT id, text, normalized, language, outcome, topic_id, stadsdeel,"
    " asked_at FROM unanswered_questions",
    "DROP TABLE unanswered_questions",
    "ALTER TABLE unanswered_questions_new RENAME TO unanswered_questions",
    "CREATE INDEX unanswered_questions_normalized ON unanswered_questions (normalized)",
)

m007_digests = (
    # How each gebiedsverbinder wants the digest of their stadsdeel. No row: the defaults (working
    # days at 08:00, Telegram, e-mail too when an address is known, nothing when there is nothing new).
    # schedule 'weekly' uses weekday (0 = Monday); at is local Europe/Amsterdam time; channel 'both':
    # Telegram and, when an address is set and SMTP is configured, e-mail; email overrides staff.email.
    """
    CREATE TABLE digest_settings (
        user_id     INTEGER PRIMARY KEY,
        schedule    TEXT NOT NULL DEFAULT 'workdays' CHECK (schedule IN ('workdays', 'daily', 'weekly', 'off')),
        weekday     INTEGER NOT NULL DEFAULT 0 CHECK (weekday BETWEEN 0 AND 6),
        at          TEXT NOT NULL DEFAULT '08:00',
        channel     TEXT NOT NULL DEFAULT 'both' CHECK (channel IN ('telegram', 'email', 'both')),
        email       TEXT,
        when_empty  INTEGER NOT NULL DEFAULT 0 CHECK (when_empty IN (0, 1)),
        updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """,
    # Every digest composed for a recipient, written in the same transaction as its outbox rows.
    # covered_to: the high-water mark, the highest submission id its "new" section covered; the next
    # digest lists only ids above it, so a submission is new in exactly one digest per recipient, also
    # when the process dies while sending. due_at: the scheduled moment it answers (or the moment of
    # 'digest --now'); outcome 'empty': nothing new and the recipient did not ask for empty digests.
    """
    CREATE TABLE digests (
        id            INTEGER PRIMARY KEY,
        user_id       INTEGER NOT NULL,
        stadsdeel     TEXT NOT NULL,
        due_at        TEXT NOT NULL,
        period_start  TEXT,
        period_end    TEXT NOT NULL,
        covered_to    INTEGER NOT NULL,
        new_count     INTEGER NOT NULL,
        question_count INTEGER NOT NULL,
        outcome       TEXT NOT NULL CHECK (outcome IN ('sent', 'empty')),
        trigger       TEXT NOT NULL CHECK (trigger IN ('schedule', 'now')),
        created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """,
    "CREATE INDEX digests_recipient ON digests (user_id, id)",
    "CREATE UNIQUE INDEX digests_scheduled_once ON digests (user_id, due_at) WHERE trigger = 'schedule'",
    # The digest reads the questions of one stadsdeel in one period.
    "CREATE INDEX unanswered_questions_stadsdeel ON unanswered_questions (stadsdeel, asked_at)",
    "CREATE INDEX submission_events_status ON submission_events (submission_id, action, at)",
)

m008_broadcasts = (
    # Messages staff send to many residents at once (/omroep, `wijkwijzer broadcast`). One row per
    # broadcast; the messages themselves are outbox rows (kind 'broadcast', broadcast_id), written in
    # one transaction when it starts (queued_at), so a crash neither loses nor repeats a recipient.
    # status: draft -> scheduled (send_at in the future, or after quiet hours) -> sending -> done;
    # paused (its outbox rows wait) and cancelled (its unsent rows are parked) by staff.
    # created_by: the staff member (NULL from the CLI without --as); progress_chat/progress_message:
    # the message that staff member sees edited with live progress.
    """
    CREATE TABLE broadcasts (
        id               INTEGER PRIMARY KEY,
        created_by       INTEGER,
        text_nl          TEXT NOT NULL CHECK (length(text_nl) BETWEEN 1 AND 4096),
        text_en          TEXT CHECK (text_en IS NULL OR length(text_en) BETWEEN 1 AND 4096),
        photo            TEXT,
        status           TEXT NOT NULL DEFAULT 'draft'
                         CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'cancelled', 'done')),
        send_at          TEXT,
        quiet_override   INTEGER NOT NULL DEFAULT 0 CHECK (quiet_override IN (0, 1)),
        recipients       INTEGER NOT NULL DEFAULT 0,
        created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        queued_at        TEXT,
        finished_at      TEXT,
        progress_chat    INTEGER,
        progress_message INTEGER,
        CHECK ((status IN ('sending', 'paused', 'done')) <= (queued_at IS NOT NULL))
    )
    """,
    "CREATE INDEX broadcasts_status ON broadcasts (status, send_at)",
    # Who a broadcast is for: the union of these (kind 'all', 'stadsdeel', 'wijk', 'theme',
    # 'gebiedsverbinders'; code '' where there is none). Only residents who follow something in it.
    """
    CREATE TABLE broadcast_audience (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
        kind         TEXT NOT NULL CHECK (kind IN ('all', 'stadsdeel', 'wijk', 'theme', 'gebiedsverbinders')),
        code         TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (broadcast_id, kind, code)
    )
    """,
    "CREATE INDEX outbox_broadcast ON outbox (broadcast_id) WHERE broadcast_id IS NOT NULL",
    # The dispatcher reads pending rows highest priority first, then oldest: an index in that order
    # (priority DESC) lets SQLite stop after one batch instead of sorting every pending row (with
    # 100,000 broadcast rows pending: 0.2 ms instead of 70 ms per batch).
    "DROP INDEX outbox_pending",
    "CREATE INDEX outbox_pending ON outbox (channel, priority DESC, id) WHERE sent_at IS NULL AND failed_at IS NULL",
)

m009_audit_privacy = (
    # What staff and operators did (status changes, answers, staff accounts, exports, inspraak,
    # broadcasts), for the municipality's privacy officer. Append-only: enforced below. actor_id is a
    # staff member's Telegram id, NULL for the operator's command line, a resident or the system;
    # subject names what it was about (a reference, a window '#3', a staff account); details is JSON.
    # Never a resident's id, name or text.
    """
    CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        actor       TEXT NOT NULL CHECK (actor IN ('staff', 'operator', 'resident', 'system')),
        actor_id    INTEGER,
        action      TEXT NOT NULL,
        subject     TEXT,
        details     TEXT NOT NULL DEFAULT '{}'
    )
    """,
    "CREATE INDEX audit_log_at ON audit_log (at)",
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
    """,
    # Residents' rights (AVG): a submission whose personal data was removed (the resident asked, or
    # the retention period after closing passed) keeps its reference, kind, wijk, theme and dates;
    # user_id is then -1 (no person), and anonymised_at says when.
    "ALTER TABLE submissions ADD COLUMN anonymised_at TEXT",
    # Erasure and retention remove the outbox rows about a submission (they copy its text and name).
    # Partial: notices to followers (no submission) are queued in bulk and should not pay for it.
    "CREATE INDEX outbox_submission ON outbox (submission_id) WHERE submission_id IS NOT NULL",
    # The history stays append-only with one exception the AVG requires: who did it (actor_id) and
    # an event's text may be removed (set to NULL). Any other change is still refused.
    "DROP TRIGGER submission_events_no_update",
    """
    CREATE TRIGGER submission_events_no_update BEFORE UPDATE ON submission_events
    WHEN NOT (NEW.id = OLD.id AND NEW.submission_id = OLD.submission_id AND NEW.at = OLD.at
              AND NEW.actor = OLD.actor AND NEW.action = OLD.action AND NEW.status IS OLD.status
              AND (NEW.actor_id IS OLD.actor_id OR NEW.actor_id IS NULL)
              AND (NEW.text IS OLD.text OR NEW.text IS NULL))
    BEGIN SELECT RAISE(ABORT, 'submission_events is append-only'); END
    """,
)

m010_broadcast_sending_since = (
    # When a broadcast last began sending: its start, a resume after a pause, or the end of the quiet
    # hours that held it. The time left in its progress message is measured from here, so a night
    # held or an hour paused does not make the estimate look many times longer than it is.
    "ALTER TABLE broadcasts ADD COLUMN sending_since TEXT",
)

m011_answer_missed_questions = (
    # A typed question whose direct answer the resident said did not fit ("Dit beantwoordt mijn vraag niet") is
    # logged too, as 'answer_missed' with the topic that answered, so staff see which answers miss. SQLite cannot
    # change a CHECK constraint: the table is rebuilt with the same columns, rows and indexes (as m006).
    """
    CREATE TABLE unanswered_questions_new (
        id          INTEGER PRIMARY KEY,
        text        TEXT NOT NULL,
        normalized  TEXT NOT NULL,
        language    TEXT NOT NULL,
        outcome     TEXT NOT NULL CHECK (outcome IN ('no_match', 'uncertain', 'open_question', 'off_topic',
                                                     'answer_missed')),
        topic_id    TEXT,
        stadsdeel   TEXT,
        asked_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    )
    """,
    "INSERT INTO unanswered_questions_new SELECT id, text, normalized, language, outcome, topic_id, stadsdeel,"
    " asked_at FROM unanswered_questions",
    "DROP TABLE unanswered_questions",
    "ALTER TABLE unanswered_questions_new RENAME TO unanswered_questions",
    "CREATE INDEX unanswered_questions_normalized ON unanswered_questions (normalized)",
    "CREATE INDEX unanswered_questions_stadsdeel ON unanswered_questions (stadsdeel, asked_at)",
)

MIGRATIONS: list[tuple[str, tuple[str, ...]]] = [
    ("m001_initial", m001_initial),
    ("m002_submissions", m002_submissions),
    ("m003_submission_buurt", m003_submission_buurt),
    ("m004_inspraak_following", m004_inspraak_following),
    ("m005_outbox_channels", m005_outbox_channels),
    ("m006_off_topic_questions", m006_off_topic_questions),
    ("m007_digests", m007_digests),
    ("m008_broadcasts", m008_broadcasts),
    ("m009_audit_privacy", m009_audit_privacy),
    ("m010_broadcast_sending_since", m010_broadcast_sending_since),
    ("m011_answer_missed_questions", m011_answer_missed_questions),
]
