"""One Argo template per step: the step's image running the step's CLI, typed inputs and outputs.

Thin translation only: each template's ``args`` are the step CLI of ``docs/glossary.md`` in cluster
mode (``--exit-zero``: verdicts are files, the DAG goes on), and its pod is the shape from
``nbgate.pod``. Nothing here decides anything about notebooks.
"""

from __future__ import annotations

from typing import Any

from hera.workflows import models as m

from nbgate.argo.settings import CHECKOUT, INPUTS, RESULTS, WORKSPACE, ArgoSettings, RunDefaults, StepPods
from nbgate.pod.shape import PodShape

__all__ = [
    "GOLDEN_EXPRESSION",
    "clone_template",
    "compare_template",
    "execute_template",
    "gate_template",
    "probe_template",
    "report_template",
    "results_key",
]

# Argo (expr + sprig) version of nbgate.runner.golden.golden_path_for: fills {path}, {dir},
# {name}, {stem} from the notebook path. sprig.dir gives "." where Python gives "": both name the
# same file once joined.
GOLDEN_EXPRESSION = (
    "{{=sprig.replace('{stem}', sprig.trimSuffix('.ipynb', sprig.base(inputs.parameters.notebook)), "
    "sprig.replace('{name}', sprig.base(inputs.parameters.notebook), "
    "sprig.replace('{dir}', sprig.dir(inputs.parameters.notebook), "
    "sprig.replace('{path}', inputs.parameters.notebook, inputs.parameters.golden))))}}"
)
_NB = "{{inputs.parameters.notebook}}"
# Retry only what the step marks as transient (exit 3); a failing notebook exits 0 with its verdict.
_TRANSIENT = "asInt(lastRetry.exitCode) == 3"


def results_key(sub: str = "") -> str:
    """Key-only S3 artifact key of the run's results folder in the artifact repository."""
    return "nbgate/{{workflow.uid}}/results" + (f"/{sub}" if sub else "")


def _retry(limit: int, backoff: bool) -> m.RetryStrategy:
    return m.RetryStrategy(
        limit=m.IntOrString(root=limit),
        retry_policy="Always",
        expression=_TRANSIENT,
        backoff=m.Backoff(duration="10s", factor=m.IntOrString(root=2), max_duration="10m")
        if backoff
        else None,
    )


def _param(name: str, default: str | None = None) -> m.Parameter:
    return m.Parameter(name=name, value=default)


def _raw(name: str, path: str) -> m.Artifact:
    """A file holding the input parameter ``name`` (papermill parameters, the spec)."""
    return m.Artifact(name=name, path=path, raw=m.RawArtifact(data="{{inputs.parameters.%s}}" % name))  # noqa: UP031


def _results_out(settings: ArgoSettings, sub: str) -> list[m.Artifact]:
    if settings.storage == "pvc":
        return []
    return [
        m.Artifact(
            name="results",
            path=f"{RESULTS}/{sub}",
            s3=m.S3Artifact(key=results_key(sub)),
            archive=m.ArchiveStrategy(none=m.NoneStrategy()),
        )
    ]


def _results_in(settings: ArgoSettings) -> list[m.Artifact]:
    if settings.storage == "pvc":
        return []
    return [m.Artifact(name="results", path=RESULTS, s3=m.S3Artifact(key=results_key()))]


def _artifact_in(settings: ArgoSettings, name: str, path: str) -> list[m.Artifact]:
    return [] if settings.storage == "pvc" else [m.Artifact(name=name, path=path)]


def _pod_template(
    name: str,
    shape: PodShape,
    image: str,
    args: list[str],
    settings: ArgoSettings,
    *,
    inputs: m.Inputs | None = None,
    outputs: m.Outputs | None = None,
    working_dir: str | None = None,
    **extra: Any,
) -> m.Template:
    container = m.Container.model_validate(
        {
            "image": image,
            "imagePullPolicy": settings.images.pull_policy,
            "command": ["nbgate"],
            "args": args,
            "env": shape.env,
            **({"envFrom": shape.env_from} if shape.env_from else {}),
            "resources": shape.resources,
            "volumeMounts": [*shape.volume_mounts, *_workspace_mount(settings)],
            "securityContext": shape.container_security_context,
            **({"workingDir": working_dir} if working_dir else {}),
        }
    )
    return m.Template(
        name=name,
        metadata=m.Metadata(labels=shape.labels) if shape.labels else None,
        inputs=inputs,
        outputs=outputs,
        container=container,
        security_context=m.PodSecurityContext.model_validate(shape.security_context),
        automount_service_account_token=shape.automount_service_account_token,
        node_selector=shape.node_selector or None,
        tolerations=[m.Toleration.model_validate(t) for t in shape.tolerations] or None,
        affinity=m.Affinity.model_validate(shape.affinity) if shape.affinity else None,
        priority_class_name=shape.priority_class_name or settings.priority_class,
        service_account_name=shape.service_account_name,
        **extra,
    )


def _workspace_mount(settings: ArgoSettings) -> list[dict[str, Any]]:
    return [{"name": "nbgate-workspace", "mountPath": WORKSPACE}] if settings.storage == "pvc" else []


def clone_template(settings: ArgoSettings, defaults: RunDefaults, pods: StepPods) -> m.Template:
    args = [
        "clone",
        "--url={{inputs.parameters.repo}}",
        "--ref={{inputs.parameters.revision}}",
        "--notebooks={{inputs.parameters.notebooks}}",
        "--changed-between={{inputs.parameters.changed-between}}",
        f"--dest={CHECKOUT}",
        f"--notebooks-out={WORKSPACE}/clone/notebooks.json",
        f"--commit-out={WORKSPACE}/clone/commit",
        f"--result={RESULTS}/clone/clone.json",
        f"--verdict={RESULTS}/clone/verdict.clone.json",
        "--exit-zero",
    ]
    args += [f"--exclude={glob}" for glob in defaults.exclude]
    args.append(f"--depth={defaults.depth or 0}")
    if defaults.submodules:
        args.append("--submodules")
    if not defaults.lfs:
        args.append("--no-lfs")
    outputs = m.Outputs(
        parameters=[
            m.Parameter(
                name="notebooks",
                value_from=m.ValueFrom(path=f"{WORKSPACE}/clone/notebooks.json", default="[]"),
            ),
            m.Parameter(name="commit", value_from=m.ValueFrom(path=f"{WORKSPACE}/clone/commit", default="")),
        ],
        artifacts=(
            [] if settings.storage == "pvc" else [m.Artifact(name="checkout", path=CHECKOUT, optional=True)]
        )
        + _results_out(settings, "clone"),
    )
    inputs = m.Inputs(
        parameters=[
            _param("repo"),
            _param("revision", ""),
            _param("notebooks", "**/*.ipynb"),
            _param("changed-between", ""),
        ]
    )
    return _pod_template(
        "clone", pods.clone, settings.images.name("clone"), args, settings,
        inputs=inputs, outputs=outputs, retry_strategy=_retry(settings.retries, backoff=True),
    )  # fmt: skip


def execute_template(settings: ArgoSettings, defaults: RunDefaults, pods: StepPods) -> m.Template:
    shape = pods.execute
    image_name = "execute-gpu" if shape.gpus > 0 else "execute"
    image = shape.image or settings.images.name(image_name)
    args = [
        "execute",
        _NB,  # relative to the checkout (the working dir): results name the notebook as the repo does
        "-o",
        f"{WORKSPACE}/executed/{_NB}",
        "-f",
        f"{INPUTS}/parameters.json",
        "--cell-timeout={{inputs.parameters.cell-timeout}}",
        "--deadline={{inputs.parameters.deadline}}",
        f"--result={RESULTS}/{_NB}/execute.json",
        f"--verdict={RESULTS}/{_NB}/verdict.execute.json",
        "--exit-zero",
    ]
    if defaults.kernel:
        args.append(f"--kernel={defaults.kernel}")
    inputs = m.Inputs(
        parameters=[
            _param("notebook"),
            _param("parameters", "{}"),
            _param("cell-timeout", str(defaults.cell_timeout)),
            _param("deadline", str(defaults.deadline)),
            _param("commit", ""),
            _param("spec-digest", defaults.spec_digest),
            _param("image-digest", settings.images.digest(image_name)),
        ],
        artifacts=[
            _raw("parameters", f"{INPUTS}/parameters.json"),
            *_artifact_in(settings, "checkout", CHECKOUT),
        ],
    )  # fmt: skip
    outputs = m.Outputs(
        parameters=[
            m.Parameter(
                name="verdict",
                value_from=m.ValueFrom(
                    path=f"{RESULTS}/{_NB}/verdict.execute.json", default='{"verdict": "error"}'
                ),
            )
        ],
        artifacts=(
            []
            if settings.storage == "pvc"
            else [m.Artifact(name="executed", path=f"{WORKSPACE}/executed/{_NB}", optional=True)]
        )
        + _results_out(settings, _NB),
    )
    extra: dict[str, Any] = {
        "retry_strategy": _retry(2, backoff=False),
        # The notebook deadline is enforced by the step; the pod's is a backstop with room for the
        # kernel start-up and for writing the verdict after a deadline.
        "active_deadline_seconds": m.IntOrString(root=defaults.deadline + defaults.startup + 120),
    }
    if shape.gpus > 0:
        cm, key = settings.gpu_semaphore
        extra["synchronization"] = m.Synchronization(
            semaphores=[m.SemaphoreRef(config_map_key_ref=m.ConfigMapKeySelector(name=cm, key=key))]
        )
    if settings.memoize:
        extra["memoize"] = m.Memoize(
            key=(
                "{{=sprig.sha256sum(inputs.parameters.commit + '|' + inputs.parameters.notebook + '|' + "
                "inputs.parameters['spec-digest'] + '|' + inputs.parameters['image-digest'] + '|' + "
                "inputs.parameters.parameters)}}"
            ),
            cache=m.Cache.model_validate({"configMap": {"name": settings.memo_config_map}}),
            max_age=settings.memo_max_age,
        )
    return _pod_template(
        "execute", shape, image, args, settings, inputs=inputs, outputs=outputs, working_dir=CHECKOUT, **extra
    )


def compare_template(settings: ArgoSettings, defaults: RunDefaults, pods: StepPods) -> m.Template:
    args = [
        "compare",
        _NB,  # relative to the executed folder (the working dir), so results name the notebook
        f"{CHECKOUT}/{GOLDEN_EXPRESSION}",
        f"--result={RESULTS}/{_NB}/compare.json",
        f"--verdict={RESULTS}/{_NB}/verdict.compare.json",
        "--exit-zero",
    ]
    inputs = m.Inputs(
        parameters=[_param("notebook"), _param("golden", defaults.golden or "golden/{name}")],
        artifacts=[
            *_artifact_in(settings, "checkout", CHECKOUT),
            *_artifact_in(settings, "executed", f"{WORKSPACE}/executed/{_NB}"),
        ],
    )
    outputs = m.Outputs(artifacts=_results_out(settings, _NB))
    return _pod_template(
        "compare", pods.light, settings.images.name("compare"), args, settings,
        inputs=inputs, outputs=outputs, retry_strategy=_retry(2, backoff=False),
        working_dir=f"{WORKSPACE}/executed",
    )  # fmt: skip


def probe_template(settings: ArgoSettings, defaults: RunDefaults, pods: StepPods) -> m.Template:
    args = [
        "probe",
        f"{INPUTS}/spec.yaml",
        f"--scraps={WORKSPACE}/executed/{_NB}",
        f"--result={RESULTS}/{_NB}/probe.json",
        f"--verdict={RESULTS}/{_NB}/verdict.probe.json",
        "--exit-zero",
    ]
    inputs = m.Inputs(
        parameters=[_param("notebook"), _param("spec", "{}")],
        artifacts=[
            _raw("spec", f"{INPUTS}/spec.yaml"),
            *_artifact_in(settings, "executed", f"{WORKSPACE}/executed/{_NB}"),
        ],
    )  # fmt: skip
    outputs = m.Outputs(artifacts=_results_out(settings, _NB))
    # The one step that may call the API server: an `inferenceService:` endpoint's URL is its
    # status.url. pods.probe carries the nbgate-probe account (RBAC: get inferenceservices) and
    # `automountServiceAccountToken: true` only where that lookup can happen (ArgoSettings.pods).
    return _pod_template(
        "probe", pods.probe, settings.images.name("probe"), args, settings,
        inputs=inputs, outputs=outputs, retry_strategy=_retry(settings.retries, backoff=True),
    )  # fmt: skip


def report_template(settings: ArgoSettings, defaults: RunDefaults, pods: StepPods) -> m.Template:
    args = [
        "report",
        RESULTS,
        "-o",
        f"{WORKSPACE}/report",
        f"--format={','.join(defaults.report_formats)}",
        f"--name={defaults.name}",
        "--repo={{inputs.parameters.repo}}",
        "--revision={{inputs.parameters.revision}}",
        "--commit={{inputs.parameters.commit}}",
        "--run-id={{workflow.name}}",
        "--trigger={{inputs.parameters.trigger}}",
    ]
    inputs = m.Inputs(
        parameters=[
            _param("repo", ""),
            _param("revision", ""),
            _param("commit", ""),
            _param("trigger", "manual"),
        ],
        artifacts=_results_in(settings),
    )
    outputs = m.Outputs(
        parameters=[
            m.Parameter(
                name="verdict",
                value_from=m.ValueFrom(
                    path=f"{WORKSPACE}/report/verdict.json", default='{"verdict": "error"}'
                ),
            )
        ],
        artifacts=[]
        if settings.storage == "pvc"
        else [m.Artifact(name="report", path=f"{WORKSPACE}/report")],
    )
    return _pod_template(
        "report", pods.light, settings.images.name("report"), args, settings,
        inputs=inputs, outputs=outputs, retry_strategy=_retry(2, backoff=False),
    )  # fmt: skip


def gate_template(settings: ArgoSettings, defaults: RunDefaults, pods: StepPods) -> m.Template:
    """The last step: exit with the worst verdict of every step, so the workflow's phase tells."""
    return _pod_template(
        "gate", pods.light, settings.images.name("report"), ["gate", RESULTS], settings,
        inputs=m.Inputs(artifacts=_results_in(settings)),
    )  # fmt: skip
