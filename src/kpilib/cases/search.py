"""The case library's full-text search in the database's own engine, with Chinese cut by
jieba when a case is written (and when a query is read).

SQLite: an FTS5 table `cases_case_fts` (rowid = the case's id) that the services keep in
step with `Case.search_text`. PostgreSQL: `to_tsvector('simple', search_text)` with a GIN
index (migration 0002); the 'simple' configuration leaves jieba's words as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection

FTS_TABLE = "cases_case_fts"
# Words that carry no meaning on their own: punctuation, spaces, single Latin letters.
_NOISE = re.compile(r"^[\W_]+$|^[A-Za-z]$")


def words(text: str) -> list[str]:
    """The search words of `text`: jieba's search cut, lower-cased, noise dropped."""
    import jieba

    return [
        word.lower()
        for word in jieba.cut_for_search(text or "")
        if word.strip() and not _NOISE.match(word.strip())
    ]


def index_text(parts: Iterable[str]) -> str:
    return " ".join(words(" ".join(part for part in parts if part)))


def index_store(case_id: int, text: str) -> None:
    """Keep the SQLite FTS table in step with a case's `search_text` (PostgreSQL reads the
    column itself)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [case_id])
        cursor.execute(f"INSERT INTO {FTS_TABLE} (rowid, search_text) VALUES (%s, %s)", [case_id, text])


def matching_ids(query: str) -> list[int] | None:
    """Ids of the cases whose text has every word of `query`, best match first; None for
    a query without words (everything matches)."""
    terms = list(dict.fromkeys(words(query)))
    if not terms:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rank", [match]
            )
        else:
            cursor.execute(
                "SELECT id FROM cases_case WHERE to_tsvector('simple', search_text) @@ "
                "plainto_tsquery('simple', %s) ORDER BY ts_rank(to_tsvector('simple', "
                "search_text), plainto_tsquery('simple', %s)) DESC, id DESC",
                [" ".join(terms), " ".join(terms)],
            )
        return [row[0] for row in cursor.fetchall()]
