"""What a notification says, derived from a run: state, one-line description, Markdown body."""

from __future__ import annotations

from dataclasses import dataclass

from nbgate.outcomes import Verdict
from nbgate.results import RunResult

__all__ = ["COMMENT_MARKER", "Notification", "notification_for"]

COMMENT_MARKER = "<!-- nbgate:{name} -->"


@dataclass(frozen=True)
class Notification:
    name: str
    verdict: Verdict
    description: str  # one line, at most 140 characters (GitHub's limit)
    markdown: str
    commit: str | None
    target_url: str | None

    @property
    def marker(self) -> str:
        return COMMENT_MARKER.format(name=self.name)

    @property
    def failed(self) -> bool:
        return self.verdict is not Verdict.PASSED


def notification_for(run: RunResult, *, target_url: str | None = None) -> Notification:
    from nbgate.report.markdown import render_markdown

    description = f"{run.verdict.value}: {run.message}"
    if len(description) > 140:
        description = description[:139] + "…"
    return Notification(
        name=run.name,
        verdict=run.verdict,
        description=description,
        markdown=render_markdown(run),
        commit=run.source.commit if run.source else None,
        target_url=target_url,
    )
