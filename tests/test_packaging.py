"""A plain `pip install .` gives a working assistant, with its content, in both languages."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_content_and_catalogs_and_runs(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheel_dir), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    [wheel] = wheel_dir.glob("wijkwijzer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("content/data/faq.yaml", "content/data/wijken.yaml", "content/data/gebiedsverbinders.yaml",
                   "content/data/synonyms.yaml", "content/data/geo/wijken.geojson", "content/data/geo/SOURCES.md",
                   "content/data/ATTRIBUTION.md", "locales/nl/LC_MESSAGES/wijkwijzer.po",
                   "locales/en/LC_MESSAGES/wijkwijzer.po", "bot/cli.py", "flows/faq.py", "matching/lexical.py",
                   "storage/db.py"):
        assert needed in names, f"{needed} is missing from the wheel"
    assert not [n for n in names if n.endswith(".mo")], "compiled catalogs must not be shipped stale"
    assert not [n for n in names if n.startswith("tests/")]

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIJKWIJZER_"))}
    env.update({"PYTHONPATH": str(site), "WIJKWIJZER_DB": str(tmp_path / "demo.sqlite3")})
    where = subprocess.run([sys.executable, "-c", "import bot, content; print(bot.__file__, content.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.count(str(site)) == 2  # the installed copy, not this checkout

    for args, question, expected in [(["shell"], "Wie is de gebiedsverbinder voor Noord?\n", "Karin Kranendonk"),
                                     (["shell", "--lang", "en"], "/start\n", "Welcome to Wijkwijzer")]:
        result = subprocess.run([sys.executable, "-m", "bot", *args], input=question, cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
