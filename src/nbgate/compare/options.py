"""How a notebook is compared with its golden (``spec.compare``).

Defaults are chosen so that *the same notebook executed twice* passes and a real change fails:

* numbers: ``|actual - golden| <= atol + rtol * |golden|`` (numpy.isclose semantics, never
  rounding) with ``rtol=1e-6`` and ``atol=1e-9``: float noise from a re-run (1e-12 relative and
  below, or ~1e-17 around zero) passes, a change in the 6th significant digit fails. Two integer
  literals (``1000`` vs ``1001``) are compared exactly (``exactIntegers``): counts, shapes and
  epochs do not drift by float noise;
* every named sanitizer preset is on: timestamps, durations, memory addresses, UUIDs, temp
  paths, ANSI codes, matplotlib object reprs and progress bars vary between runs by nature;
* stderr is ignored (warnings, progress output); images pass when at most 0.1% of 5x5-pixel blocks
  differ by more than 48/255 on average and the mean absolute difference is at most 2/255.

The same shape, partly, in a notebook's metadata (``metadata.nbgate.compare``) overrides the spec
for that notebook; cell tags override both for one cell (see ``nbgate.compare.controls``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from nbgate._model import WireModel

__all__ = [
    "PRESETS",
    "CompareOptions",
    "ImageOptions",
    "SanitizerRule",
    "ScrapOptions",
]

PresetName = Literal[
    "ansi",
    "timestamps",
    "durations",
    "memory-addresses",
    "uuids",
    "temp-paths",
    "matplotlib",
    "progress-bars",
]
PRESETS: tuple[str, ...] = (
    "ansi",
    "timestamps",
    "durations",
    "memory-addresses",
    "uuids",
    "temp-paths",
    "matplotlib",
    "progress-bars",
)


class SanitizerRule(WireModel):
    """A regex replace rule applied to both sides' text before comparing (nbval's format too)."""

    regex: str
    replace: str = ""


class ImageOptions(WireModel):
    """Thresholds for ``image/png`` and ``image/jpeg`` outputs, on decoded pixels (0-255)."""

    compare: bool = Field(default=True, description="False: images are not compared at all.")
    block_size: int = Field(
        default=5,
        ge=1,
        le=32,
        description="Pixels are averaged over blocks of this size before comparing: antialiasing "
        "and font hinting move coverage by under a pixel and average out, a moved curve does not.",
    )
    pixel_threshold: int = Field(
        default=48, ge=0, le=255, description="A block counts as changed above this channel difference."
    )
    max_changed_fraction: float = Field(
        default=0.001, ge=0, le=1, description="Largest fraction of blocks allowed to change."
    )
    max_mean_diff: float = Field(
        default=2.0, ge=0, le=255, description="Largest mean absolute channel difference allowed."
    )


class ScrapOptions(WireModel):
    """Per-scrap control (``compare.scraps.<name>``)."""

    rtol: float | None = Field(default=None, ge=0)
    atol: float | None = Field(default=None, ge=0)
    ignore: bool = False


class CompareOptions(WireModel):
    """Tolerances and switches for golden comparison (``spec.compare``)."""

    rtol: float = Field(default=1e-6, ge=0, description="Relative tolerance: |a-b| <= atol + rtol*|golden|.")
    atol: float = Field(default=1e-9, ge=0, description="Absolute tolerance.")
    exact_integers: bool = Field(default=True, description="Compare two integer literals exactly.")
    ignore_stderr: bool = Field(default=True, description="Do not compare stderr streams.")
    presets: list[PresetName] = Field(
        default=[
            "ansi",
            "timestamps",
            "durations",
            "memory-addresses",
            "uuids",
            "temp-paths",
            "matplotlib",
            "progress-bars",
        ],
        description="Named sanitizer presets (all on by default).",
    )
    sanitizers: list[SanitizerRule | PresetName] = Field(
        default=[], description="Extra regex rules ({regex, replace}) or preset names."
    )
    sanitize_file: str | None = Field(
        default=None,
        description="An nbval sanitize file (regex:/replace: line pairs), relative to the golden's dir.",
    )
    whitespace: Literal["normalize", "exact"] = Field(
        default="normalize",
        description="normalize: runs of whitespace are one space and padding around brackets and commas is "
        "ignored (numpy and pandas re-wrap and re-pad when widths change).",
    )
    images: ImageOptions = ImageOptions()
    scraps: dict[str, ScrapOptions] = Field(default={}, description="Per-scrap tolerances by name.")
    compare_scraps: bool = True
    allow_extra_scraps: bool = Field(default=False, description="Scraps the golden lacks are not a mismatch.")
    lax: bool = Field(
        default=False,
        description="nbval's lax mode: only cells tagged/marked NBVAL_CHECK_OUTPUT are compared.",
    )
    ignore_mime_types: list[str] = Field(default=[], description="MIME types never compared.")
    max_excerpt: int = Field(
        default=600, ge=40, description="Longest expected/actual excerpt, in characters."
    )
    max_details: int = Field(
        default=10, ge=1, description="Most numeric/table differences listed per output."
    )
