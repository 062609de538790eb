"""Image diffs for the HTML report: golden, executed and a difference overlay, as PNG data URIs.

The overlay is the executed image washed out to light grey with every pixel whose channels
differ from the golden's by more than ``threshold`` painted red, so a changed curve stands out
while the unchanged figure stays readable. Images of different sizes are compared on a canvas
of the larger size (the missing area counts as changed). Every image is scaled down to
``max_width`` pixels: the report must stay small with hundreds of figures.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from typing import Any

__all__ = ["ImageTriple", "data_uri", "image_triple"]

MAX_WIDTH = 480


@dataclass(frozen=True)
class ImageTriple:
    expected: str  # data: URIs
    actual: str
    overlay: str
    changed_fraction: float  # of pixels, as computed here (for the caption)


def _open(data: Any) -> Any:
    from PIL import Image, UnidentifiedImageError

    raw = "".join(data) if isinstance(data, list) else str(data)
    try:
        blob = base64.b64decode(raw, validate=False)
        with Image.open(io.BytesIO(blob)) as img:
            img.load()
            rgba = img.convert("RGBA")
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError):
        return None
    # Transparent areas read as the white page they are shown on.
    canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    canvas.alpha_composite(rgba)
    return canvas.convert("RGB")


def data_uri(img: Any, max_width: int = MAX_WIDTH) -> str:
    if img.width > max_width:
        img = img.resize((max_width, max(1, round(img.height * max_width / img.width))))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def image_triple(
    actual: Any, expected: Any, *, threshold: int = 24, max_width: int = MAX_WIDTH
) -> ImageTriple | None:
    """The three images for an image diff; ``None`` if either side cannot be decoded."""
    from PIL import Image, ImageChops, ImageOps

    a, e = _open(actual), _open(expected)
    if a is None or e is None:
        return None
    size = (max(a.width, e.width), max(a.height, e.height))
    pa = Image.new("RGB", size, (255, 255, 255))
    pa.paste(a, (0, 0))
    pe = Image.new("RGB", size, (255, 255, 255))
    pe.paste(e, (0, 0))
    diff = ImageChops.difference(pa, pe).convert("L")
    mask = diff.point(lambda v: 255 if v > threshold else 0)
    if a.size != e.size:
        # Area only one side covers: changed by definition.
        outside = Image.new("L", size, 255)
        outside.paste(0, (0, 0, min(a.width, e.width), min(a.height, e.height)))
        mask = ImageChops.lighter(mask, outside)
    # Thicken one-pixel lines so a moved curve is visible once scaled down.
    from PIL import ImageFilter

    mask = mask.filter(ImageFilter.MaxFilter(3))
    histogram = mask.histogram()
    changed = sum(histogram[1:]) / max(1, size[0] * size[1])
    base = ImageOps.grayscale(pa).point(lambda v: 200 + v * 55 // 255).convert("RGB")
    red = Image.new("RGB", size, (220, 20, 60))
    overlay = Image.composite(red, base, mask)
    return ImageTriple(
        expected=data_uri(pe, max_width),
        actual=data_uri(pa, max_width),
        overlay=data_uri(overlay, max_width),
        changed_fraction=changed,
    )
