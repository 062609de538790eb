"""``nbgate submit SPEC --argo-server URL [--namespace NS] | --kfp-host URL``.

The Argo token comes from the environment (``ARGO_TOKEN``), never from the command line.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from nbgate.errors import InputError

__all__ = ["command"]


@click.command("submit")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--argo-server", help="Argo Server URL, e.g. https://argo.example.com (token: env ARGO_TOKEN).")
@click.option("--namespace", default=None, help="Namespace (default: the spec's, else 'default').")
@click.option("--kfp-host", help="Kubeflow Pipelines API URL.")
def command(spec: Path, argo_server: str | None, namespace: str | None, kfp_host: str | None) -> int:
    """Submit a spec's validation to an Argo server or a KFP host."""
    if bool(argo_server) == bool(kfp_host):
        raise InputError("nbgate submit needs exactly one of --argo-server URL or --kfp-host URL")
    from nbgate.spec.load import load_spec

    loaded = load_spec(spec)
    if kfp_host:
        from nbgate.kfp.submit import submit  # written by the KFP area; imported only here

        run = submit(loaded.resource, kfp_host)
        click.echo(f"nbgate: submitted to {kfp_host}: {run}", err=True)
        return 0
    from nbgate.argo.compile import compile_workflow, submit_workflow

    assert argo_server is not None
    manifest = compile_workflow(loaded)
    ns = namespace or loaded.resource.metadata.namespace or "default"
    manifest["metadata"]["namespace"] = ns
    token = os.environ.get("ARGO_TOKEN") or None
    name = submit_workflow(manifest, argo_server, ns, token)
    click.echo(name)
    click.echo(f"nbgate: submitted workflow {ns}/{name} to {argo_server}", err=True)
    return 0
