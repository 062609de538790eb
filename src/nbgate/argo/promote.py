"""Promotion on Argo: the export / train / serve / rollout step templates and the promotion DAG
validate → clone → export → train → serve → rollout → gate (issue 10).

The model lands on the PVC named by the ``model-pvc`` parameter (``/mnt/models``), so its
``storageUri`` is ``pvc://<model-pvc>/<model-path>/<revision>`` with the revision = the
workflow's name (see ``nbgate.promote.storage``). serve/rollout read the spec (its ``promote``
section) like the probe step does and change the InferenceService through the API server, each
as its own service account with its token (``promote_rbac``, ``workflows/promote/rbac.yaml``):
``nbgate-serve`` may get/create/patch/delete InferenceServices, ``nbgate-rollout``
get/patch/delete. Every other pod of the promotion runs as ``nbgate-workflow``, without a token.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hera.workflows import WorkflowTemplate
from hera.workflows import models as m

from nbgate.argo import cluster
from nbgate.argo.settings import CHECKOUT, INPUTS, RESULTS, WORKSPACE, ArgoSettings, StepPods, versioned
from nbgate.argo.steps import _artifact_in, _param, _pod_template, _raw, _results_out, _retry
from nbgate.argo.steps import gate_template as _gate
from nbgate.pod.shape import PodShape
from nbgate.promote.storage import MODEL_MOUNT

__all__ = [
    "PROMOTE_STEPS",
    "ROLLOUT_VERBS",
    "SERVE_VERBS",
    "promote_rbac",
    "promote_step_template",
    "promotion_manifest",
]

PROMOTE_STEPS = ("export", "train", "serve", "rollout")
_SCRIPT = f"{WORKSPACE}/train/train.py"
_MODEL_DIR = f"{MODEL_MOUNT}/{{{{inputs.parameters.model-path}}}}/{{{{inputs.parameters.revision}}}}"
_URI = "pvc://{{inputs.parameters.model-pvc}}/{{inputs.parameters.model-path}}/{{inputs.parameters.revision}}"


def export_template(settings: ArgoSettings, pods: StepPods) -> m.Template:
    args = [
        "export",
        f"{CHECKOUT}/{{{{inputs.parameters.notebook}}}}",
        "-o",
        _SCRIPT,
        "--tag={{inputs.parameters.tag}}",
        f"--result={RESULTS}/promote/export.json",
        f"--verdict={RESULTS}/promote/verdict.export.json",
    ]
    inputs = m.Inputs(
        parameters=[_param("notebook"), _param("tag", "train")],
        artifacts=_artifact_in(settings, "checkout", CHECKOUT),
    )
    outputs = m.Outputs(
        artifacts=[m.Artifact(name="script", path=_SCRIPT), *_results_out(settings, "promote/export")]
    )
    return _pod_template(
        "export", pods.light, settings.images.name("clone"), args, settings, inputs=inputs, outputs=outputs
    )


def train_template(settings: ArgoSettings, pods: StepPods) -> m.Template:
    args = [
        "train",
        _SCRIPT,
        f"--output-dir={_MODEL_DIR}",
        f"--cwd={{{{=sprig.dir('{CHECKOUT}/' + inputs.parameters.notebook)}}}}",
        "--timeout={{inputs.parameters.timeout}}",
        "--revision={{inputs.parameters.revision}}",
        f"--storage-uri={_URI}",
        "--parameters-json={{inputs.parameters.parameters}}",
        f"--result={RESULTS}/promote/train.json",
        f"--verdict={RESULTS}/promote/verdict.train.json",
    ]
    inputs = m.Inputs(
        parameters=[
            _param("notebook"),
            _param("revision", "{{workflow.name}}"),
            _param("parameters", "{}"),
            _param("timeout", "1800"),
            _param("model-pvc", "nbgate-models"),
            _param("model-path", "models"),
        ],
        artifacts=[*_artifact_in(settings, "checkout", CHECKOUT), m.Artifact(name="script", path=_SCRIPT)],
    )
    outputs = m.Outputs(
        parameters=[m.Parameter(name="storage-uri", value=_URI)],
        artifacts=_results_out(settings, "promote/train"),
    )
    shape = pods.execute
    template = _pod_template(
        "train",
        shape,
        shape.image or settings.images.name("execute"),
        args,
        settings,
        inputs=inputs,
        outputs=outputs,
    )
    assert template.container is not None
    template.container.volume_mounts = [
        *(template.container.volume_mounts or []),
        m.VolumeMount(name="models", mount_path=MODEL_MOUNT),
    ]
    return template


def _api_pod(step: str, settings: ArgoSettings, pods: StepPods) -> PodShape:
    """The pod of serve / rollout, the promotion's two steps that call the API server: the light
    shape (rollout: the probe's, with ``spec.pod.env`` for the canary endpoint's credentials), run
    as the step's own account with its token mounted. Argo copies a template's
    ``automountServiceAccountToken`` to the pod only when it is ``false``, so it is the account
    (``promote_rbac``: token allowed) that mounts it. A ``spec.pod.serviceAccountName`` wins, as
    for the probe (its RBAC is then the spec author's)."""
    base = pods.probe if step == "rollout" else pods.light
    own = settings.rollout_service_account if step == "rollout" else settings.serve_service_account
    return dataclasses.replace(
        base,
        service_account_name=pods.light.service_account_name or own,
        automount_service_account_token=True,
    )


def _cluster_step(
    name: str,
    settings: ArgoSettings,
    pods: StepPods,
    extra_args: list[str],
    extra_params: list[m.Parameter],
    artifacts: list[m.Artifact],
) -> m.Template:
    args = [
        name,
        f"{INPUTS}/spec.yaml",
        "--revision={{inputs.parameters.revision}}",
        *extra_args,
        f"--result={RESULTS}/promote/{name}.json",
        f"--verdict={RESULTS}/promote/verdict.{name}.json",
        "--exit-zero",
    ]
    inputs = m.Inputs(
        parameters=[_param("spec", "{}"), _param("revision", "{{workflow.name}}"), *extra_params],
        artifacts=[_raw("spec", f"{INPUTS}/spec.yaml"), *artifacts],
    )
    outputs = m.Outputs(artifacts=_results_out(settings, f"promote/{name}"))
    # These two talk to the API server: their own account and its token (RBAC: promote_rbac).
    return _pod_template(
        name,
        _api_pod(name, settings, pods),
        settings.images.name("probe"),
        args,
        settings,
        inputs=inputs,
        outputs=outputs,
        retry_strategy=_retry(settings.retries, backoff=True),
    )


def serve_template(settings: ArgoSettings, pods: StepPods) -> m.Template:
    return _cluster_step(
        "serve",
        settings,
        pods,
        ["--storage-uri={{inputs.parameters.storage-uri}}"],
        [_param("storage-uri")],
        [],
    )


def rollout_template(settings: ArgoSettings, pods: StepPods) -> m.Template:
    return _cluster_step(
        "rollout",
        settings,
        pods,
        [
            "--storage-uri={{inputs.parameters.storage-uri}}",
            f"--scraps={CHECKOUT}/{{{{inputs.parameters.scraps}}}}",
        ],
        [_param("storage-uri"), _param("scraps")],
        _artifact_in(settings, "checkout", CHECKOUT),
    )


_BUILDERS = {
    "export": export_template,
    "train": train_template,
    "serve": serve_template,
    "rollout": rollout_template,
}


def _models_volume(claim: str) -> m.Volume:
    return m.Volume(
        name="models", persistent_volume_claim=m.PersistentVolumeClaimVolumeSource(claim_name=claim)
    )


def _template_volumes(step: str, pods: StepPods, claim: str) -> list[m.Volume]:
    shape = pods.execute if step == "train" else pods.light
    volumes = [m.Volume.model_validate(v) for v in shape.volumes]
    return [*volumes, _models_volume(claim)] if step == "train" else volumes


def promote_step_template(step: str, settings: ArgoSettings, pods: StepPods) -> dict[str, Any]:
    """One promotion step as its own WorkflowTemplate (``templateRef``-able)."""
    template = _BUILDERS[step](settings, pods)
    template.volumes = _template_volumes(step, pods, "{{inputs.parameters.model-pvc}}")
    manifest = WorkflowTemplate(
        name=versioned(step),
        namespace=settings.namespace,
        entrypoint=step,
        templates=[template],
        labels={"app.kubernetes.io/part-of": "nbgate", "app.kubernetes.io/component": step},
        service_account_name=settings.service_account,
        automount_service_account_token=False,
        executor=m.ExecutorConfig(service_account_name=cluster.EXECUTOR_SA),
    )
    result: dict[str, Any] = manifest.to_dict()
    return result


def _wf(name: str) -> str:
    return "{{workflow.parameters.%s}}" % name  # noqa: UP031


def _task(
    name: str,
    depends: str | None,
    params: dict[str, str],
    artifacts: dict[str, str] | None = None,
    when: str | None = None,
) -> m.DAGTask:
    return m.DAGTask(
        name=name,
        template=name,
        depends=depends,
        when=when,
        arguments=m.Arguments(
            parameters=[m.Parameter(name=k, value=v) for k, v in params.items()],
            artifacts=[m.Artifact(name=k, from_=v) for k, v in (artifacts or {}).items()] or None,
        ),
    )


def _promotion_dag(settings: ArgoSettings) -> m.Template:
    checkout = (
        {"checkout": "{{tasks.clone.outputs.artifacts.checkout}}"} if settings.storage == "artifacts" else {}
    )
    passed = "{{=jsonpath(tasks.validate.outputs.parameters.verdict, '$.verdict') == 'passed'}}"
    tasks = [
        m.DAGTask(
            name="validate", template_ref=m.TemplateRef(name=versioned("validate"), template="validate")
        ),
        _task(
            "clone",
            "validate",
            {
                "repo": _wf("repo"),
                "revision": _wf("revision"),
                "notebooks": _wf("notebook"),
                "changed-between": "",
            },
            when=passed,
        ),
        _task("export", "clone", {"notebook": _wf("notebook"), "tag": _wf("tag")}, checkout),
        _task(
            "train",
            "export",
            {
                "notebook": _wf("notebook"),
                "revision": "{{workflow.name}}",
                "parameters": _wf("train-parameters"),
                "timeout": _wf("train-timeout"),
                "model-pvc": _wf("model-pvc"),
                "model-path": _wf("model-path"),
            },
            {**checkout, "script": "{{tasks.export.outputs.artifacts.script}}"},
        ),
        _task(
            "serve",
            "train",
            {
                "spec": _wf("spec"),
                "revision": "{{workflow.name}}",
                "storage-uri": "{{tasks.train.outputs.parameters.storage-uri}}",
            },
        ),
        _task(
            "rollout",
            "serve",
            {
                "spec": _wf("spec"),
                "revision": "{{workflow.name}}",
                "storage-uri": "{{tasks.train.outputs.parameters.storage-uri}}",
                "scraps": _wf("scraps"),
            },
            checkout,
        ),
        m.DAGTask(
            name="gate",
            template="gate",
            depends="(validate.Succeeded || validate.Failed) && "
            "(rollout.Succeeded || rollout.Failed || rollout.Skipped || rollout.Omitted)",
        ),
    ]
    return m.Template(name="promote", dag=m.DAGTemplate(tasks=tasks))


def promotion_manifest(settings: ArgoSettings, pods: StepPods) -> dict[str, Any]:
    """The promotion DAG as a WorkflowTemplate (it calls the validation template by reference)."""
    from nbgate.argo.settings import RunDefaults
    from nbgate.argo.steps import clone_template
    from nbgate.argo.validate import _workflow_parameters

    params = [
        *_workflow_parameters(RunDefaults()),
        m.Parameter(name="notebook", value="notebooks/train.ipynb", description="The training notebook."),
        m.Parameter(name="tag", value="train", description="Cells exported as the training script."),
        m.Parameter(name="train-parameters", value="{}", description="Training parameter overrides (JSON)."),
        m.Parameter(name="train-timeout", value="1800", description="Training timeout, seconds."),
        m.Parameter(name="model-pvc", value="nbgate-models", description="PVC the models land on."),
        m.Parameter(name="model-path", value="models", description="Folder on the PVC."),
        m.Parameter(
            name="scraps", value="golden/train.ipynb", description="Notebook with the recorded predictions."
        ),
    ]
    volumes = {str(v["name"]): v for s in (pods.clone, pods.execute, pods.light) for v in s.volumes}
    wt = WorkflowTemplate(
        name=versioned("promote"),
        namespace=settings.namespace,
        entrypoint="promote",
        labels={"app.kubernetes.io/part-of": "nbgate", "app.kubernetes.io/component": "promotion"},
        arguments=m.Arguments(parameters=params),
        templates=[
            _promotion_dag(settings),
            clone_template(settings, RunDefaults(), pods),
            *(_BUILDERS[s](settings, pods) for s in PROMOTE_STEPS),
            _gate(settings, RunDefaults(), pods),
        ],
        service_account_name=settings.service_account,
        automount_service_account_token=False,
        executor=m.ExecutorConfig(service_account_name=cluster.EXECUTOR_SA),
        volumes=[*(m.Volume.model_validate(v) for v in volumes.values()), _models_volume(_wf("model-pvc"))],
        artifact_repository_ref=m.ArtifactRepositoryRef(
            config_map=settings.artifact_repository, key=settings.artifact_repository_key
        )
        if settings.artifact_repository and settings.storage == "artifacts"
        else None,
    )
    result: dict[str, Any] = wt.to_dict()
    return result


# What each step sends to the API server (nbgate.promote.kube, called by nbgate.steps.serve /
# nbgate.steps.rollout), per deployment mode:
# * serve: get (is the InferenceService there? RawDeployment: is its candidate?), create (the
#   first InferenceService; a RawDeployment candidate), patch (a Serverless canary), delete (an
#   old RawDeployment candidate, replaced);
# * rollout: get (the canary's tag URL / the candidate's status.url), patch (promote or roll
#   back; RawDeployment promote: the main one's storageUri), delete (RawDeployment: the candidate).
# No list/watch (nothing polls: a not-ready status is a transient error Argo retries), no other
# resource. tests/argo/test_argo_promote_rbac.py records the calls and compares.
SERVE_VERBS = ("get", "create", "patch", "delete")
ROLLOUT_VERBS = ("get", "patch", "delete")


def promote_rbac(namespace: str | None) -> list[dict[str, Any]]:
    """Least privilege for serve/rollout: each its own ServiceAccount (token allowed, the
    only way Argo gives a pod one), Role (InferenceServices in the namespace, the verbs its step
    uses) and RoleBinding (that account only). ``nbgate-workflow``, which every other step runs
    as, is bound to nothing here."""

    def rules(verbs: tuple[str, ...]) -> list[dict[str, Any]]:
        return [
            {
                "apiGroups": [cluster.KSERVE_GROUP],
                "resources": [cluster.INFERENCE_SERVICES],
                "verbs": list(verbs),
            }
        ]

    return [
        cluster.service_account(cluster.SERVE_SA, namespace, token=True),
        *cluster.role_and_binding(cluster.SERVE_SA, rules(SERVE_VERBS), namespace),
        cluster.service_account(cluster.ROLLOUT_SA, namespace, token=True),
        *cluster.role_and_binding(cluster.ROLLOUT_SA, rules(ROLLOUT_VERBS), namespace),
    ]
