"""The few JSON and time-zone expressions statistics need, for SQLite and for PostgreSQL.

Field keys go in as bound parameters, never into the SQL text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, case, cast, func, literal
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import col

from runtime.models import Submission


class JsonSql:
    def __init__(self, dialect: str):
        self.postgresql = dialect == "postgresql"

    def _path(self, key: str) -> ColumnElement[Any]:
        return literal(f'$."{key}"', String)

    def _value(self, key: str) -> ColumnElement[Any]:
        return col(Submission.answers)[key]

    def scalar(self, key: str) -> ColumnElement[Any]:
        """The answer to `key` when it is a string, number or boolean."""
        if self.postgresql:
            return self._value(key).as_string()  # type: ignore[no-any-return]  # as_string() comes through the JSON comparator, untyped
        return func.json_extract(Submission.answers, self._path(key))

    def is_type(self, key: str, json_type: str) -> ColumnElement[bool]:
        """The answer to `key` is a JSON `array` or `object`."""
        if self.postgresql:
            return func.jsonb_typeof(self._value(key)) == json_type
        return func.json_type(Submission.answers, self._path(key)) == json_type

    def _guarded(self, key: str, json_type: str) -> ColumnElement[Any]:
        # PostgreSQL may call the set-returning function before the type test filters the
        # row out; an empty array or object then stands in for an answer of another shape.
        empty = literal("[]" if json_type == "array" else "{}", String)
        return case(
            (func.jsonb_typeof(self._value(key)) == json_type, self._value(key)),
            else_=cast(empty, JSONB),
        )

    def elements(self, key: str) -> Any:
        """The items of an array answer, one row each: `value`, and their place in it."""
        if self.postgresql:
            return (
                func.jsonb_array_elements_text(self._guarded(key, "array"))
                .table_valued("value", with_ordinality="position")
                .render_derived()
                .lateral()
            )
        return func.json_each(Submission.answers, self._path(key)).table_valued("key", "value")

    def rank(self, items: Any) -> ColumnElement[Any]:
        """1 for the first item of an array."""
        rank: ColumnElement[Any] = items.c.position if self.postgresql else items.c.key + 1
        return rank

    def members(self, key: str) -> Any:
        """The members of an object answer, one row each: `key` and `value` (as text)."""
        if self.postgresql:
            return func.jsonb_each_text(self._guarded(key, "object")).table_valued("key", "value").lateral()
        return func.json_each(Submission.answers, self._path(key)).table_valued("key", "value")

    def local_day_bucket(self, column: Any, timezone: str) -> ColumnElement[Any]:
        """Something to group moments by that maps to one calendar day in `timezone`.

        PostgreSQL converts time zones itself. SQLite cannot, so moments are grouped by UTC
        quarter of an hour (every time zone's offset is a multiple of 15 minutes), a few
        thousand groups at most, each then placed on its local day.
        """
        if self.postgresql:
            return func.date(func.timezone(timezone, column))
        return func.printf(
            "%s:%02d",
            func.substr(column, 1, 13),
            cast(func.substr(column, 15, 2), Integer) / 15 * 15,
        )

    def bucket_day(self, bucket: Any, zone: dt.tzinfo) -> dt.date:
        if isinstance(bucket, dt.date):
            return bucket
        moment = dt.datetime.strptime(str(bucket), "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC)
        return moment.astimezone(zone).date()
