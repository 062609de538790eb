"""Submit a spec's pipeline to a Kubeflow Pipelines API server (``nbgate submit --kfp-host``).

The bearer token comes from the environment only — ``NBGATE_KFP_TOKEN``, else the
``KF_PIPELINES_SA_TOKEN_PATH`` file kfp.Client reads in-cluster — never from an argument,
so it is not on a command line, in a log or in an error message.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from nbgate.errors import InputError, TransientError
from nbgate.spec.model import NotebookValidation

__all__ = ["TOKEN_ENV", "submit"]

TOKEN_ENV = "NBGATE_KFP_TOKEN"  # noqa: S105 — the name of a variable, not a secret


def submit(
    resource: NotebookValidation,
    host: str,
    *,
    experiment: str | None = None,
    run_name: str | None = None,
    namespace: str | None = None,
    service_account: str | None = None,
) -> str:
    """Compile ``resource`` and start a run on ``host``; returns the run id."""
    import kfp

    from nbgate.kfp.compile import compile_spec
    from nbgate.kfp.platform import step_pods

    if not host.startswith(("http://", "https://")):
        raise InputError(f"--kfp-host {host!r} must be an http(s) URL, e.g. https://kfp.example.com")
    text = compile_spec(resource)
    account = service_account or step_pods(resource).service_account
    name = run_name or f"nbgate-{resource.metadata.name}"
    token = os.environ.get(TOKEN_ENV) or None
    with tempfile.TemporaryDirectory(prefix="nbgate-kfp-submit-") as tmp:
        package = Path(tmp) / "pipeline.yaml"
        package.write_text(text, encoding="utf-8")
        try:
            client = kfp.Client(host=host, existing_token=token, namespace=namespace or "kubeflow")
            run = client.create_run_from_pipeline_package(
                str(package),
                arguments={},
                run_name=name,
                experiment_name=experiment or "nbgate",
                namespace=namespace,
                service_account=account,
            )
        except Exception as exc:  # kfp raises urllib3/ApiException types; map them by status
            status = getattr(exc, "status", None)
            # Never echo the exception text: a server may reflect request headers back.
            if status in (401, 403):
                raise InputError(
                    f"KFP at {host} refused the credentials (HTTP {status}): set {TOKEN_ENV} to a valid token"
                ) from None
            if isinstance(status, int) and 400 <= status < 500:
                raise InputError(
                    f"KFP at {host} rejected the run (HTTP {status}): check the spec and namespace"
                ) from None
            raise TransientError(
                f"cannot reach KFP at {host} ({type(exc).__name__}): "
                "check the URL and that the API server is up"
            ) from None
    return str(run.run_id)
