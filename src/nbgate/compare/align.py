"""Cell alignment: by cell id when both notebooks carry ids, else by position anchored on sources.

Only code cells take part: markdown has no outputs, and papermill's injected-parameters cell
and error-banner cells are not the author's. An inserted or removed cell is reported as such
instead of shifting every later pair. The cost is linear: ids are a dict lookup; without ids
a bounded look-ahead (``WINDOW`` cells) over sources replaces an LCS over the whole notebook.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from nbgate.compare.controls import cell_source, cell_tags

__all__ = ["WINDOW", "Pair", "align", "comparable_cells"]

WINDOW = 20
_IGNORED_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


class Pair(NamedTuple):  # a tuple: one per cell, built faster than a frozen dataclass
    actual: int | None  # index in the executed notebook's cells; None: removed
    golden: int | None  # index in the golden's cells; None: inserted


def comparable_cells(cells: list[dict[str, Any]]) -> list[int]:
    return [
        i
        for i, c in enumerate(cells)
        if c.get("cell_type") == "code" and _IGNORED_TAGS.isdisjoint(cell_tags(c))
    ]


def align(actual: list[dict[str, Any]], golden: list[dict[str, Any]]) -> list[Pair]:
    ia, ig = comparable_cells(actual), comparable_cells(golden)
    ids_a = [actual[i].get("id") for i in ia]
    ids_g = [golden[i].get("id") for i in ig]
    if ia and ig and all(ids_a) and all(ids_g):
        common = set(ids_a) & set(ids_g)
        if len(common) * 2 >= min(len(ia), len(ig)):
            return _by_id(ia, ig, ids_a, ids_g)
    return _by_source(ia, ig, [cell_source(actual[i]) for i in ia], [cell_source(golden[i]) for i in ig])


def _by_id(ia: list[int], ig: list[int], ids_a: list[Any], ids_g: list[Any]) -> list[Pair]:
    where = {cid: k for k, cid in enumerate(ids_g)}
    pairs: list[Pair] = []
    next_g = 0  # golden cells before this one that were not matched yet are reported as removed
    matched: set[int] = set()
    present = set(ids_a)
    for k, cid in enumerate(ids_a):
        g = where.get(cid)
        if g is None or g in matched:
            pairs.append(Pair(ia[k], None))
            continue
        while next_g < g:
            if next_g not in matched and ids_g[next_g] not in present:
                pairs.append(Pair(None, ig[next_g]))
            next_g += 1
        matched.add(g)
        next_g = max(next_g, g + 1)
        pairs.append(Pair(ia[k], ig[g]))
    for g in range(next_g, len(ig)):
        if g not in matched and ids_g[g] not in present:
            pairs.append(Pair(None, ig[g]))
    return pairs


def _ahead(sources: list[str], start: int, target: str) -> int:
    """How far ahead of ``start`` (1..WINDOW) ``target`` appears, 0 if not within the window."""
    if not target.strip():
        return 0
    for k in range(1, WINDOW + 1):
        if start + k >= len(sources):
            break
        if sources[start + k] == target:
            return k
    return 0


def _by_source(ia: list[int], ig: list[int], sa: list[str], sg: list[str]) -> list[Pair]:
    pairs: list[Pair] = []
    i = j = 0
    while i < len(ia) and j < len(ig):
        if sa[i] == sg[j]:
            pairs.append(Pair(ia[i], ig[j]))
            i += 1
            j += 1
            continue
        ka = _ahead(sa, i, sg[j])  # golden's cell appears later in the executed one: insertions
        kg = _ahead(sg, j, sa[i])  # executed cell appears later in the golden: removals
        if ka and (not kg or ka <= kg):
            pairs.extend(Pair(ia[i + d], None) for d in range(ka))
            i += ka
        elif kg:
            pairs.extend(Pair(None, ig[j + d]) for d in range(kg))
            j += kg
        else:  # the same cell, edited: compare its outputs
            pairs.append(Pair(ia[i], ig[j]))
            i += 1
            j += 1
    pairs.extend(Pair(ia[d], None) for d in range(i, len(ia)))
    pairs.extend(Pair(None, ig[d]) for d in range(j, len(ig)))
    return pairs
