#!/usr/bin/env bash
# Extract the translatable texts and merge them into the nl and en catalogs.
# Then translate every empty msgstr (tests/test_i18n.py fails while one is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
"${PYBABEL:-.venv/bin/pybabel}" extract -F pyproject.toml -k N_ --no-location --sort-output --project=wijkwijzer \
  --no-wrap --omit-header -o locales/wijkwijzer.pot bot flows matching content locales
"${PYBABEL:-.venv/bin/pybabel}" update -i locales/wijkwijzer.pot -d locales -D wijkwijzer --no-fuzzy-matching \
  --omit-header --ignore-obsolete --no-wrap
