"""One error type for everything a user did wrong, raised by services and shown by views."""
from __future__ import annotations

from typing import Any


class UserError(ValueError):
    """Bad input or a refused action; ``field`` names the form field the message belongs to (None: whole form).

    ``message`` is already translated (raise with ``gettext``/``lazy_gettext``), so the English UI
    never shows a German-only literal.
    """

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class ConflictError(UserError):
    """The row was changed by someone else since the form was loaded (optimistic locking)."""
