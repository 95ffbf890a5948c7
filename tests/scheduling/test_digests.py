"""Digests for gebiedsverbinders with a manual clock: schedule, content, catch-up and exactly-once."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.duties import build_digests
from storage import Database, NewSubmission, QuestionLog, StaffRepository, SubmissionRepository
from storage.digests import DigestRepository, DigestSettings, last_moment, next_moment
from storage.timestamps import ManualClock, parse_time, use_clock, utc_now

LOCAL = ZoneInfo("Europe/Amsterdam")
TRANSVAAL = "WK039210"  # Noord
ROOT = Path(__file__).resolve().parents[2]


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL).astimezone(dt.UTC)


def settings(smtp: bool = False) -> Settings:
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_FROM": "wijkwijzer@haarlem.nl", "SMTP_STARTTLS": "0"} if smtp else {}
    return Settings.from_env(env)


async def submit(db: Database, text: str, *, consent: bool = True, kind: str = "idee", theme: str = "groen") -> str:
    new = NewSubmission(user_id=77, kind=kind, wijk_code=TRANSVAAL, stadsdeel="noord", handled_by="noord",
                        theme=theme, text=text, latitude=None, longitude=None, consent_reply=consent,
                        resident_name=None, language="nl")
    return (await SubmissionRepository(db).create(new, lambda s: [])).reference


async def digests_sent(db: Database, channel: str = "telegram") -> list[str]:
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'digest' AND channel = ? ORDER BY id",
                             (channel,))
    return [json.loads(r["payload"])["text"] for r in rows]


def new_section(text: str) -> str:
    """The part of a digest listing new submissions."""
    if "Nieuwe inzendingen" not in text:
        return ""
    part = text.split("Nieuwe inzendingen", 1)[1]
    return part.split("\n\n", 1)[0]


@pytest.fixture
async def staff(db: Database) -> StaffRepository:
    repo = StaffRepository(db)
    await repo.add(500, "gebiedsverbinder", "noord", "Test Noord", "noord@example.org")
    await repo.add(501, "gebiedsverbinder", "oost", "Test Oost")
    await repo.add(502, "staff", None, "Communicatie")  # city-wide: no digest
    return repo


def test_schedule_moments() -> None:
    workdays = DigestSettings(1)
    friday_noon = local(2026, 12, 4, 12, 0)
    assert next_moment(workdays, friday_noon) == local(2026, 12, 7, 8, 0)  # Monday
    assert next_moment(DigestSettings(1, schedule="daily"), friday_noon) == local(2026, 12, 5, 8, 0)
    assert next_moment(DigestSettings(1, schedule="weekly", weekday=2), friday_noon) == local(2026, 12, 9, 8, 0)
    assert next_moment(DigestSettings(1, schedule="off"), friday_noon) is None
    assert last_moment(workdays, local(2026, 12, 6, 23, 0)) == local(2026, 12, 4, 8, 0)
    # over the change to winter time the local hour stays 08:00
    assert next_moment(workdays, local(2026, 10, 23, 9, 0)) == local(2026, 10, 26, 8, 0)


async def test_digest_content_and_each_submission_new_once(db: Database, content, staff) -> None:
    engine = build_digests(db, content, settings())
    first = await submit(db, "Meer bankjes in het park bij de Transvaalstraat, graag.")
    await QuestionLog(db).record(text="Wanneer vergadert de wijkraad?", normalized="wanneer vergadert wijkraad",
                                 language="nl", outcome="no_match", stadsdeel="noord")
    await QuestionLog(db).record(text="wanneer vergadert de wijkraad", normalized="wanneer vergadert wijkraad",
                                 language="nl", outcome="no_match", stadsdeel="noord")
    await QuestionLog(db).record(text="Zuid vraag", normalized="zuid vraag", language="nl", outcome="no_match",
                                 stadsdeel="zuidwest")
    now = utc_now()
    due = await engine.next_due(now)
    assert due is not None and due > now
    assert await engine.run_due(due - dt.timedelta(seconds=1)) == 0  # not yet
    assert await engine.run_due(due) == 1  # only Noord has something new; Oost gets nothing
    [text] = await digests_sent(db)
    assert "Overzicht stadsdeel Noord" in text
    assert first in new_section(text) and "Transvaalwijk" in text and "Groen" in text
    assert "Antwoord verschuldigd" in text  # the resident agreed to an answer and has none yet
    assert "2× Wanneer vergadert de wijkraad?" in text and "Zuid vraag" not in text
    assert (await db.fetchone("SELECT COUNT(*) FROM outbox WHERE channel = 'email'"))[0] == 0  # no SMTP

    second = await submit(db, "Een signaal over losliggende tegels op de stoep.", kind="signaal", theme="verkeer")
    later = await engine.next_due(due)
    assert later == next_moment(DigestSettings(500), due)
    assert await engine.run_due(later) == 1
    text = (await digests_sent(db))[-1]
    assert second in new_section(text) and first not in new_section(text)
    assert "Nieuw: 1 (vorige keer 1)" in text
    assert await engine.run_due(later) == 0  # this moment is done

    # nothing new: no digest, unless asked for
    third_moment = await engine.next_due(later)
    assert await engine.run_due(third_moment) == 0
    await DigestRepository(db).update(500, when_empty=True)
    fourth = await engine.next_due(third_moment)
    assert await engine.run_due(fourth) == 1
    assert "Niets nieuws" in (await digests_sent(db))[-1]


async def test_stale_submissions_are_named(db: Database, content, staff) -> None:
    reference = await submit(db, "Een idee dat al lang wacht op een reactie van iemand.", consent=False)
    engine = build_digests(db, content, settings())
    day = (utc_now() + dt.timedelta(days=11)).astimezone(LOCAL).date()
    later = dt.datetime.combine(day, dt.time(10, 0), tzinfo=LOCAL).astimezone(dt.UTC)  # outside quiet hours
    assert await engine.run_due(later) == 1
    text = (await digests_sent(db))[-1]
    assert "Langer dan 10 dagen open zonder nieuwe status (1)" in text
    assert reference in text.split("Langer dan 10 dagen", 1)[1]
    assert "Antwoord verschuldigd" not in text  # no consent: nothing owed


async def test_downtime_gives_one_digest_covering_the_gap(db: Database, content, staff) -> None:
    engine = build_digests(db, content, settings())
    references = [await submit(db, f"Idee nummer {i} voor de wijk, met genoeg tekst.") for i in range(3)]
    first_due = await engine.next_due(utc_now())
    after_four_days = first_due + dt.timedelta(days=4, hours=3)  # down over several scheduled moments
    assert await engine.run_due(after_four_days) == 1
    assert await engine.run_due(after_four_days) == 0
    [text] = await digests_sent(db)
    assert all(r in new_section(text) for r in references)
    row = await DigestRepository(db).last(500, "noord")
    assert parse_time(row["due_at"]) == last_moment(DigestSettings(500), after_four_days)
    assert await engine.next_due(after_four_days) > after_four_days


async def test_send_now_and_email_channel(db: Database, content, staff) -> None:
    await DigestRepository(db).update(501, schedule="off")
    engine = build_digests(db, content, settings(smtp=True))
    reference = await submit(db, "Een idee voor de speeltuin aan het Transvaalplein.")
    with use_clock(ManualClock(utc_now())):
        outcomes = await engine.send_now(utc_now())
    assert [(o.user_id, o.channels) for o in outcomes] == [(500, ("telegram", "email"))]  # Oost is off
    [mail] = await db.fetchall("SELECT address, payload FROM outbox WHERE channel = 'email'")
    payload = json.loads(mail["payload"])
    assert mail["address"] == "noord@example.org"
    assert reference in payload["text"] and reference in payload["html"] and payload["subject"]
    await DigestRepository(db).update(500, channel="email")
    await submit(db, "Nog een idee, nu alleen per e-mail te lezen.")
    await engine.send_now(utc_now())
    assert len(await digests_sent(db)) == 1 and len(await digests_sent(db, "email")) == 2


async def test_settings_validate(db: Database) -> None:
    repo = DigestRepository(db)
    assert (await repo.settings(9)).schedule == "workdays"
    with pytest.raises(ValueError):
        await repo.update(9, email="not an address")
    with pytest.raises(ValueError):
        await repo.update(9, schedule="hourly")
    saved = await repo.update(9, schedule="weekly", weekday=4, email="a.b@haarlem.nl")
    assert (saved.schedule, saved.weekday, saved.email) == ("weekly", 4, "a.b@haarlem.nl")


# A child process composes a digest and delivers it, then is killed (SIGKILL) after the message went
# out but before its delivery was recorded. The run after restart sends that same message again (the
# outbox delivers at least once, with a stable Message-ID for e-mail) and never composes the submission
# into a second digest's "new" section.
CHILD = textwrap.dedent("""
    import asyncio, os, signal, sys
    from bot.config import Settings
    from bot.duties import build_digests
    from content import load_content
    from storage import Database, OutboxRepository
    from storage.timestamps import utc_now

    async def main(path, log):
        db = await Database.open(path)
        engine = build_digests(db, load_content(), Settings.from_env({}))
        await engine.send_now(utc_now())
        outbox = OutboxRepository(db)
        for message in await outbox.pending():
            with open(log, "a") as f:
                f.write(f"{message.id}\\n")  # "sent" to Telegram
            if sys.argv[3] == "kill":
                os.kill(os.getpid(), signal.SIGKILL)  # before mark_sent
            await outbox.mark_sent(message.id)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
""")


async def test_exactly_once_across_sigkill(db_path: str, content, tmp_path: Path) -> None:
    db = await Database.open(db_path)
    await StaffRepository(db).add(500, "gebiedsverbinder", "noord", "Test Noord")
    reference = await submit(db, "Een idee dat precies één keer nieuw moet zijn.")
    await db.close()
    log = tmp_path / "delivered.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.run([sys.executable, "-c", CHILD, db_path, str(log), "kill"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    # restarted: deliver what is left, and compose again (nothing new now)
    child = subprocess.run([sys.executable, "-c", CHILD, db_path, str(log), "finish"], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr
    db = await Database.open(db_path)
    try:
        texts = await digests_sent(db)
        assert sum(reference in new_section(t) for t in texts) == 1
        assert len(texts) == 1  # the second run found nothing new and sent no digest
        delivered = log.read_text().split()
        assert delivered == [delivered[0], delivered[0]]  # the one message, delivered again after the kill
        assert (await db.fetchone("SELECT COUNT(*) FROM digests WHERE user_id = 500"))[0] == 2
    finally:
        await db.close()


async def test_moving_to_another_stadsdeel_starts_afresh(db: Database, content, staff) -> None:
    engine = build_digests(db, content, settings())
    new = NewSubmission(user_id=78, kind="idee", wijk_code="WK039206", stadsdeel="oost", handled_by="oost",
                        theme="groen", text="Een idee voor Oost, ingestuurd voor de verhuizing.", latitude=None,
                        longitude=None, consent_reply=False, resident_name=None, language="nl")
    oost = (await SubmissionRepository(db).create(new, lambda s: [])).reference
    await submit(db, "Een idee voor Noord met een hoger nummer dan dat van Oost.")
    await engine.send_now(utc_now(), "noord")
    await staff.add(500, "gebiedsverbinder", "oost", "Test Noord, nu Oost")
    await engine.send_now(utc_now(), "oost")
    texts = [t for t in await digests_sent(db) if "Overzicht stadsdeel Oost" in t]
    assert len(texts) == 2 and all(oost in new_section(t) for t in texts)  # 500 and 501 both see it as new


async def test_restart_while_due_sends_once_and_plans_the_next(db: Database, content, staff) -> None:
    from scheduling import Scheduler

    reference = await submit(db, "Een idee dat binnenkwam terwijl de assistent uit stond.")
    due = await build_digests(db, content, settings()).next_due(utc_now())
    clock = ManualClock(due + dt.timedelta(hours=30))  # the assistant was down at the scheduled moment
    for _ in range(2):  # started, stopped and started again: still one digest
        scheduler = Scheduler([build_digests(db, content, settings())], clock=clock)
        await scheduler.start()
        planned = scheduler.planned()["digests"]
        await scheduler.stop()
    [text] = await digests_sent(db)
    assert reference in new_section(text)
    assert planned > clock.now and planned.astimezone(LOCAL).hour == 8


async def test_email_only_without_smtp_still_reaches_the_chat(db: Database, content, staff) -> None:
    await DigestRepository(db).update(500, channel="email")
    await submit(db, "Een idee dat zonder e-mail toch aankomt.")
    await build_digests(db, content, settings(smtp=False)).send_now(utc_now(), "noord")
    assert len(await digests_sent(db)) == 1 and await digests_sent(db, "email") == []


async def test_a_missed_digest_waits_for_the_end_of_the_night(db: Database, content, staff) -> None:
    from scheduling import QuietHours

    await submit(db, "Een idee, en de assistent start midden in de nacht weer op.")
    engine = build_digests(db, content, settings())
    engine._quiet = QuietHours.parse("21:00-08:00")
    due = await engine.next_due(utc_now())
    night = dt.datetime.combine(due.astimezone(LOCAL).date() + dt.timedelta(days=1), dt.time(3, 0),
                                tzinfo=LOCAL).astimezone(dt.UTC)
    assert await engine.run_due(night) == 0
    morning = await engine.next_due(night)
    assert morning.astimezone(LOCAL).time() == dt.time(8, 0) and morning > night
    assert await engine.run_due(morning) == 1


async def test_unanswered_questions_are_grouped_by_meaning(db: Database, content, staff) -> None:
    from matching.semantic import shared_encoder

    log = QuestionLog(db)
    for text in ("hoe vraag ik een parkeervergunning aan", "hoe vraag ik een parkeervergunning aan",
                 "waar vraag ik een parkeervergunning aan", "Wanneer is de volgende vergadering van de wijkraad?"):
        await log.record(text=text, normalized=text.lower().strip("?"), language="nl", outcome="no_match",
                         stadsdeel="noord")
    engine = build_digests(db, content, settings(), encoder=shared_encoder())
    await engine.send_now(utc_now(), "noord")
    [text] = await digests_sent(db)
    questions = text.split("Vragen die de assistent niet kon beantwoorden (4)", 1)[1]
    assert "3× hoe vraag ik een parkeervergunning aan (en 1 andere formuleringen van hetzelfde)" in questions
    assert "1× Wanneer is de volgende vergadering van de wijkraad?" in questions


async def test_two_digests_composed_at_once_cover_a_submission_once(db: Database, content, staff) -> None:
    import asyncio

    reference = await submit(db, "Een idee, terwijl twee overzichten tegelijk gemaakt worden.")
    await DigestRepository(db).update(500, when_empty=True)
    engine = build_digests(db, content, settings())
    first, second = await asyncio.gather(engine.send_now(utc_now(), "noord"), engine.send_now(utc_now(), "noord"))
    texts = await digests_sent(db)
    assert len(texts) == 2 and sum(reference in new_section(t) for t in texts) == 1
    assert sorted(o.new_total for o in first + second) == [0, 1]
