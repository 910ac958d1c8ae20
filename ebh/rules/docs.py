"""Generated documentation: the fact catalogue (docs/facts.md), written by ``ebh rules facts-doc``."""
from __future__ import annotations

from ebh.rules.expr import FUNCTIONS
from ebh.rules.facts import CATALOGUE

_HEADER = """# Fakten-Katalog (generiert)

Diese Datei wird von `ebh rules facts-doc` aus `ebh/rules/facts.py` erzeugt; nicht von Hand ändern
(ein Test prüft, dass sie aktuell ist). Regeldateien (`rules/*.toml`) dürfen nur diese Namen, `as_of`
(den Stichtag) und die Funktionen unten verwenden; siehe docs/rules.md.

Typen: `bool` (wahr/falsch), `int` (ganze Zahl), `date` (Datum), `str` (Text/Code). Jeder Fakt kann
*unbekannt* sein; dann ist jedes Kriterium, das von ihm abhängt, `unknown`, und das Ergebnis
`undetermined` (nie geraten). Alle Fakten gelten zum Stichtag `as_of`.
"""


def facts_markdown() -> str:
    lines = [_HEADER, "| Fakt | Typ | Bedeutung | Ableitung | Quelle im Fall |", "|---|---|---|---|---|"]
    for fact in CATALOGUE:
        cells = [f"`{fact.name}`", fact.type, fact.meaning, fact.derivation, f"`{fact.source}`"]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", "## Funktionen", "", "| Funktion | Bedeutung |", "|---|---|"]
    for name, fn in FUNCTIONS.items():
        lines.append(f"| `{name}()` | {fn.doc} |")
    return "\n".join(lines) + "\n"
