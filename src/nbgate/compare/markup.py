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


# Plain markup (pandas and Styler tables): tags with double-quoted attributes and nothing that
# HTMLParser treats specially. ``[ \t\n\r\f]`` is the whitespace that ends HTMLParser's tag
# names; a wider class (\s) would read "<td\x0bx>" differently.
_SPACE = r"[ \t\n\r\f]"
_NAME = r"[a-zA-Z_:][-a-zA-Z0-9_:.]*"
_SIMPLE_TAG = re.compile(rf'(/?)([a-zA-Z][a-zA-Z0-9]*)((?:{_SPACE}+{_NAME}(?:="[^"<>&]*")?)*){_SPACE}*')
_SIMPLE_ATTR = re.compile(rf'{_SPACE}+({_NAME})(?:="([^"<>&]*)")?')
# Elements HTMLParser parses like any other (no script/style raw text, no RCDATA).
_SIMPLE_ELEMENTS = frozenset({
    "div", "span", "p", "b", "i", "em", "strong", "small", "sub", "sup", "code", "br",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
})  # fmt: skip


def parse_markup(markup: str) -> Document:
    parser = _Parser()
    if not _feed_simple(parser, markup):
        parser = _Parser()
        parser.feed(markup)
        parser.close()
    return Document(parser.tables, "\n".join(parser.tokens))


def _feed_simple(parser: _Parser, markup: str) -> bool:
    """Feed ``parser`` the events HTMLParser would produce, for plain markup only; ``False`` (the
    parser half fed, to be discarded) as soon as the markup is anything else.

    HTMLParser's general tokenizer costs about ten regex steps and as many Python calls per tag,
    the bulk of comparing a table that differs. For plain markup its events are simple: the
    text between tags as one data event each (charrefs need ``&``, excluded), ``<name attrs>``
    as a start tag with lower-cased names and unquoted values, ``</name>`` as an end tag.
    """
    if "&" in markup or "\x00" in markup:
        return False
    chunks = markup.split("<")
    if chunks[0]:
        parser.handle_data(chunks[0])
    for chunk in chunks[1:]:
        tag, gt, data = chunk.partition(">")
        m = _SIMPLE_TAG.fullmatch(tag) if gt else None
        if m is None:
            return False
        end, name, attrs = m.group(1, 2, 3)
        name = name.lower()
        if name not in _SIMPLE_ELEMENTS:
            return False
        if not end:
            pairs = [(a.group(1).lower(), a.group(2)) for a in _SIMPLE_ATTR.finditer(attrs)]
            parser.handle_starttag(name, pairs)
        elif attrs:
            return False
        else:
            parser.handle_endtag(name)
        if data:
            parser.handle_data(data)
    return True
