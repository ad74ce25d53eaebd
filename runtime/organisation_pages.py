"""The addresses below an organisation's that are its own pages, never a procedure's."""

from __future__ import annotations

from runtime.legal import PAGES as LEGAL_PAGES

FIND_REQUESTS = "mes-demandes"  # where a citizen gets the links of their requests mailed
RESERVED = frozenset({*LEGAL_PAGES, FIND_REQUESTS})
