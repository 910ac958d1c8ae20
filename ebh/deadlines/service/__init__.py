"""Deadline services, the only writers of deadline data: :mod:`.recompute` (derived deadlines, reminders,
``Case.due_on``), :mod:`.actions` (Wiedervorlage, done, snooze, closing days), :mod:`.queries` (case panel,
inbox, supervisor lists) and :mod:`.feeds` (iCal tokens, reminder mail preference).

They ``flush()`` and never commit; the request, CLI command or scheduler job commits. Callers use
``from ebh.deadlines import service`` and ``service.<name>``.
"""
from ebh.deadlines.service.actions import (
    DeadlineError,
    add_closing_days,
    add_wiedervorlage,
    delete_closing_day,
    list_closing_days,
    load_case,
    load_closing_day,
    load_deadline,
    load_reminder,
    mark_done,
    parse_closing_days,
    require_case_role,
    retry_reminder,
    snooze,
)
from ebh.deadlines.service.feeds import (
    active_feed_token,
    create_feed_token,
    email_mode,
    feed_deadlines,
    revoke_feed_tokens,
    set_email_mode,
    user_for_feed_token,
)
from ebh.deadlines.service.queries import (
    case_deadlines,
    cases_past_vwgo75,
    inbox,
    office_overdue,
    reminder_problems,
)
from ebh.deadlines.service.recompute import (
    RecomputeStats,
    iter_case_id_chunks,
    on_case_changed,
    on_person_changed,
    recompute_case,
    recompute_cases,
    sync_reminders_for_cases,
)

__all__ = [
    "DeadlineError", "RecomputeStats", "active_feed_token", "add_closing_days", "add_wiedervorlage",
    "case_deadlines", "cases_past_vwgo75", "create_feed_token", "delete_closing_day", "email_mode",
    "feed_deadlines", "inbox", "iter_case_id_chunks", "list_closing_days", "load_case", "load_closing_day",
    "load_deadline", "load_reminder", "mark_done", "office_overdue", "on_case_changed", "on_person_changed",
    "parse_closing_days", "recompute_case", "recompute_cases", "reminder_problems", "require_case_role",
    "retry_reminder", "revoke_feed_tokens", "set_email_mode", "snooze", "sync_reminders_for_cases",
    "user_for_feed_token",
]
