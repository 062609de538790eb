"""How a notebook is compared with its golden (``spec.compare``)."""

from __future__ import annotations

from nbgate._model import WireModel

__all__ = ["CompareOptions"]


class CompareOptions(WireModel):
    """Tolerances and switches for golden comparison.

    The golden-compare engine owns these fields; the spec embeds them as ``spec.compare``.
    """

    rtol: float = 1e-6
    atol: float = 1e-9
    ignore_stderr: bool = True
    sanitizers: list[str] = []
