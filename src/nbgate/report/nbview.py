"""A notebook made safe and small for the HTML report.

Notebook outputs are untrusted: they come from code the report's reader did not run. What
leaves this module is a list of cells whose every field is either plain text (escaped by the
template) or HTML that went through nbconvert's sanitizer (``SanitizeHTML``: bleach with a
tag/attribute/protocol allow-list, so no ``<script>``, no ``on*=`` handlers, no ``javascript:``
URLs). Rich HTML outputs are also rendered inside ``<iframe sandbox srcdoc=…>`` (no
``allow-scripts``, no ``allow-same-origin``) under the page's CSP: three fences, any one enough.

Size is bounded: long texts are cut with a note, oversized HTML falls back to its text form,
big images are dropped with a note, and a notebook's rendering stops at ``budget`` bytes.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbgate.redact import redact_notebook, redact_text
from nbgate.text import excerpt, strip_ansi

__all__ = ["CellView", "OutputView", "load_notebook", "notebook_view", "sanitize_html"]

MAX_TEXT = 8_000
MAX_SOURCE = 8_000
MAX_HTML = 60_000
MAX_IMAGE_BASE64 = 1_500_000
MAX_OUTPUTS = 30
NOTEBOOK_BUDGET = 1_500_000

_TAGS = [
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
]
_ATTRIBUTES = {
    "*": ["class", "title"],
    "a": ["href", "title"],
    "td": ["colspan", "rowspan", "class"],
    "th": ["colspan", "rowspan", "class"],
}
_SANITIZER: Any = None


def _sanitizer() -> Any:
    global _SANITIZER  # noqa: PLW0603 — built once: bleach compiles its allow-lists
    if _SANITIZER is None:
        from nbconvert.preprocessors.sanitize import SanitizeHTML

        _SANITIZER = SanitizeHTML(  # type: ignore[no-untyped-call]
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            strip=True,  # drop forbidden tags (keeping their text), rather than escaping them
            strip_comments=True,
            # SVG is shown through <img src="data:…">, where it can run nothing; the rest of
            # safe_output_keys is nbconvert's own list.
            safe_output_keys={
                "metadata",
                "text/plain",
                "text/latex",
                "application/json",
                "image/png",
                "image/jpeg",
                "image/svg+xml",
            },
        )
    return _SANITIZER


# Elements whose *content* is code, not text: removed whole (bleach's strip keeps inner text).
_CODE_ELEMENTS = re.compile(
    r"<(script|style|template|noscript)\b.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL
)


def sanitize_html(html: str) -> str:
    """HTML through nbconvert's sanitizer (bleach allow-list; links only http(s)/mailto)."""
    return str(_sanitizer().sanitize_html_tags(_CODE_ELEMENTS.sub("", html)))


@dataclass
class OutputView:
    kind: str  # text | stream | html | image | error | note
    text: str = ""
    html: str = ""  # sanitized
    src: str = ""  # data: URI
    name: str = ""  # stream name, MIME type
    height: int = 0  # iframe height (no script may size it)


@dataclass
class CellView:
    index: int
    cell_type: str
    source: str
    markdown_html: str = ""
    outputs: list[OutputView] = field(default_factory=list)
    execution_count: int | None = None
    failing: bool = False
    duration: float | None = None


def load_notebook(path: str | None, *, base: Path | None = None) -> Any:
    """The notebook at ``path`` (tried as given, then under ``base``), or ``None``."""
    if not path:
        return None
    import nbformat

    candidates = [Path(path)]
    if base is not None and not Path(path).is_absolute():
        candidates.append(base / path)
    for candidate in candidates:
        if candidate.is_file():
            try:
                return nbformat.read(str(candidate), as_version=4)  # type: ignore[no-untyped-call]
            except Exception:  # a broken notebook is reported without its rendering
                return None
    return None


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _text(value: str, limit: int = MAX_TEXT) -> str:
    return excerpt(strip_ansi(value), limit)


def _iframe_height(html: str) -> int:
    rows = len(re.findall(r"<(?:tr|p|li|br|h\d|div)\b", html))
    return max(60, min(600, 28 + 24 * rows))


def _markdown(source: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    try:
        html = markdown2html_mistune(source)
    except Exception:  # a markdown renderer crash must not lose the report
        return ""
    return sanitize_html(html)


def _rich(out: dict[str, Any]) -> OutputView:
    data = out.get("data") or {}
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            raw = _joined(data[mime]).replace("\n", "")
            if len(raw) > MAX_IMAGE_BASE64:
                return OutputView(
                    "note", text=f"{mime} image of {len(raw) * 3 // 4:,} bytes not shown (too large)"
                )
            if not re.fullmatch(r"[A-Za-z0-9+/=]*", raw):
                return OutputView("note", text=f"{mime} output is not valid base64: not shown")
            return OutputView("image", src=f"data:{mime};base64,{raw}", name=mime)
    if "image/svg+xml" in data:
        svg = _joined(data["image/svg+xml"])
        if len(svg) <= MAX_IMAGE_BASE64:
            encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
            return OutputView("image", src=f"data:image/svg+xml;base64,{encoded}", name="image/svg+xml")
    for mime in ("text/html", "text/markdown"):
        if mime in data:
            source = _joined(data[mime])
            if len(source) <= MAX_HTML:
                html = sanitize_html(source) if mime == "text/html" else _markdown(source)
                return OutputView("html", html=html, name=mime, height=_iframe_height(html))
            if "text/plain" not in data:
                return OutputView(
                    "note", text=f"{mime} output of {len(source):,} characters not shown (too large)"
                )
    if "text/plain" in data:
        return OutputView("text", text=_text(_joined(data["text/plain"])), name="text/plain")
    if "text/latex" in data:
        return OutputView("text", text=_text(_joined(data["text/latex"])), name="text/latex")
    if "application/json" in data:
        import json

        return OutputView(
            "text", text=_text(json.dumps(data["application/json"], indent=1)), name="application/json"
        )
    kinds = ", ".join(sorted(data)) or "no data"
    return OutputView("note", text=f"output not rendered ({kinds})")


def _outputs(cell: Any) -> list[OutputView]:
    views: list[OutputView] = []
    outputs = list(cell.get("outputs") or [])
    for out in outputs[:MAX_OUTPUTS]:
        kind = out.get("output_type")
        if kind == "stream":
            text = _joined(out.get("text", ""))
            if views and views[-1].kind == "stream" and views[-1].name == out.get("name"):
                # One block per run of the same stream, as a reader saw it.
                views[-1].text = _text(views[-1].text + text)
            else:
                views.append(OutputView("stream", text=_text(text), name=str(out.get("name", "stdout"))))
        elif kind == "error":
            tb = "\n".join(_joined(line) for line in out.get("traceback") or [])
            text = tb or f"{out.get('ename')}: {out.get('evalue')}"
            views.append(OutputView("error", text=_text(text), name=str(out.get("ename", ""))))
        elif kind in ("execute_result", "display_data"):
            views.append(_rich(out))
    if len(outputs) > MAX_OUTPUTS:
        views.append(OutputView("note", text=f"{len(outputs) - MAX_OUTPUTS} more outputs not shown"))
    return views


def _size(view: CellView) -> int:
    return (
        len(view.source)
        + len(view.markdown_html)
        + sum(len(o.text) + len(o.html) + len(o.src) for o in view.outputs)
    )


def notebook_view(
    nb: Any,
    *,
    failed_cell: int | None = None,
    durations: dict[int, float] | None = None,
    budget: int = NOTEBOOK_BUDGET,
) -> tuple[list[CellView], str]:
    """Cells ready for the template, and a note when the budget cut the rendering short."""
    nb = _copy(nb)
    redact_notebook(nb)
    # Each output is sanitized on its own once its size is known to be bounded (bleach on a
    # multi-megabyte table takes seconds); MIME types not rendered below are simply dropped.
    views: list[CellView] = []
    used = 0
    note = ""
    for index, cell in enumerate(nb.get("cells", [])):
        cell_type = str(cell.get("cell_type", "code"))
        source = excerpt(_joined(cell.get("source", "")), MAX_SOURCE)
        view = CellView(
            index=index,
            cell_type=cell_type,
            source=source,
            failing=index == failed_cell,
            duration=(durations or {}).get(index),
        )
        if used > budget:
            note = f"cells from {index} on are not shown: the notebook is too large for the report"
            break
        if cell_type == "markdown":
            view.markdown_html = _markdown(source)
        elif cell_type == "code":
            view.execution_count = cell.get("execution_count")
            view.outputs = _outputs(cell)
        used += _size(view)
        views.append(view)
    return views, note


def _copy(nb: Any) -> Any:
    import copy

    return copy.deepcopy(nb)


def text_of(value: str) -> str:
    """Untrusted text for the report: redacted, ANSI removed (escaping is the template's job)."""
    return strip_ansi(redact_text(value))
