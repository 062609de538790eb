"""The HTML report in a real browser: headless Debian Chromium driven by Playwright's Python client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def _open(browser, path: Path):  # type: ignore[no-untyped-def]
    """A page on ``path`` that records dialogs, console messages and DOM mutations."""
    events: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda d: (events.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("console", lambda m: events.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: events.append(f"pageerror: {e}"))
    # Injected by the browser, not the page (CSP does not apply): counts every DOM change after load.
    page.add_init_script(
        "window.__mutations = 0;"
        "document.addEventListener('DOMContentLoaded', () => {"
        "  new MutationObserver(m => { window.__mutations += m.length; })"
        "    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});"
        "});"
    )
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, events


def test_failing_run_report_shows_verdict_diff_and_image_diff(
    acceptance_run, browser, tmp_path: Path
) -> None:
    assert acceptance_run.returncode == 1, acceptance_run.stderr[-2000:]
    page, events = _open(browser, acceptance_run.report_html)
    try:
        assert page.locator("#verdict").inner_text() == "failed"
        section = page.locator("section.notebook[data-notebook='notebooks/mismatch.ipynb']")
        assert section.is_visible()
        # The failing cell's diff: the number that changed, side by side.
        number_diff = section.locator(".cell-diff", has_text="number 1.0 became 1.5").first
        number_diff.scroll_into_view_if_needed()
        assert number_diff.is_visible()
        assert number_diff.locator("table.text-diff td.l", has_text="value = 1.0").is_visible()
        assert number_diff.locator("table.text-diff td.r", has_text="value = 1.5").is_visible()
        # The image diff: golden, executed and overlay, all decoded by the browser.
        images = section.locator(".image-diff img")
        assert images.count() == 3
        widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
        assert all(w > 0 for w in widths), widths
        images.nth(2).scroll_into_view_if_needed()
        # The crashed notebook: its failing cell's error and the log.
        failure = page.locator("section.notebook[data-notebook='notebooks/secret.ipynb'] .failure")
        assert "ValueError" in failure.inner_text()
        shot = tmp_path / "report-failing-run.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"\nscreenshot: {shot}")
        assert shot.stat().st_size > 10_000
        assert not [e for e in events if not e.startswith("console") or "xss" in e], events
    finally:
        page.close()


def test_hostile_outputs_execute_nothing(acceptance_run, browser, tmp_path: Path) -> None:
    page, events = _open(browser, acceptance_run.report_html)
    try:
        # Open every collapsed section (the hostile notebook passed, so it starts collapsed).
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.wait_for_timeout(500)
        mutations_after_open = page.evaluate("window.__mutations")
        frames = [f for f in page.frames if f.url == "about:srcdoc"]
        assert frames, "the HTML outputs are rendered in sandboxed iframes"
        for iframe in page.locator("iframe").all():
            assert iframe.get_attribute("sandbox") == ""
        # Click every link, in the page and in the frames: none may run anything.
        clicked = 0
        for frame in [page.main_frame, *frames]:
            for link in frame.locator(
                "section.notebook[data-notebook='notebooks/xss.ipynb'] a, body a"
            ).all():
                if link.is_visible():
                    link.click(timeout=2000, no_wait_after=True)
                    clicked += 1
        page.wait_for_timeout(1000)
        page.screenshot(path=str(tmp_path / "report-xss.png"), full_page=True)
        print(f"\nscreenshot: {tmp_path / 'report-xss.png'}")
        assert clicked >= 2
        # No dialog, no page error, no console message — except Chromium's notice that it
        # refused to run a script in a sandboxed srcdoc frame. That notice is the fence
        # holding, and the frame locators above trigger it themselves (the harness's own
        # injection is refused there), so it appears at random; the static checks below prove
        # no script, handler or javascript: URL reaches a frame in the first place.
        blocked = "console error: Blocked script execution in 'about:srcdoc'"
        assert not [e for e in events if not e.startswith(blocked)], events
        assert page.evaluate("window.__mutations") == mutations_after_open  # nothing changed the DOM
        html = acceptance_run.report_html.read_text()
        assert "<script" not in html.lower()
        assert not re.search(r"<[a-z][^>]*\son\w+\s*=", html, re.IGNORECASE)  # no live event handler
        assert "javascript:" not in "".join(frame.content() for frame in frames).lower()
    finally:
        page.close()


def test_the_harness_sees_script_execution(browser, tmp_path: Path) -> None:
    """Control: the same listeners catch a page that does run script (so silence above means something)."""
    page_file = tmp_path / "unsafe.html"
    page_file.write_text(
        "<p id=p>x</p><img src=x onerror=\"alert('ran'); document.getElementById('p').remove()\">"
    )
    page, events = _open(browser, page_file)
    try:
        page.wait_for_timeout(500)
        assert "dialog: ran" in events
        assert page.evaluate("window.__mutations") > 0
    finally:
        page.close()
