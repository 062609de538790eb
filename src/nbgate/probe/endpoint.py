"""A model endpoint the notebook depends on (``spec.endpoints[]``)."""

from __future__ import annotations

from nbgate._model import WireModel

__all__ = ["Endpoint"]


class Endpoint(WireModel):
    """One live model server to probe. The probe step owns these fields."""

    name: str
    platform: str
    url: str | None = None
    model: str | None = None
