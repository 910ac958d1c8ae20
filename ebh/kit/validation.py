"""Readers for service input: each takes the submitted ``data`` mapping, a key and the field's label,
returns the cleaned value (or ``current`` when the key is absent) and raises
:class:`~ebh.kit.errors.UserError` naming the field, with a translated message, when the value is bad.

Services validate everything *before* changing anything, so a refused form leaves the session untouched.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _

from ebh.kit.errors import UserError

#: Earliest plausible date anywhere (birth, entry, certificates).
MIN_DATE = dt.date(1900, 1, 1)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINE = re.compile(r"[\r\n]")


def read_text(data: Mapping[str, Any], key: str, label: Any, max_len: int, *, required: bool = False,
              multiline: bool = False, current: str = "") -> str:
    """A string field: stripped, bounded, without control characters (nor line breaks unless ``multiline``)."""
    value = data.get(key, current)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise UserError(_("Bitte %(label)s angeben.", label=label), key)
    if len(value) > max_len:
        raise UserError(_("%(label)s darf höchstens %(n)s Zeichen lang sein.", label=label, n=max_len), key)
    if _CONTROL.search(value) or (not multiline and _NEWLINE.search(value)):
        raise UserError(_("%(label)s enthält unzulässige Steuerzeichen.", label=label), key)
    return value


def read_date(data: Mapping[str, Any], key: str, label: Any, *, required: bool = False,
              earliest: dt.date | None = MIN_DATE, earliest_label: str | None = None,
              latest: dt.date | None = None, latest_label: str | None = None,
              current: dt.date | None = None) -> dt.date | None:
    """A date field within [earliest, latest]; the labels name the bounds in the message (default: the date)."""
    value = data.get(key, current)
    if value in (None, ""):
        if required:
            raise UserError(_("Bitte %(label)s angeben.", label=label), key)
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise UserError(_("%(label)s ist kein gültiges Datum.", label=label), key)
    if earliest is not None and value < earliest:
        bound = earliest_label or earliest.strftime("%d.%m.%Y")
        raise UserError(_("%(label)s darf nicht vor %(bound)s liegen.", label=label, bound=bound), key)
    if latest is not None and value > latest:
        bound = latest_label or latest.strftime("%d.%m.%Y")
        raise UserError(_("%(label)s darf nicht nach %(bound)s liegen.", label=label, bound=bound), key)
    return value


def read_int(data: Mapping[str, Any], key: str, label: Any, low: int, high: int, *, required: bool = False,
             current: int | None = None) -> int | None:
    """A whole number within [low, high]."""
    value = data.get(key, current)
    if value in (None, ""):
        if required:
            raise UserError(_("Bitte %(label)s angeben.", label=label), key)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            raise UserError(_("%(label)s muss eine ganze Zahl sein.", label=label), key) from None
    if not low <= value <= high:
        raise UserError(
            _("%(label)s muss zwischen %(low)s und %(high)s liegen.", label=label, low=low, high=high), key
        )
    return value


def read_bool(data: Mapping[str, Any], key: str, current: bool | None = None, *,
              tristate: bool = False) -> bool | None:
    """A yes/no field; with ``tristate`` a missing answer stays ``None`` ("not known")."""
    value = data.get(key, current)
    if value is None:
        return None if tristate else False
    return bool(value)


def read_choice(data: Mapping[str, Any], key: str, label: Any, choices: Iterable[str], *,
                current: str | None = None, required: bool = True) -> str | None:
    """One of ``choices`` (an enum member counts by its value)."""
    value = data.get(key, current)
    value = getattr(value, "value", value)
    if value in (None, "") and not required:
        return None
    if value not in set(choices):
        raise UserError(_("Bitte einen gültigen Wert für %(label)s wählen.", label=label), key)
    return value


def years_ahead(years: int, today: dt.date) -> dt.date:
    """The same calendar day ``years`` later (28 February for 29 February), a plausibility bound."""
    if today.month == 2 and today.day == 29:
        return dt.date(today.year + years, 2, 28)
    return today.replace(year=today.year + years)
