"""HTML and SVG, parsed with the standard library's ``html.parser`` (no regex over markup).

Two views of a document:

* its tables (pandas DataFrames and Stylers render as ``<table>``): header rows, and body
  rows whose ``<th>`` cells are the index and ``<td>`` cells the values;
* a normalized token stream of everything else, one line per tag or text run: attributes
  sorted, ids renamed by order of first appearance (matplotlib SVG clip-path ids and Styler
  ``T_<uuid>`` ids change every run), comments, ``<style>``, ``<script>`` and SVG
  ``<metadata>`` (creation dates, versions) dropped.

Styles are therefore not compared: a table's values are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Cell", "Document", "Table", "parse_markup"]

_SKIP_CONTENT = {"style", "script", "metadata"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_REF = re.compile(r"(url\(#|^#)([^)\s\"']+)")
_WS = re.compile(r"\s+")


@dataclass
class Cell:
    text: str
    header: bool  # <th>: a column label or an index label


@dataclass
class Table:
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        """The last header row's labels (pandas puts the column names there)."""
        return [c.text for c in self.head[-1]] if self.head else []

    def shape(self) -> tuple[int, int]:
        return len(self.body), max((len(r) for r in self.body), default=0)


@dataclass
class Document:
    tables: list[Table]
    text: str  # the normalized token stream outside tables


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.tokens: list[str] = []
        self._ids: dict[str, str] = {}
        self._skip_depth = 0
        self._table_depth = 0
        self._in_head = False
        self._row: list[Cell] | None = None
        self._cell: list[str] | None = None
        self._cell_header = False

    def _canonical(self, name: str) -> str:
        if name not in self._ids:
            self._ids[name] = f"id{len(self._ids) + 1}"
        return self._ids[name]

    def _attr(self, key: str, value: str | None) -> str:
        value = value or ""
        if key == "id":
            return f'id="{self._canonical(value)}"'
        value = _REF.sub(lambda m: m.group(1) + self._canonical(m.group(2)), value)
        return f'{key}="{_WS.sub(" ", value).strip()}"'

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth or tag in _SKIP_CONTENT:
            if tag not in _VOID:
                self._skip_depth += 1
            return
        if tag == "table":
            self._table_depth += 1
            if self._table_depth == 1:
                self.tables.append(Table())
                self.tokens.append(f"<table #{len(self.tables)}>")
                return
        if self._table_depth == 1:
            self._table_start(tag)
            return
        if self._table_depth:
            return
        parts = [self._attr(k, v) for k, v in sorted(attrs, key=lambda kv: kv[0])]
        self.tokens.append("<" + " ".join([tag, *parts]) + ">")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            if tag not in _VOID:
                self._skip_depth -= 1
            return
        if tag == "table" and self._table_depth:
            self._table_depth -= 1
            if self._table_depth == 0:
                self._close_row()
            return
        if self._table_depth == 1:
            self._table_end(tag)
            return
        if self._table_depth or tag in _VOID:
            return
        self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._cell is not None:
            self._cell.append(data)
            return
        if self._table_depth:
            return
        text = _WS.sub(" ", data).strip()
        if text:
            self.tokens.append(text)

    # -- tables -------------------------------------------------------------------------------
    def _table_start(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._close_row()
            self._row = []
        elif tag in ("td", "th"):
            self._close_cell()
            if self._row is None:
                self._row = []
            self._cell = []
            self._cell_header = tag == "th"

    def _table_end(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            self._close_row()
        elif tag == "thead":
            self._close_row()
            self._in_head = False

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(Cell(_WS.sub(" ", "".join(self._cell)).strip(), self._cell_header))
        self._cell = None

    def _close_row(self) -> None:
        self._close_cell()
        if self._row is not None and self.tables:
            table = self.tables[-1]
            (table.head if self._in_head else table.body).append(self._row)
        self._row = None


def parse_markup(markup: str) -> Document:
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return Document(parser.tables, "\n".join(parser.tokens))
