"""Image sizes against the targets of issue 8 (each size is also printed by `make images`).

Targets: clone, compare, probe and report at most 250 MB; execute at most 60 MB above its base.
Measured on the local debootstrap base (150 MB; python:3.12-slim is ~125 MB) and, for execute,
on the scipy-notebook stand-in. Where a step's pyproject extra still pulls a dependency its step
never imports that alone breaks the target (scrapbook → pyarrow + pandas, ~250 MB; kubernetes,
~125 MB; tritonclient[grpc] → grpcio, gevent, ml_dtypes), the check is an xfail naming it, so it
turns into a real check by itself once the extra drops it.
"""

from __future__ import annotations

from importlib.metadata import requires

import pytest
from images_support import EXECUTE_BASE, Images, image_size_mb
from packaging.requirements import Requirement

pytestmark = pytest.mark.images

LIMIT_MB = 250
EXECUTE_ABOVE_BASE_MB = 60
# What the step does not import (or only in cluster mode) and weighs more than the target allows.
HEAVY: dict[str, set[str]] = {
    "execute": {"scrapbook"},
    "compare": {"scrapbook", "pyarrow"},
    "probe": {"kubernetes", "tritonclient"},
}


def _extra_names(extra: str) -> set[str]:
    names = set()
    for line in requires("nbgate") or []:
        req = Requirement(line)
        if (
            req.marker is not None
            and req.marker.evaluate({"extra": extra})
            and not req.marker.evaluate({"extra": ""})
        ):
            names.add(req.name.lower())
    return names


def _xfail_if_heavy(step: str, measured: str) -> None:
    heavy = sorted(HEAVY.get(step, set()) & _extra_names(step))
    if heavy:
        pytest.xfail(f"{step}: {measured}; the `{step}` extra still pulls {', '.join(heavy)}")


@pytest.mark.parametrize("step", ["clone", "compare", "probe", "report"])
def test_step_image_is_at_most_250_mb(images: Images, step: str, capsys: pytest.CaptureFixture[str]) -> None:
    size = images.sizes_mb[step]
    with capsys.disabled():
        print(f"\nimage size {step:10s} {size:6.0f} MB")
    if size > LIMIT_MB:
        _xfail_if_heavy(step, f"{size:.0f} MB")
    assert size <= LIMIT_MB, f"{step} image is {size:.0f} MB"


def test_execute_image_adds_at_most_60_mb_to_its_base(
    images: Images, capsys: pytest.CaptureFixture[str]
) -> None:
    delta = images.sizes_mb["execute"] - image_size_mb(EXECUTE_BASE)
    with capsys.disabled():
        print(f"\nimage size execute {images.sizes_mb['execute']:6.0f} MB, {delta:.0f} MB above its base")
    if delta > EXECUTE_ABOVE_BASE_MB:
        _xfail_if_heavy("execute", f"{delta:.0f} MB above its base")
    assert delta <= EXECUTE_ABOVE_BASE_MB
