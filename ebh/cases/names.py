"""Folding of names for search: case-, accent- and transliteration-tolerant.

"Müller", "Mueller" and "MULLER" all fold to "muller"; "Yılmaz" and "Yilmaz" to "yilmaz";
"Çelik"/"Celik" to "celik", "Şahin"/"Sahin" to "sahin". The same folding is applied to stored
names (search tokens) and to the query, so a prefix of a folded token finds the person.
"""
from __future__ import annotations

import re
import unicodedata

#: Letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL = str.maketrans({
    "ß": "ss", "ẞ": "ss", "ı": "i", "İ": "i", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
    "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ħ": "h",
    "'": "", "’": "", "ʼ": "", "`": "", "´": "", "ʿ": "", "ʾ": "",
})
#: German umlaut transcriptions (Mueller = Müller); applied after accents are stripped.
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Fold a name or query to lower-case ASCII without accents and umlaut transcriptions."""
    text = text.translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = ascii_text.translate(_SPECIAL)
    for digraph, single in _DIGRAPHS:
        ascii_text = ascii_text.replace(digraph, single)
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def tokens(*names: str) -> set[str]:
    """Return the distinct folded words of the given names (search tokens of a person)."""
    result: set[str] = set()
    for name in names:
        if name:
            result.update(word for word in fold(name).split() if word)
    return result
