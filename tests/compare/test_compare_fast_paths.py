"""The compare engine's fast paths decide exactly as the general code they short-cut.

Each fast path is checked against its reference on generated inputs (seeded, so a failure
reproduces): piecewise text comparison against the whole-text comparison, gated and anchored
sanitizer rules against plain ``re.sub``, the plain-markup tokenizer against HTMLParser, opaque
RGB images against the RGBA path. Then the verdicts that depend on them, end to end.
"""

from __future__ import annotations

import base64
import gc
import io
import random
import re
from typing import Any

import pytest

from nbgate.compare import markup
from nbgate.compare.images import compare_images
from nbgate.compare.options import PRESETS, CompareOptions, ImageOptions
from nbgate.compare.sanitize import PRESET_RULES, Sanitizer, sanitizer_for
from nbgate.compare.text import (
    _PLAIN,
    Tolerance,
    _numbers_close,
    _split,
    compare_text,
    text_equal,
    texts_close,
)
from nbgate.errors import InputError
from nbgate.outcomes import Outcome
from nbgate.steps.compare import compare

# -- texts ----------------------------------------------------------------------------------

NUMBERS = [
    "0", "1", "-1", "+2", "007", "1000", "3.14", "-0.5", ".5", "5.", "1e-3", "2.5E+10", "-1e5",
    "nan", "NaN", "inf", "-inf", "Infinity", "1+2j", "3j", "1-2.5j", "12345678901234567890",
    "12345678901234567891", "1.0000000000001", "0.99999999999999", "٣",
]  # fmt: skip
WORDS = [
    "loss", "acc", "epoch", "x1", "v1.2.3", "float64", "a", "e", "j", "nan_x", "<td>", "</td>",
    "<tr>", "0x7fabc123", "2024-01-05", "12:30:01", "µs", "ms", "s", "-", ".", "+", "\x00",
]  # fmt: skip
SEPARATORS = [" ", "  ", "\n", ", ", ": ", "|", "", "\t", ">", "<", "(", ")", "[", "]", "\r"]


def _noisy(token: str, rng: random.Random) -> str:
    """The token as a re-run might print it: float noise, a changed digit, or unchanged."""
    roll = rng.random()
    try:
        value = float(token)
    except ValueError:
        return token if roll < 0.9 else rng.choice(WORDS)
    if roll < 0.5:
        return token
    if roll < 0.8 and value == value and abs(value) != float("inf"):
        return repr(value * (1 + rng.choice([1e-13, -3e-12, 2e-9, 1e-3])))
    return rng.choice(NUMBERS)


def _text_pair(rng: random.Random) -> tuple[str, str]:
    tokens = [
        rng.choice(NUMBERS) if rng.random() < 0.5 else rng.choice(WORDS) for _ in range(rng.randint(1, 14))
    ]
    seps = [rng.choice(SEPARATORS) for _ in tokens]
    golden = "".join(t + s for t, s in zip(tokens, seps, strict=True))
    parts = []
    for t, s in zip(tokens, seps, strict=True):
        if rng.random() < 0.03:
            continue  # a token dropped
        parts.append(_noisy(t, rng))
        parts.append(s if rng.random() < 0.93 else rng.choice(SEPARATORS))
    return "".join(parts), golden


TOLERANCES = [
    Tolerance(1e-6, 1e-9),
    Tolerance(1e-6, 1e-9, exact_integers=False),
    Tolerance(0.0, 0.0),
    Tolerance(1e-2, 0.0, normalize_whitespace=False),
]


def test_piecewise_text_comparison_decides_as_the_whole_text() -> None:
    rng = random.Random(4)
    decided = {True: 0, False: 0}
    for _ in range(4000):
        actual, golden = _text_pair(rng)
        tol = rng.choice(TOLERANCES)
        for normalize in (False, True):
            reference = compare_text(actual, golden, tol, 1, normalize=normalize).equal
            close = texts_close(actual, golden, tol, normalize=normalize)
            assert close is None or close == reference, (actual, golden, tol, normalize)
            assert text_equal(actual, golden, tol, normalize=normalize) == reference
            if close is not None:
                decided[close] += 1
    # Both verdicts come out of the fast path often, or this test proves little.
    assert decided[True] > 1000 and decided[False] > 1000, decided


@pytest.mark.parametrize(
    ("actual", "golden", "equal"),
    [
        ("a 1.0000000001\nb 2", "a 1\nb 2", True),  # noise on one line
        ("a 1.1\nb 2", "a 1\nb 2", False),  # out of tolerance
        ("t 1 x\nn 1.5", "t 2 x\nn 1.5", False),  # integers exactly, first line
        ("<td>1.0000000001</td><td>2</td>", "<td>1</td><td>2</td>", True),
        ("<td>1.1</td><td>2</td>", "<td>1</td><td>2</td>", False),
        ("<td>1</td ><td>2</td>", "<td>1</td><td>2</td>", False),  # markup differs
        ("a\x001", "a\x002", False),  # the marker character in the text: whole-text path
        ("a \x00\nb 1", "a 1\nb \x00", True),  # ... where equal skeletons pair numbers across lines
        ("1 2\n3", "1 2 3", False),  # a line break is not a space
        ("(1+2.0000000001j)", "(1+2j)", True),
        ("x 1.5< y", "x 1.5 y", False),  # a tag's "<" is markup, not noise
        ("n 12345678901234567891", "n 12345678901234567890", False),  # beyond float precision
        ("x " + "9" * 400 + ".5", "x " + "9" * 400 + ".0", True),  # beyond float range: both inf
        ("x " + "9" * 400 + ".5", "x -" + "9" * 400 + ".0", False),
    ],
)
def test_piecewise_comparison_examples(actual: str, golden: str, equal: bool) -> None:
    tol = Tolerance(1e-6, 1e-9)
    assert text_equal(actual, golden, tol, normalize=False) is equal
    assert compare_text(actual, golden, tol, normalize=False).equal is equal


def test_plain_words_are_one_number() -> None:
    rng = random.Random(5)
    seen = 0
    for _ in range(20000):
        word = "".join(rng.choice("0123456789.+-e٣x ") for _ in range(rng.randint(1, 6)))
        if _PLAIN.fullmatch(word):
            seen += 1
            assert _split(word) == ("\x00", [word]), word
    assert seen > 1000


def test_number_pairs_decide_as_compare_text() -> None:
    rng = random.Random(6)
    literals = [*NUMBERS, "1.5", "1.5000001", "-0.0", "0", "1e999", "-1e999", "2", "2.0", "+.5"]
    for _ in range(5000):
        a, b = rng.choice(literals), rng.choice(literals)
        tol = rng.choice(TOLERANCES)
        assert _numbers_close(a, b, tol) == compare_text(a, b, tol).equal, (a, b, tol)


# -- sanitizers ---------------------------------------------------------------------------------

VOLATILE = [
    "2024-01-05T12:00:01.5+00:00", "2024-01-05 12:00:00 UTC", "2024-01-05 12:00:00\nUTC",
    "Mon Jan  5 12:00:00 2024", "Fri, 05 Jan 2024 12:00:00 GMT", "2024-01-05", "1/5/2024",
    "January 5, 2024", "12:00", "9:05:33.25", "CPU times: user 1.2 ms, sys: 0 ns",
    "1.2 ms ± 3 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)", "3s", "5 min",
    "2 µs", "1.5e-3 s", "7\nseconds", "12.5 it/s", "3.2s/it", "<object object at 0x7f12ab34cd56>",
    "5a7e6a54-8f1b-4a43-9d0e-7b9e2b6b1c0e", "0123456789abcdef0123456789abcdef",
    "11111111111111111111111111111111", "/tmp/tmpab12cd/x", "/private/var/folders/xy/T/f",
    "C:\\Users\\me\\AppData\\Local\\Temp\\x", "tmpab12cd_9", "<matplotlib.lines.Line2D at <address>>",
    "<Figure size 640x480 with 1 Axes>", "<Axes: xlabel='x'>", "<AxesSubplot:>",
    " 45%|████▌     | 45/100 [00:01<00:02, 30.00it/s]", "32/32 [==============================] - 0s 2ms/step",
    "ETA: 3s", "2 h", "3 hours", "4hrs", "10 ns", "5 us", "1 sec", "\x1b[31mred\x1b[0m", "\x1b]8;;http://x\x07link\x1b]8;;\x07",
    "2024-01-01 10:00:00.2024-01-01 10:00", "0x0x7f12ab34cd", "2024-01-01-01-01 1:00",
]  # fmt: skip
FILLER = [
    "loss 0.5",
    "epoch 3",
    "a-b",
    "x",
    ":",
    "-",
    "/",
    ",",
    "1",
    " ",
    "\n",
    "±",
    "µ",
    "é",
    "[",
    "%",
    "<",
    ">",
]


def _sanitizer_corpus() -> list[str]:
    rng = random.Random(7)
    texts = list(VOLATILE)
    for _ in range(1500):
        pieces = [rng.choice(VOLATILE if rng.random() < 0.4 else FILLER) for _ in range(rng.randint(1, 6))]
        texts.append(rng.choice(["", " ", "\n"]).join(pieces))
    return texts


CORPUS = _sanitizer_corpus()
ALL_RULES = [(name, rule) for name in PRESETS for rule in PRESET_RULES[name]]


@pytest.mark.parametrize(("preset", "rule"), ALL_RULES, ids=[r.regex[:40] for _, r in ALL_RULES])
def test_each_rules_cheap_tests_skip_only_texts_it_cannot_match(preset: str, rule: Any) -> None:
    pattern = re.compile(rule.regex)
    alone = Sanitizer([rule])
    matched = 0
    for text in CORPUS:
        expected = pattern.sub(rule.replace, text)
        matched += expected != text
        assert alone.apply(text) == expected, (preset, text)
    assert matched, f"the corpus never exercises {rule.regex!r}"


def test_preset_sanitizer_is_the_rules_applied_in_order() -> None:
    sanitizer = sanitizer_for(CompareOptions())
    rules = [(re.compile(r.regex), r.replace) for name in PRESETS for r in PRESET_RULES[name]]
    for text in CORPUS:
        expected = text
        for pattern, replace in rules:
            expected = pattern.sub(replace, expected)
        assert sanitizer.apply(text) == expected, text


# -- markup ---------------------------------------------------------------------------------


def _htmlparser_document(text: str) -> markup.Document:
    parser = markup._Parser()
    parser.feed(text)
    parser.close()
    return markup.Document(parser.tables, "\n".join(parser.tokens))


MARKUP_CASES = [
    '<div><table border="1" class="dataframe">\n<thead><tr style="text-align: right;"><th></th><th>a</th></tr>'
    "</thead><tbody><tr><th>0</th><td>1.5</td></tr></tbody></table></div>",
    '<TABLE><TR><TD >1</TD><td\nclass="x"\n>2</td></tr></TABLE>',
    '<table><tr><td nowrap class="c" data-x="">3</td></tr></table>',
    "<table><tr><td\x0bclass=x>1</td></tr></table>",
    '<table><tr><td\x0bclass="x">1</td></tr></table>',  # \x0b is no tag-name end to HTMLParser
    "a < b <table><tr><td>1</td></tr></table>",
    "<table><tr><td>1 &amp; 2</td></tr></table>",
    "<table><tr><td>1<br/>2</td></tr></table>",
    "<!-- c --><table><tr><td>1</td></tr></table>",
    "<style>td {color: red}</style><table><tr><td>1</td></tr></table>",
    "<table><tr><td class='q'>1</td></tr></table>",
    "<table><tr><td>1</td x></tr></table>",
    "<p>text <b>bold</b></p>\n<table><tr><th>i</th><td>2</td></tr></table>trailing",
    '<svg><g id="a"><path d="M0 0"/></g></svg>',
]


@pytest.mark.parametrize("text", MARKUP_CASES)
def test_plain_markup_is_read_as_htmlparser_reads_it(text: str) -> None:
    assert markup.parse_markup(text) == _htmlparser_document(text)


def test_pandas_tables_are_read_as_htmlparser_reads_them() -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    fast = 0
    for i in range(12):
        frame = pd.DataFrame(rng.normal(size=(4, 3)), columns=["a", "b b", "c"])
        if i % 3 == 0:
            frame.index = pd.MultiIndex.from_product([["x", "y"], [1, 2]])
        frame.iloc[0, 0] = np.nan
        for text in (frame.to_html(), frame._repr_html_(), frame.style.to_html()):
            assert markup.parse_markup(text) == _htmlparser_document(text)
            fast += markup._feed_simple(markup._Parser(), text)
    assert fast >= 12  # the plain tables took the fast path


# -- images ---------------------------------------------------------------------------------


def _png(img: Any) -> str:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _reference_images(actual: str, expected: str, options: ImageOptions) -> tuple[bool, float, float]:
    """The comparison as it was before opaque images stayed RGB: everything RGBA, on white."""
    from PIL import Image, ImageChops, ImageStat

    def load(data: str) -> Any:
        with Image.open(io.BytesIO(base64.b64decode(data))) as img:
            return img.convert("RGBA")

    def on_white(x: Any) -> Any:
        return Image.alpha_composite(Image.new("RGBA", x.size, (255, 255, 255, 255)), x).convert("RGB")

    def pool(x: Any, k: int) -> Any:
        w, h = x.width // k * k, x.height // k * k
        return x if k == 1 or not w or not h else x.crop((0, 0, w, h)).reduce(k)

    a, e = load(actual), load(expected)
    mean = float(sum(ImageStat.Stat(ImageChops.difference(a, e)).mean) / 4.0)
    if mean == 0.0:
        return True, 0.0, 0.0
    k = options.block_size
    r, g, b = ImageChops.difference(pool(on_white(a), k), pool(on_white(e), k)).split()
    worst = ImageChops.lighter(ImageChops.lighter(r, g), b)
    fraction = sum(worst.histogram()[int(options.pixel_threshold) + 1 :]) / max(1, worst.width * worst.height)
    return fraction <= options.max_changed_fraction and mean <= options.max_mean_diff, mean, fraction


def test_compositing_an_opaque_image_on_white_changes_no_pixel() -> None:
    # Why opaque RGB images may skip it: alpha_composite blends each channel on its own, so
    # every channel value at full opacity covers every colour.
    from PIL import Image, ImageChops

    ramp = Image.frombytes("RGBA", (256, 1), bytes(v for i in range(256) for v in (i, 255 - i, i, 255)))
    white = Image.new("RGBA", ramp.size, (255, 255, 255, 255))
    composited = Image.alpha_composite(white, ramp).convert("RGB")
    assert ImageChops.difference(composited, ramp.convert("RGB")).getbbox() is None


def test_images_compare_as_through_rgba_in_every_mode() -> None:
    np = pytest.importorskip("numpy")
    from PIL import Image

    rng = np.random.default_rng(1)
    options = ImageOptions()
    base = rng.integers(0, 256, size=(30, 40, 4), dtype=np.uint8)
    base[..., 3] = np.where(rng.random((30, 40)) < 0.2, rng.integers(0, 255, size=(30, 40)), 255)
    variants = []
    for noise in (0, 2, 60):
        arr = base.copy()
        mask = rng.random((30, 40)) < 0.05
        arr[mask, :3] = np.clip(arr[mask, :3].astype(int) + noise, 0, 255).astype(np.uint8)
        rgba = Image.fromarray(arr, "RGBA")
        rgb = rgba.convert("RGB")
        trns = rgb.copy()
        trns.info["transparency"] = tuple(int(v) for v in arr[0, 0, :3])
        variants += [rgba, rgb, rgba.convert("L"), rgb.convert("P"), rgba.convert("LA"), trns]
    pngs = [_png(v) for v in variants]
    for a in pngs:
        for e in pngs:
            got = compare_images(a, e, options)
            if got.size_actual != got.size_expected or got.mean_diff is None:
                continue
            equal, mean, fraction = _reference_images(a, e, options)
            assert (got.equal, got.mean_diff, got.changed_fraction) == (equal, mean, fraction)


# -- verdicts end to end --------------------------------------------------------------------


def _nb(text: str) -> dict[str, Any]:
    output = {"output_type": "stream", "name": "stdout", "text": text}
    cell = {"cell_type": "code", "id": "c1", "source": "run()", "metadata": {}, "execution_count": 1}
    return {"cells": [{**cell, "outputs": [output]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_identical_texts_pass_and_differing_numbers_are_still_judged() -> None:
    volatile = "started 2024-01-05 12:00:00 at <object at 0x7f12ab34cd56>\n"
    same = volatile + "loss 0.5\n"
    assert compare(_nb(same), _nb(same)).outcome == Outcome.PASSED
    golden = volatile + "epoch 1 loss 0.5\nepoch 2 loss 0.25\n"
    noisy = "started 2024-02-06 13:01:02 at <object at 0x7e00000001>\nepoch 1 loss 0.5000000000001\n"
    assert compare(_nb(noisy + "epoch 2 loss 0.25\n"), _nb(golden)).outcome == Outcome.PASSED
    r = compare(_nb(noisy + "epoch 2 loss 0.26\n"), _nb(golden))
    assert r.outcome == Outcome.MISMATCH
    (diff,) = r.cells[0].diffs
    assert diff.kind == "number" and "0.25 became 0.26 on line 3" in diff.message
    r = compare(_nb(noisy + "epoch 3 loss 0.25\n"), _nb(golden))
    assert "number 2 became 3 on line 3" in r.cells[0].diffs[0].message  # integers exactly
    r = compare(_nb(noisy + "epoch 2 LOSS 0.25\n"), _nb(golden))
    # A word changed: a text difference, reported from the first line that differs at all.
    assert [(d.kind, d.message) for d in r.cells[0].diffs] == [("text", "stdout differs from line 2")]


def test_a_sanitizer_hides_a_volatile_value_only_one_side_has() -> None:
    golden = "done in 3.2 s\nresult 42\n"
    assert compare(_nb("done in 1 min\nresult 42\n"), _nb(golden)).outcome == Outcome.PASSED
    assert compare(_nb("done in 1 min\nresult 43\n"), _nb(golden)).outcome == Outcome.MISMATCH
    # Sanitizing stays off where it is switched off.
    plain = CompareOptions(presets=[])
    assert compare(_nb("done in 1 min\nresult 42\n"), _nb(golden), plain).outcome == Outcome.MISMATCH


def test_raw_comparison_still_passes_what_sanitizing_would_break() -> None:
    # 32 digits read as a UUID: sanitized, "<uuid>.0" and "<uuid>" differ; raw, the numbers match.
    digits = "1" * 32
    assert compare(_nb(f"id {digits}\n"), _nb(f"id {digits}.0\n")).outcome == Outcome.PASSED


def test_cyclic_gc_is_paused_during_a_comparison_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    import nbgate.compare.engine as engine

    during: list[bool] = []
    real_align = engine.align

    def spy(*args: Any) -> Any:
        during.append(gc.isenabled())
        return real_align(*args)

    monkeypatch.setattr(engine, "align", spy)
    nb = _nb("x 1\n")
    try:
        assert gc.isenabled()
        compare(nb, nb)
        assert during == [False] and gc.isenabled()
        gc.disable()  # a caller's own choice is kept
        compare(nb, nb)
        assert not gc.isenabled()
        gc.enable()
        with pytest.raises(InputError):
            compare({"cells": "nope"}, nb)
        assert gc.isenabled()
    finally:
        gc.enable()
