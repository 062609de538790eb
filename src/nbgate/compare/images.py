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
    """An RGBA uint8 array (numpy) from a base64 PNG/JPEG; ``None`` if it is not an image."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    raw = "".join(data) if isinstance(data, list) else str(data)
    try:
        blob = base64.b64decode(raw, validate=False)
        with Image.open(io.BytesIO(blob)) as img:
            return np.asarray(img.convert("RGBA"), dtype=np.int16)
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError):
        return None


def _on_white(x: Any) -> Any:
    alpha = x[:, :, 3:4].astype("float32") / 255.0
    rgb = x[:, :, :3].astype("float32") * alpha + 255.0 * (1.0 - alpha)
    out = x.astype("float32").copy()
    out[:, :, :3] = rgb
    return out


def _pool(x: Any, k: int) -> Any:
    """Block means over k-by-k blocks (the ragged right/bottom edge is dropped when k > 1)."""
    if k == 1:
        return x[:, :, :3].astype("float32")
    h, w = x.shape[0] // k * k, x.shape[1] // k * k
    if h == 0 or w == 0:
        return x[:, :, :3].astype("float32")
    return x[:h, :w, :3].astype("float32").reshape(h // k, k, w // k, k, 3).mean(axis=(1, 3))


def compare_images(actual: Any, expected: Any, options: ImageOptions) -> ImageComparison:
    import numpy as np

    a, e = _decode(actual), _decode(expected)
    if a is None or e is None:
        side = "executed" if a is None else "golden"
        return ImageComparison(False, f"the {side} image cannot be decoded")
    size_a, size_e = (a.shape[1], a.shape[0]), (e.shape[1], e.shape[0])
    if size_a != size_e:
        return ImageComparison(
            False,
            f"image size {size_a[0]}x{size_a[1]} differs from the golden's {size_e[0]}x{size_e[1]}",
            size_a,
            size_e,
        )
    mean_diff = float(np.abs(a - e).mean())
    if mean_diff == 0.0:
        return ImageComparison(True, "identical pixels", size_a, size_e, 0.0, 0.0)
    # Transparent pixels are composited on white first: RGBA noise in invisible pixels is no change.
    a, e = _on_white(a), _on_white(e)
    k = options.block_size
    changed = np.abs(_pool(a, k) - _pool(e, k)).max(axis=2) > options.pixel_threshold
    fraction = float(changed.mean())
    ok = fraction <= options.max_changed_fraction and mean_diff <= options.max_mean_diff
    message = (
        f"{fraction:.3%} of {k}x{k} blocks changed (limit {options.max_changed_fraction:.3%}), "
        f"mean difference {mean_diff:.2f}/255 (limit {options.max_mean_diff:g})"
    )
    return ImageComparison(ok, message, size_a, size_e, mean_diff, fraction)
