"""The input policy of ``lianxi.core.text`` for the API's schemas (issue 17, "text at one
boundary"; GB/T 22239 8.1.4.x 数据完整性).

Every text field of an input schema is annotated with what it holds and how long it may be::

    title: Annotated[str, Line(200)]
    description: Annotated[str, Paragraph(20000)] = ""
    source_url: Annotated[str, Link(300)] = ""
    deadline: Annotated[date, Day()] | None = None
    starts_at: Annotated[datetime, Day()]

A value that breaks the policy is a 422 in the API's usual shape (``{"detail": …, "errors":
[…]}``, see ``errors.py``): its ``loc`` names the field, its ``msg`` says in Chinese what is wrong.
``test_text_policy`` fails on an input schema or query parameter with a bare ``str``, ``date`` or
``datetime``, so a new endpoint cannot forget.

Why the API refuses a line break in a one-line field rather than folding it into a space (as
``one_line`` does for outputs): the caller is a program that can be told, once, and fixed; a
silent rewrite would store a title the sender never wrote, and an idempotent retry of the same
report would then compare unequal to what the sender keeps. The same limits are written into the
OpenAPI schema (``maxLength``, ``pattern``), so a client can check before sending.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from lianxi.core.text import MINUTES_MAX, PARAGRAPH_MAX, Kind, date_problem, text_problem

__all__ = ["MINUTES_MAX", "PARAGRAPH_MAX", "Day", "Line", "Link", "Paragraph", "TextRule"]

# The same rules as lianxi.core.text, for the OpenAPI schema (ECMA-262 regular expressions).
_ALWAYS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufffe\\uffff"
_LINE = _ALWAYS + "\\u0009\\u000a\\u000d\\u2028\\u2029"
PATTERNS: dict[str, str] = {
    "line": f"^[^{_LINE}]*$",
    "paragraph": f"^[^{_ALWAYS}]*$",
    "link": f"^(?:[hH][tT][tT][pP][sS]?://[^\\s/?#{_ALWAYS}]+[^\\s{_ALWAYS}]*)?$",
}
DATE_PATTERN = "^(?:20[0-9]{2}|2100)-"


@dataclass(frozen=True)
class TextRule:
    """Annotation metadata: the text's kind and its longest length, checked after pydantic's own
    str validation (a value over the length is refused, never cut)."""

    max_length: int
    kind: ClassVar[Kind] = "line"

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["maxLength"] = self.max_length
        json_schema["pattern"] = PATTERNS[self.kind]
        return json_schema

    def check(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        problem = text_problem(value, self.kind)
        if problem is None and len(value) > self.max_length:
            problem = f"不能超过 {self.max_length} 个字（现为 {len(value)} 个字）。"
        if problem is not None:
            raise PydanticCustomError("text_policy", problem)
        return value


@dataclass(frozen=True)
class Line(TextRule):
    """One line: no line break, tab or control character."""

    kind: ClassVar[Kind] = "line"


@dataclass(frozen=True)
class Paragraph(TextRule):
    """Paragraphs: line breaks and tabs kept, no other control character."""

    kind: ClassVar[Kind] = "paragraph"


@dataclass(frozen=True)
class Link(TextRule):
    """An absolute http(s) address, or empty."""

    kind: ClassVar[Kind] = "link"


@dataclass(frozen=True)
class Day:
    """A date or a time within 2000-01-01 … 2100-12-31."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = DATE_PATTERN
        return json_schema

    def check(self, value: Any) -> Any:
        if isinstance(value, date | datetime):
            problem = date_problem(value)
            if problem is not None:
                raise PydanticCustomError("date_range", problem)
        return value
