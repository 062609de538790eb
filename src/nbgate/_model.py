"""The base model every spec and result model shares: camelCase on the wire, strict keys."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["WireModel"]


class WireModel(BaseModel):
    """camelCase aliases (Kubernetes style), Python names in code, unknown keys rejected."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        use_enum_values=False,
    )

    def to_wire(self) -> dict[str, object]:
        """The JSON-ready dict with camelCase keys, as written to files and artifacts."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
