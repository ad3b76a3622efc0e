"""Searching text as people type it: without regard to case or diacritics, on PostgreSQL and
SQLite alike ("obcansky" finds "Občanský průkaz").

`Folded(column)` is the column as `text.fold` would give it, computed by the database:

- PostgreSQL: `translate(lower(column), <letters with diacritics>, <their base letters>)`, an
  immutable expression, so a trigram (GIN `gin_trgm_ops`) index on exactly this expression serves
  `LIKE '%…%'` among millions of rows (`folded_trigram_index_sql`).
- SQLite: the Python `fold` registered on every connection as `vik_fold` (SQLite scans; its
  installations are small).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Func, TextField

from .text import fold

# Every letter of Latin-1 and Latin Extended-A that folds to one ASCII letter (Czech, Slovak,
# German, Polish, Hungarian… names), both cases: the database's lower() may know only ASCII.
_FOLDABLE = "".join(
    chr(code)
    for code in range(0xC0, 0x180)
    if len(fold(chr(code))) == 1 and fold(chr(code)).isascii() and fold(chr(code)).isalpha()
)
_FOLDED = "".join(fold(letter) for letter in _FOLDABLE)

SQLITE_FUNCTION = "vik_fold"


class Folded(Func):
    """The expression, lower-case and without diacritics (see the module's docstring)."""

    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template=f"translate(lower(%(expressions)s), '{_FOLDABLE}', '{_FOLDED}')",
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)


def folded_sql(column: str) -> str:
    """`Folded` of a column, as PostgreSQL gets it (for an index on the same expression)."""
    return f"translate(lower({column}), '{_FOLDABLE}', '{_FOLDED}')"


def folded_trigram_index_sql(*, name: str, table: str, column: str, where: str = "") -> str:
    """CREATE INDEX of the trigrams of `Folded(column)` (needs the pg_trgm extension), of the
    rows `where` holds (SQL; empty: every row)."""
    return (
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
        f"USING gin (({folded_sql(column)}) gin_trgm_ops)" + (f" WHERE {where}" if where else "")
    )


def _sqlite_fold(value: str | None) -> str | None:
    return None if value is None else fold(value)


def register_sqlite_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Connected to `connection_created` by the core app: SQLite learns `vik_fold`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _sqlite_fold, deterministic=True)
