"""The whole promotion on this machine: validate → export → train (a subprocess) → serve (a real
MLServer on 127.0.0.1) → probe the candidate → promote or roll back → probe what serves.

Local names mirror KServe's: the stable model is served as ``<serve.name>``, the candidate as
``<serve.name>-candidate`` (the canary, probed on its own as KServe's ``latest-`` URL is).
``<out>/state.json`` remembers the stable model across runs, as the InferenceService does in a
cluster; a failed candidate is unloaded and the stable model keeps serving throughout.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from nbgate.errors import InputError
from nbgate.outcomes import Outcome, verdict_for
from nbgate.promote.mlserver import LocalModelServer
from nbgate.promote.results import ExportResult, PromotionResult, RolloutResult, ServeResult, TrainResult
from nbgate.promote.serve import candidate_name
from nbgate.promote.spec import PromoteSpec
from nbgate.results import ProbeResult
from nbgate.spec.model import NotebookValidation

__all__ = ["LocalOptions", "promote_local"]


@dataclass
class LocalOptions:
    source_root: Path  # the checkout (spec.source.local resolved)
    output_dir: Path
    parameters: dict[str, Any] = field(default_factory=dict)  # training overrides (-p)
    validate: bool = True
    scraps: Path | None = None  # overrides rollout.scraps
    python: str | None = None  # the training interpreter (default: this one)


def _promote_spec(resource: NotebookValidation) -> PromoteSpec:
    promote = getattr(resource.spec, "promote", None)
    if promote is None:
        raise InputError("the spec has no spec.promote section: add one (see examples/churn/promote.yaml)")
    assert isinstance(promote, PromoteSpec)
    return promote


def _state(out: Path) -> dict[str, Any]:
    path = out / "state.json"
    return dict(json.loads(path.read_text())) if path.is_file() else {}


def _save_state(out: Path, state: dict[str, Any]) -> None:
    (out / "state.json").write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")


def _validate(
    resource: NotebookValidation, promote: PromoteSpec, opts: LocalOptions
) -> tuple[Outcome, str, dict[str, Any], Path | None]:
    from nbgate.runner.local import RunOptions, run_local

    only = resource.model_copy(
        update={"spec": resource.spec.model_copy(update={"notebooks": [promote.notebook], "exclude": []})}
    )
    out = opts.output_dir / "validation"
    run = run_local(only, RunOptions(output_dir=out, base_dir=opts.source_root, quiet=True, jobs=1))
    outcome = run.notebooks[0].outcome if run.notebooks else Outcome.INPUT_ERROR
    executed = out / "notebooks" / promote.notebook
    summary = {
        "verdict": run.verdict.value,
        "outcome": outcome.value,
        "message": run.message,
        "report": str(out),
    }
    return outcome, run.message, summary, executed if executed.is_file() else None


def _scraps(
    resource: NotebookValidation, promote: PromoteSpec, opts: LocalOptions, executed: Path | None
) -> Path | None:
    if opts.scraps is not None:
        return opts.scraps
    if promote.rollout.scraps == "executed" and executed is not None:
        return executed
    from nbgate.runner.golden import golden_path_for

    template = resource.spec.golden.path if resource.spec.golden is not None else "golden/{name}"
    golden = golden_path_for(template, promote.notebook, opts.source_root)
    return golden if golden.is_file() else executed


def _export(promote: PromoteSpec, opts: LocalOptions) -> tuple[ExportResult, Path]:
    from nbgate.promote.export import export_script

    notebook = opts.source_root / promote.notebook
    exported = export_script(
        notebook,
        tag=promote.export.tag,
        exclude_tag=promote.export.exclude_tag,
        model_variable=promote.train.model_variable,
        metrics=promote.train.metrics,
        source_name=promote.notebook,
    )
    script = opts.output_dir / "train" / f"{Path(promote.notebook).stem}.py"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(exported.text, encoding="utf-8")
    result = ExportResult(
        notebook=promote.notebook,
        script=str(script),
        mode=exported.mode,
        cells=exported.cells,
        parameters=exported.parameters,
        dropped_magics=exported.dropped_magics,
    )
    if promote.export.branch:
        from nbgate.promote.commit import commit_file

        p = Path(promote.notebook)
        rel = promote.export.path.format(stem=p.stem, name=p.name)
        done = commit_file(
            opts.source_root,
            rel,
            exported.text,
            branch=promote.export.branch,
            message=f"nbgate: export {promote.notebook} as {rel}",
        )
        result = result.model_copy(
            update={"commit": done.commit, "branch": done.branch, "pushed": done.pushed}
        )
    return result, script


def _train(promote: PromoteSpec, opts: LocalOptions, script: Path) -> TrainResult:
    from nbgate.promote.storage import local_location, revision_name
    from nbgate.promote.train import run_training

    parameters = {**promote.train.parameters, **opts.parameters}
    digest = hashlib.sha256(
        (script.read_text() + json.dumps(parameters, sort_keys=True, default=str)).encode()
    ).hexdigest()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    revision = revision_name(stamp, digest)
    location = local_location(opts.output_dir, promote.serve.name, revision)
    workdir = (opts.source_root / promote.notebook).parent
    return run_training(
        script,
        location,
        revision,
        workdir=workdir,
        parameters=parameters,
        timeout=promote.train.timeout,
        python=opts.python,
    )


def _probe(promote: PromoteSpec, url: str, model: str, scraps: Path | None) -> ProbeResult:
    from nbgate.steps.probe import probe

    ep = promote.rollout.endpoint.model_copy(
        update={
            "url": url,
            "model": model,
            "inference_service": None,
            "name": f"{promote.rollout.endpoint.name}:{model}",
        }
    )
    [result] = probe([ep], scraps=scraps, deadline=promote.rollout.deadline)
    return result


def _finish(name: str, outcome: Outcome, message: str, **parts: Any) -> PromotionResult:
    return PromotionResult(name=name, verdict=verdict_for(outcome), outcome=outcome, message=message, **parts)


def promote_local(
    resource: NotebookValidation, opts: LocalOptions, server: LocalModelServer
) -> PromotionResult:
    """Run the loop once against ``server`` (started by the caller; kept running between runs)."""
    from nbgate.promote.rollout import plan_rollout

    promote = _promote_spec(resource)
    name = resource.metadata.name
    opts.output_dir.mkdir(parents=True, exist_ok=True)
    validation: dict[str, Any] | None = None
    executed: Path | None = None
    if opts.validate:
        outcome, message, validation, executed = _validate(resource, promote, opts)
        if outcome is not Outcome.PASSED:
            return _finish(
                name, outcome, f"validation of {promote.notebook} failed: {message}", validation=validation
            )
    export, script = _export(promote, opts)
    train = _train(promote, opts, script)
    if train.outcome is not Outcome.PASSED:
        return _finish(name, train.outcome, train.message, validation=validation, export=export, train=train)

    # serve: restore the stable model if this server does not have it yet, load the candidate.
    stable_name, cand_name = promote.serve.name, candidate_name(promote.serve.name)
    state = _state(opts.output_dir)
    stable = state.get("stable")
    actions: list[str] = []
    if stable and not server.ready(stable_name):
        server.load(stable_name, Path(stable["modelDir"]))
        actions.append(f"load {stable_name} ← {stable['revision']} (the stable model)")
    server.load(cand_name, Path(train.model_dir))
    actions.append(f"load {cand_name} ← {train.revision}")
    serve = ServeResult(
        mode="local",
        action="load",
        inference_service=stable_name,
        url=f"{server.url}/v2/models/{stable_name}",
        candidate_url=f"{server.url}/v2/models/{cand_name}",
        previous_uri=(stable or {}).get("storageUri"),
    )

    scraps = _scraps(resource, promote, opts, executed)
    candidate = _probe(promote, server.url, cand_name, scraps)
    passed = candidate.outcome is Outcome.PASSED
    reason = candidate.message
    if passed:
        server.load(stable_name, Path(train.model_dir))
        actions.append(f"reload {stable_name} ← {train.revision} (promote: 100%)")
        state["previous"] = stable
        state["stable"] = {
            "revision": train.revision,
            "modelDir": train.model_dir,
            "storageUri": train.storage_uri,
        }
        _save_state(opts.output_dir, state)
    server.unload(cand_name)
    actions.append(
        f"unload {cand_name}" + ("" if passed else " (roll back: the stable model was never touched)")
    )
    decision: Literal["promote", "rollback"] = "promote" if passed else "rollback"
    plan = plan_rollout(promote, decision, reason, candidate_uri=train.storage_uri, revision=train.revision)
    after = _probe(promote, server.url, stable_name, scraps) if server.ready(stable_name) else None
    rollout = RolloutResult(
        decision=decision,
        reason=reason,
        candidate=candidate,
        stable=after,
        plan=plan.to_wire(),
        actions=actions,
    )
    if passed:
        outcome, message = Outcome.PASSED, f"model {train.revision} promoted: {reason}"
    else:
        still = (
            ""
            if after is None
            else f"; {stable_name} still serves {(stable or {}).get('revision', '?')} ({after.outcome.value})"
        )
        outcome, message = Outcome.MISMATCH, f"model {train.revision} rolled back: {reason}{still}"
    return _finish(
        name,
        outcome,
        message,
        validation=validation,
        export=export,
        train=train,
        serve=serve,
        rollout=rollout,
    )
