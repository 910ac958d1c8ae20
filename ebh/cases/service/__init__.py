"""The only writers of persons, cases and their details: :mod:`.persons` (persons, family links),
:mod:`.records` (a person's fact records and livelihood) and :mod:`.cases` (cases, status, documents,
fees, security checks, notes, timeline).

Every function takes the acting user first, checks role (:data:`CASE_ROLES`) and office (objects of
another office are 404), validates *before* changing anything (bad input raises
:class:`ebh.kit.errors.UserError` naming the field and leaves the session untouched), flushes, writes
audit events (German summaries with ids and file numbers only) and sends ``case_changed``/``person_changed``.
Nothing here commits: the request, CLI command or job does. Callers use ``from ebh.cases import service``.
"""
from ebh.cases.service.cases import (
    add_document,
    add_fee,
    add_note,
    answer_security_check,
    assign_case,
    change_status,
    create_case,
    get_case,
    office_caseworkers,
    pay_fee,
    receive_document,
    reduce_fee,
    request_document,
    request_security_check,
    timeline,
    update_case,
)
from ebh.cases.service.common import require_case_role
from ebh.cases.service.persons import (
    PERSON_TEXT_FIELDS,
    add_family_link,
    create_person,
    get_person,
    remove_family_link,
    update_person,
)
from ebh.cases.service.records import (
    RECORD_KINDS,
    add_record,
    delete_record,
    get_record,
    set_livelihood,
    update_record,
)
from ebh.kit.errors import ConflictError, UserError

#: Kept until the remaining ``except service.ValidationError`` callers use :class:`UserError` (issue 8).
ValidationError = UserError

__all__ = [
    "PERSON_TEXT_FIELDS", "RECORD_KINDS", "ConflictError", "ValidationError", "add_document", "add_family_link",
    "add_fee", "add_note", "add_record", "answer_security_check", "assign_case", "change_status", "create_case",
    "create_person", "delete_record", "get_case", "get_person", "get_record", "office_caseworkers", "pay_fee",
    "receive_document", "reduce_fee", "remove_family_link", "request_document", "request_security_check",
    "require_case_role", "set_livelihood", "timeline", "update_case", "update_person", "update_record",
]
