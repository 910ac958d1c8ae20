#!/bin/sh
# Re-extract all UI strings, merge them into the English catalogue, compile it and report what is
# left to translate. Safe to run any time; see docs/i18n.md.
#   ebh/translations/update.sh                  extract -> update -> compile -> report
#   ebh/translations/update.sh extract FILE     only extract into FILE (used by tests/test_i18n.py)
set -eu
cd "$(dirname "$0")/../.."
BIN=${BIN:-.venv/bin}
DIR=ebh/translations
MODE=${1:-all}
POT="$DIR/messages.pot"
if [ "$MODE" = extract ]; then POT=$2; fi

# Default keywords (_, gettext, ngettext, pgettext, ...) plus the lazy variants used in forms/enums.
"$BIN/pybabel" -q extract -F "$DIR/babel.cfg" \
    -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
    --add-comments=TRANSLATORS: --add-location=file --sort-output --no-wrap \
    --project=ebh --copyright-holder="ebh contributors" \
    -o "$POT" .
if [ "$MODE" = extract ]; then exit 0; fi
if [ -f "$DIR/en/LC_MESSAGES/messages.po" ]; then
    "$BIN/pybabel" -q update -i "$DIR/messages.pot" -d "$DIR" -l en --no-wrap --ignore-obsolete
else
    "$BIN/pybabel" -q init -i "$DIR/messages.pot" -d "$DIR" -l en --no-wrap
fi
"$BIN/pybabel" -q compile -d "$DIR" -l en
"$BIN/python" - "$DIR/en/LC_MESSAGES/messages.po" <<'EOF'
import sys
from babel.messages.pofile import read_po

with open(sys.argv[1], "rb") as handle:
    catalog = read_po(handle)
messages = [m for m in catalog if m.id]
def first(m):
    return m.id[0] if isinstance(m.id, tuple) else m.id
todo = [m for m in messages if not all(m.string if isinstance(m.string, tuple) else [m.string])]
fuzzy = [m for m in messages if m.fuzzy]
print(f"{len(messages)} msgids, {len(todo)} untranslated, {len(fuzzy)} fuzzy")
for label, group in (("untranslated", todo), ("fuzzy", fuzzy)):
    for m in group:
        print(f"  {label}: {first(m)!r}")
EOF
