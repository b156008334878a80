"""Row filters for trade tables: a small expression language, never raw SQL.

``where=`` (and the CLI's ``--where``) takes conditions on the table's columns::

    importer <> 'CHN'
    value > 100 and (exporter = 'DEU' or exporter = 'FRA')
    product in ('870323', '870324') and not flow = 'export'
    quantity is null

Grammar (keywords in any case)::

    expr       := term ("or" term)*
    term       := factor ("and" factor)*
    factor     := "not" factor | "(" expr ")" | comparison
    comparison := column op literal
                | column ["not"] "in" "(" literal ("," literal)* ")"
                | column "between" literal "and" literal
                | column "is" ["not"] "null"
                | column ["not"] "like" string
    op         := "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
    column     := a name among the table's columns (bare or "double-quoted")
    literal    := 'single-quoted string' (quote doubled inside) | finite number | true | false

:func:`parse_filter` checks the text against this grammar and the column
names, and returns an expression tree; :meth:`Filter.sql` writes it back as SQL
from quoted identifiers and literals only, so a filter can select rows but
cannot call a function, read a file or run a second statement.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from ..errors import ParameterError

__all__ = ["Filter", "parse_filter"]

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>'(?:[^']|'')*')
    | (?P<qid>"(?:[^"]|"")+")
    | (?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![\w.]))
    | (?P<op><>|!=|<=|>=|==|=|<|>)
    | (?P<punct>[(),])
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""", re.X)
_KEYWORDS = {"and", "or", "not", "in", "is", "null", "between", "like", "true", "false"}
_OPS = {"=": "=", "==": "=", "!=": "<>", "<>": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _lit(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Filter:
    """A parsed row filter (an expression tree); :meth:`sql` renders it."""

    kind: str  # "cmp", "in", "between", "null", "like", "and", "or", "not"
    column: str = ""
    op: str = ""
    values: tuple = ()
    parts: tuple["Filter", ...] = ()
    negated: bool = False

    def sql(self) -> str:
        """The filter as a SQL condition built only from quoted identifiers and literals."""
        k = self.kind
        if k in ("and", "or"):
            return "(" + f" {k.upper()} ".join(p.sql() for p in self.parts) + ")"
        if k == "not":
            return f"(NOT {self.parts[0].sql()})"
        col = _ident(self.column)
        if k == "cmp":
            return f"({col} {self.op} {_lit(self.values[0])})"
        if k == "in":
            return f"({col} {'NOT IN' if self.negated else 'IN'} ({', '.join(_lit(v) for v in self.values)}))"
        if k == "between":
            return f"({col} BETWEEN {_lit(self.values[0])} AND {_lit(self.values[1])})"
        if k == "null":
            return f"({col} IS {'NOT ' if self.negated else ''}NULL)"
        return f"({col} {'NOT LIKE' if self.negated else 'LIKE'} {_lit(self.values[0])})"

    @property
    def columns(self) -> set[str]:
        """The columns the filter reads."""
        if self.parts:
            return set().union(*(p.columns for p in self.parts))
        return {self.column}


class _Parser:
    def __init__(self, text: str, columns: Sequence[str], func: str) -> None:
        self.text = text
        self.columns = list(columns)
        self.func = func
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                self.fail(f"unexpected character {text[pos:].lstrip()[:1]!r}", pos)
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.i = 0

    def fail(self, what: str, pos: int | None = None) -> None:
        at = f" at position {pos + 1}" if pos is not None else " at the end"
        raise ParameterError(
            f"The 'where' parameter of {self.func} must be a filter such as \"value > 100 and importer <> 'CHN'\" "
            f"(column, operator, literal; and/or/not, in (...), between, is null, like). "
            f"Got {self.text!r} instead: {what}{at}.")

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def word(self, *words: str) -> bool:
        t = self.peek()
        if t and t[0] == "word" and t[1].lower() in words:
            self.i += 1
            return True
        return False

    def expect_punct(self, p: str) -> None:
        t = self.peek()
        if not t or t[0] != "punct" or t[1] != p:
            self.fail(f"expected {p!r}", t[2] if t else None)
        self.i += 1

    def parse(self) -> Filter:
        if not self.tokens:
            self.fail("the filter is empty", 0)
        out = self.expr()
        t = self.peek()
        if t is not None:
            self.fail(f"unexpected {t[1]!r}", t[2])
        return out

    def expr(self) -> Filter:
        parts = [self.term()]
        while self.word("or"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else Filter("or", parts=tuple(parts))

    def term(self) -> Filter:
        parts = [self.factor()]
        while self.word("and"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else Filter("and", parts=tuple(parts))

    def factor(self) -> Filter:
        if self.word("not"):
            return Filter("not", parts=(self.factor(),))
        t = self.peek()
        if t and t[0] == "punct" and t[1] == "(":
            self.i += 1
            inner = self.expr()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def column(self) -> str:
        t = self.peek()
        if t is None:
            self.fail("expected a column name")
        kind, text, pos = t  # type: ignore[misc]
        if kind == "qid":
            name = text[1:-1].replace('""', '"')
        elif kind == "word" and text.lower() not in _KEYWORDS:
            name = text
        else:
            self.fail(f"expected a column name, found {text!r}", pos)
        if name not in self.columns:
            self.fail(f"{name!r} is not a column (columns: {', '.join(self.columns)})", pos)
        self.i += 1
        return name

    def literal(self) -> object:
        t = self.peek()
        if t is None:
            self.fail("expected a value")
        kind, text, pos = t  # type: ignore[misc]
        self.i += 1
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            v = float(text)
            if not math.isfinite(v):
                self.fail(f"the number {text} is not finite", pos)
            return int(text) if re.fullmatch(r"[+-]?\d+", text) else v
        if kind == "word" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        self.fail(f"expected a quoted string or a number, found {text!r}", pos)
        return None  # pragma: no cover

    def comparison(self) -> Filter:
        col = self.column()
        t = self.peek()
        if t and t[0] == "op":
            self.i += 1
            return Filter("cmp", col, _OPS[t[1]], (self.literal(),))
        neg = self.word("not")
        if self.word("in"):
            self.expect_punct("(")
            vals = [self.literal()]
            while (p := self.peek()) and p[0] == "punct" and p[1] == ",":
                self.i += 1
                vals.append(self.literal())
            self.expect_punct(")")
            return Filter("in", col, values=tuple(vals), negated=neg)
        if self.word("like"):
            v = self.literal()
            if not isinstance(v, str):
                self.fail("like takes a quoted pattern", None)
            return Filter("like", col, values=(v,), negated=neg)
        if neg:
            self.fail("expected 'in' or 'like' after 'not'", t[2] if t else None)
        if self.word("between"):
            lo = self.literal()
            if not self.word("and"):
                self.fail("expected 'and' in between ... and ...", None)
            return Filter("between", col, values=(lo, self.literal()))
        if self.word("is"):
            neg = self.word("not")
            if not self.word("null"):
                self.fail("expected 'null' after 'is'", None)
            return Filter("null", col, negated=neg)
        self.fail("expected an operator (=, <>, <, <=, >, >=, in, between, is null, like)", t[2] if t else None)
        return None  # pragma: no cover


def parse_filter(text: str | Filter, columns: Sequence[str], func: str = "TradeTable.filter") -> Filter:
    """Parse a ``where`` text into a :class:`Filter` over *columns*.

    Raises
    ------
    ParameterError
        The text is not in the grammar of the module docstring, or names a
        column the table does not have.

    Examples
    --------
    >>> from valuechain.trade import parse_filter
    >>> parse_filter("value > 100 and importer <> 'CHN'", ["importer", "value"]).sql()
    '(("value" > 100) AND ("importer" <> \\'CHN\\'))'
    >>> parse_filter("value > 1; DROP TABLE x", ["value"])
    Traceback (most recent call last):
    ...
    valuechain.errors.ParameterError: The 'where' parameter of TradeTable.filter must be a filter such as ...
    """
    if isinstance(text, Filter):
        missing = text.columns - set(columns)
        if missing:
            raise ParameterError(f"The 'where' parameter of {func} reads column(s) {sorted(missing)} that the "
                                 f"table does not have (columns: {', '.join(columns)}).")
        return text
    if not isinstance(text, str):
        raise ParameterError(f"The 'where' parameter of {func} must be a filter string such as \"value > 100\". "
                             f"Got {text!r} instead.")
    return _Parser(text, columns, func).parse()
