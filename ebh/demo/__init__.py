"""``ebh demo``: synthetic, realistic demo data – 300 persons for ``make run``, 1,000,000 for the benchmarks.

What it makes (all synthetic, see :mod:`ebh.demo.data`): offices (EBH, ABH, both) with users of every role;
households of many origins with spelling variants (PersonAlias) and search tokens; residence histories
that follow real paths (Gestattung → Duldung → § 104c → § 25b; student → § 16b → § 18b → § 18c; EU
free movement; Duldung § 60b ...); language certificates, civic tests, livelihood, a few convictions,
school records; cases of every type in every status of :mod:`ebh.cases.workflow` with status history,
document checklist, fees, security checks, notes and co-applicant cases.

How it is fast: rows are built as tuples with precomputed ids (no ORM object per row) and written with
the driver's bulk path – ``executemany`` on SQLite, ``COPY`` on PostgreSQL – in chunks, inside **one
transaction**: an interrupted load leaves nothing behind. When the tables are empty and the load is
large, secondary indexes are dropped before and rebuilt after the load (same transaction), which is
much faster than maintaining them row by row. One summary audit event is written, not one per row.
The same seed (and reference date) always gives the same data.

Modules: :mod:`.data` (vocabulary), :mod:`.generator` (rows household by household),
:mod:`.load` (bulk load into one transaction), :mod:`.cli` (the ``ebh demo`` command).
"""
