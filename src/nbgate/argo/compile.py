"""``nbgate compile --target argo``: one spec → a ready Workflow; ``nbgate submit`` sends it.

Translation only: the spec's values become the validation template's parameter defaults and pod
settings; the DAG is the same one ``workflows/`` ships.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from nbgate.errors import InputError, TransientError

if TYPE_CHECKING:
    from nbgate.argo.settings import ArgoSettings, RunDefaults
    from nbgate.spec.load import LoadedSpec

__all__ = ["compile_workflow", "defaults_from_spec", "submit_workflow"]


def defaults_from_spec(loaded: LoadedSpec) -> RunDefaults:
    from nbgate.argo.settings import RunDefaults
    from nbgate.argo.validate import dump_spec

    resource = loaded.resource
    spec = resource.spec
    git = spec.source.git
    if git is None:
        raise InputError(
            f"spec {loaded.path or resource.metadata.name}: cluster runs clone from Git: set spec.source.git "
            "(source.local exists only on this machine)"
        )
    spec_yaml = dump_spec(resource.to_wire())
    timeouts = spec.timeouts
    return RunDefaults(
        repo=git.url,
        revision=git.ref or "",
        notebooks=tuple(spec.notebooks),
        exclude=tuple(spec.exclude),
        parameters_json=json.dumps(spec.effective_parameters(), sort_keys=True, default=str),
        parameter_set=spec.parameter_set or "",
        golden=spec.golden.path if spec.golden is not None else "",
        probe=bool(spec.endpoints),
        spec_yaml=spec_yaml,
        spec_digest=hashlib.sha256(spec_yaml.encode()).hexdigest()[:16],
        kernel=spec.kernel,
        cell_timeout=int(timeouts.cell or 600),
        deadline=int(timeouts.notebook or 3600),
        startup=int(timeouts.startup),
        depth=git.depth,
        submodules=git.submodules,
        lfs=git.lfs,
        report_formats=tuple(spec.report.formats),
        name=resource.metadata.name,
    )


def compile_workflow(loaded: LoadedSpec, settings: ArgoSettings | None = None) -> dict[str, Any]:
    """The Workflow manifest (a dict) that validates ``loaded`` on Argo."""
    from dataclasses import replace

    from nbgate.argo.settings import ArgoSettings
    from nbgate.argo.validate import validation_manifest
    from nbgate.probe.resolve import needs_api_lookup

    resource = loaded.resource
    spec = resource.spec
    settings = settings or ArgoSettings()
    git = spec.source.git
    if git is not None:
        settings = replace(settings, git_secret=git.credentials_secret)
    if resource.metadata.namespace and not settings.namespace:
        settings = replace(settings, namespace=resource.metadata.namespace)
    defaults = defaults_from_spec(loaded)
    # The probe pod gets a service-account token only when an endpoint is an InferenceService
    # to look up (nbgate-probe's RBAC: get inferenceservices); every other pod never does.
    pods = settings.pods(spec.pod, dict(loaded.profiles), probe_token=needs_api_lookup(spec.endpoints))
    manifest = validation_manifest(
        settings, defaults, pods, kind="Workflow", name=f"nbgate-{resource.metadata.name}"
    )
    labels = manifest["metadata"].setdefault("labels", {})
    labels.update(resource.metadata.labels)
    return manifest


def submit_workflow(manifest: dict[str, Any], server: str, namespace: str, token: str | None) -> str:
    """Create the Workflow through the Argo Server's API (Hera's WorkflowsService); its name."""
    from hera.workflows import WorkflowsService
    from hera.workflows import models as m

    service = WorkflowsService(host=server, token=token, namespace=namespace, verify_ssl=True)
    try:
        created = service.create_workflow(
            m.WorkflowCreateRequest(workflow=m.Workflow.model_validate(manifest)), namespace=namespace
        )
    except Exception as exc:  # hera raises its own and requests' errors: classify by message
        text = " ".join(str(exc).split())
        if any(code in text for code in ("400", "403", "401", "404", "409", "422")):
            raise InputError(f"Argo server {server} refused the workflow: {text[:300]}") from None
        raise TransientError(f"cannot reach the Argo server {server}: {text[:300]}") from None
    return str(created.metadata.name)
