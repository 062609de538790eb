"""Raster images compared on decoded pixels, tolerant to antialiasing and font hinting.

Exact bytes say nothing (a PNG re-encoded by another zlib differs everywhere); a plain pixel
diff fails on every patch release of matplotlib or FreeType. So both images are averaged
over ``blockSize``² blocks first: antialiasing and font hinting redistribute coverage by under
a pixel, which averaging cancels (measured on matplotlib figures: text antialiasing off, no
hinting, DejaVu Serif for DejaVu Sans change 0-7 blocks of 10-12 thousand at 48/255), while a
changed data point moves a curve by pixels and changes 18+ blocks. A block is *changed* when a channel
of its mean differs by more than ``pixelThreshold``.

Two figures are reported: the fraction of changed blocks (``changedPixelFraction``) and the
plain mean absolute channel difference (``meanPixelDiff``, 0-255).
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from typing import Any

from nbgate.compare.options import ImageOptions

__all__ = ["ImageComparison", "compare_images"]


@dataclass
class ImageComparison:
    equal: bool
    message: str
    size_actual: tuple[int, int] | None = None
    size_expected: tuple[int, int] | None = None
    mean_diff: float | None = None
    changed_fraction: float | None = None


def _decode(data: Any) -> Any:
    """A Pillow image from a base64 PNG/JPEG, RGB when it is opaque RGB, else RGBA; ``None`` if
    it is not an image.

    Most figures are opaque RGB. Kept RGB, they skip the conversion to RGBA and the compositing
    on white, which for an opaque image give back the same pixels (compositing blends each
    channel on its own, and every channel value comes back unchanged at full opacity); an RGB
    PNG with a transparent colour (``tRNS``) is not opaque and goes the RGBA way.
    """
    from PIL import Image, UnidentifiedImageError

    raw = "".join(data) if isinstance(data, list) else str(data)
    try:
        blob = base64.b64decode(raw, validate=False)
        with Image.open(io.BytesIO(blob)) as img:
            if img.mode == "RGB" and "transparency" not in img.info:
                return img.copy()
            return img.convert("RGBA")
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError):
        return None


# Pillow does the pixel arithmetic in C (no numpy: the compare image stays small).


def _mean_abs_diff(a: Any, e: Any) -> float:
    """Mean absolute difference over every channel of every pixel (RGBA), 0-255.

    Two RGB images are opaque: their alpha channels would differ by 0, so the sum of the
    three colour means over 4 is the same figure.
    """
    from PIL import ImageChops, ImageStat

    return float(sum(ImageStat.Stat(ImageChops.difference(a, e)).mean) / 4.0)


def _on_white(x: Any) -> Any:
    """Composite on white: RGBA noise in invisible pixels is no change."""
    from PIL import Image

    if x.mode == "RGB":  # opaque: compositing changes nothing
        return x
    return Image.alpha_composite(Image.new("RGBA", x.size, (255, 255, 255, 255)), x).convert("RGB")


def _pool(x: Any, k: int) -> Any:
    """Block means over k-by-k blocks (the ragged right/bottom edge is dropped when k > 1)."""
    if k == 1:
        return x
    w, h = x.width // k * k, x.height // k * k
    if h == 0 or w == 0:
        return x
    return x.crop((0, 0, w, h)).reduce(k)


def _changed_fraction(a: Any, e: Any, threshold: float) -> float:
    """Share of (pooled) pixels where some channel differs by more than ``threshold``."""
    from PIL import ImageChops

    r, g, b = ImageChops.difference(a, e).split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b)
    histogram = worst.histogram()
    changed = sum(histogram[int(threshold) + 1 :])
    return changed / max(1, worst.width * worst.height)


def compare_images(actual: Any, expected: Any, options: ImageOptions) -> ImageComparison:
    a, e = _decode(actual), _decode(expected)
    if a is None or e is None:
        side = "executed" if a is None else "golden"
        return ImageComparison(False, f"the {side} image cannot be decoded")
    if a.mode != e.mode:  # one opaque RGB, one RGBA: both RGBA, as every image used to be
        a, e = a.convert("RGBA"), e.convert("RGBA")
    size_a, size_e = a.size, e.size
    if size_a != size_e:
        return ImageComparison(
            False,
            f"image size {size_a[0]}x{size_a[1]} differs from the golden's {size_e[0]}x{size_e[1]}",
            size_a,
            size_e,
        )
    mean_diff = _mean_abs_diff(a, e)
    if mean_diff == 0.0:
        return ImageComparison(True, "identical pixels", size_a, size_e, 0.0, 0.0)
    k = options.block_size
    fraction = _changed_fraction(_pool(_on_white(a), k), _pool(_on_white(e), k), options.pixel_threshold)
    ok = fraction <= options.max_changed_fraction and mean_diff <= options.max_mean_diff
    message = (
        f"{fraction:.3%} of {k}x{k} blocks changed (limit {options.max_changed_fraction:.3%}), "
        f"mean difference {mean_diff:.2f}/255 (limit {options.max_mean_diff:g})"
    )
    return ImageComparison(ok, message, size_a, size_e, mean_diff, fraction)
