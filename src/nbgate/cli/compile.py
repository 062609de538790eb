"""``nbgate compile --target argo|kfp SPEC [-o FILE]``: render a Workflow or a KFP pipeline."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["command", "render"]


def render(
    spec: Path,
    target: str,
    *,
    registry: str | None = None,
    tag: str | None = None,
    storage: str = "artifacts",
    memoize: bool = False,
) -> str:
    """The manifest text for ``spec`` on ``target`` (shared with ``nbgate submit``)."""
    from nbgate.spec.load import load_spec

    loaded = load_spec(spec)
    if target == "kfp":
        from nbgate.kfp.compile import compile_spec  # written by the KFP area; imported only here

        return str(compile_spec(loaded.resource))
    from dataclasses import replace

    from nbgate.argo.compile import compile_workflow
    from nbgate.argo.generate import dump_yaml
    from nbgate.argo.settings import ArgoSettings, ImageSettings

    images = ImageSettings()
    images = replace(images, registry=registry or images.registry, tag=tag or images.tag)
    settings = ArgoSettings(
        images=images, storage="pvc" if storage == "pvc" else "artifacts", memoize=memoize
    )
    return dump_yaml([compile_workflow(loaded, settings)])


@click.command("compile")
@click.option(
    "--target", type=click.Choice(["argo", "kfp"]), required=True, help="Argo Workflow or KFP pipeline."
)
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: stdout)."
)
@click.option("--registry", help="Image registry prefix (default: ghcr.io/nbgate).")
@click.option("--tag", help="Image tag (default: this nbgate's version).")
@click.option("--storage", type=click.Choice(["artifacts", "pvc"]), default="artifacts", show_default=True,
              help="Pass files through the artifact repository or a shared PVC (argo).")  # fmt: skip
@click.option(
    "--memoize", is_flag=True, help="Cache passed executions by commit, notebook, spec and image (argo)."
)
def command(
    target: str,
    spec: Path,
    output: Path | None,
    registry: str | None,
    tag: str | None,
    storage: str,
    memoize: bool,
) -> int:
    """Render a ready Argo Workflow (or KFP pipeline) for one spec."""
    text = render(spec, target, registry=registry, tag=tag, storage=storage, memoize=memoize)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        click.echo(f"nbgate: wrote {target} manifest {output}", err=True)
    return 0
