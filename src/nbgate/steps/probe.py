"""The ``probe`` step: check the model endpoints a notebook depends on (issue 5)."""

from __future__ import annotations

from pathlib import Path

from nbgate.errors import NbgateError, TransientError
from nbgate.outcomes import Outcome, Verdict, verdict_for
from nbgate.probe.endpoint import Endpoint
from nbgate.results import ProbeResult

__all__ = ["probe", "worst_outcome"]

_RANK = {Verdict.ERROR: 3, Verdict.TRANSIENT: 2, Verdict.FAILED: 1, Verdict.PASSED: 0}


def worst_outcome(outcomes: list[Outcome]) -> Outcome:
    """The outcome whose verdict is worst (error > transient > failed > passed)."""
    return max(outcomes, key=lambda o: _RANK[verdict_for(o)], default=Outcome.PASSED)


def _probe_one(ep: Endpoint, scraps: dict[str, object] | None, deadline: object) -> ProbeResult:
    from nbgate.probe.checks import run_checks
    from nbgate.probe.resolve import endpoint_url
    from nbgate.probe.transport import Deadline, Transport

    assert isinstance(deadline, Deadline)
    try:
        url = endpoint_url(ep)
        with Transport(ep, url, deadline) as transport:
            checks = run_checks(transport, scraps)
    except NbgateError as exc:
        outcome = Outcome.TRANSIENT_ERROR if isinstance(exc, TransientError) else Outcome.INPUT_ERROR
        return ProbeResult(
            endpoint=ep.name, platform=ep.platform, url=ep.url, outcome=outcome, message=exc.message
        )
    outcome = worst_outcome([c.outcome for c in checks])
    failed = [c for c in checks if not c.passed]
    message = (
        f"endpoint {ep.name!r}: {len(checks)} check(s) passed"
        if not failed
        else "; ".join(c.message for c in failed)
    )
    return ProbeResult(
        endpoint=ep.name, platform=ep.platform, url=url, outcome=outcome, message=message, checks=checks
    )


def probe(
    endpoints: list[Endpoint], *, scraps: Path | None = None, deadline: float | None = None
) -> list[ProbeResult]:
    """Probe each endpoint; every check reported separately, the whole within ``deadline`` seconds.

    ``scraps`` is an executed notebook whose scraps hold the inputs and local predictions the
    consistency check replays (``Endpoint.consistency``: ``inputsScrap``/``predictionsScrap``).
    """
    from nbgate.probe.scraps import read_scraps
    from nbgate.probe.transport import Deadline

    book = read_scraps(scraps) if scraps is not None else None
    shared = Deadline(deadline)
    return [_probe_one(ep, book, shared) for ep in endpoints]
