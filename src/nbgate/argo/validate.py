"""The validation DAG: clone → fan out per notebook → execute → compare / probe → report → gate.

Steps run in cluster mode and write verdict files; ``report`` always runs and ``gate`` sets the
workflow's phase from the worst verdict. The fan-out is one ``withParam`` task over the clone's
notebook list, so a manifest stays the same size for 5 or 500 notebooks.
"""

from __future__ import annotations

from typing import Any, Literal

from hera.workflows import ClusterWorkflowTemplate, Workflow, WorkflowTemplate
from hera.workflows import models as m

from nbgate.argo import steps
from nbgate.argo.settings import WORKSPACE, ArgoSettings, RunDefaults, StepPods, versioned

__all__ = [
    "LABEL_COMMIT",
    "LABEL_REPO",
    "LABEL_TRIGGER",
    "dump_spec",
    "label_expression",
    "validation_workflow",
]

LABEL_REPO = "nbgate.dev/repo"
LABEL_COMMIT = "nbgate.dev/commit"
LABEL_TRIGGER = "nbgate.dev/trigger"
LABEL_SET = "nbgate.dev/parameter-set"


def label_expression(value: str) -> str:
    """An expr that turns ``value`` into a valid label value (≤63 chars, [A-Za-z0-9_.-], alnum ends)."""
    return (
        "sprig.trimAll('-_.', sprig.trunc(63, sprig.trimAll('-_.', "
        f"sprig.regexReplaceAll('[^A-Za-z0-9_.-]+', {value}, '-'))))"
    )


def _any_end(task: str) -> str:
    return f"({task}.Succeeded || {task}.Failed || {task}.Errored || {task}.Skipped || {task}.Omitted)"


def _workflow_parameters(defaults: RunDefaults) -> list[m.Parameter]:
    """Quoted strings throughout: YAML 1.2 readers must not turn `1e-06` or `true` into numbers."""
    values: list[tuple[str, str | None, str]] = [
        ("repo", defaults.repo or None, "Git URL of the notebooks' repository."),
        ("revision", defaults.revision, "Branch, tag or commit SHA; empty: the remote HEAD."),
        ("branch", "", "The pushed ref (refs/heads/…); keys the per-branch mutex."),
        ("notebooks", ",".join(defaults.notebooks), "Notebook paths or globs, comma-separated."),
        ("changed-between", "", "BEFORE..AFTER: validate only notebooks changed by a push."),
        ("parameters", defaults.parameters_json, "Papermill parameters, a JSON object."),
        ("parameter-set", defaults.parameter_set, "Name of the parameter set (smoke, full…): label only."),
        ("trigger", "manual", "manual, schedule or push."),
        (
            "golden",
            defaults.golden,
            "Golden path template ({path}, {dir}, {name}, {stem}); empty: no compare.",
        ),
        ("probe", "true" if defaults.probe else "false", "'true' to probe the spec's endpoints."),
        ("spec", defaults.spec_yaml, "The NotebookValidation spec (YAML), read by the probe step."),
        ("cell-timeout", str(defaults.cell_timeout), "Per-cell timeout, seconds."),
        ("deadline", str(defaults.deadline), "Whole-notebook deadline, seconds."),
    ]
    return [m.Parameter(name=n, value=v, description=d) for n, v, d in values]


def _arg(name: str, value: str) -> m.Parameter:
    return m.Parameter(name=name, value=value)


def _wf(name: str) -> str:
    return "{{workflow.parameters.%s}}" % name  # noqa: UP031


def _validate_dag(settings: ArgoSettings) -> m.Template:
    artifacts = settings.storage == "artifacts"
    fan_out = m.DAGTask(
        name="notebooks",
        template="validate-notebook",
        depends="clone",
        with_param="{{tasks.clone.outputs.parameters.notebooks}}",
        arguments=m.Arguments(
            parameters=[
                _arg("notebook", "{{item}}"),
                _arg("commit", "{{tasks.clone.outputs.parameters.commit}}"),
            ],
            artifacts=[m.Artifact(name="checkout", from_="{{tasks.clone.outputs.artifacts.checkout}}")]
            if artifacts
            else None,
        ),
    )
    tasks = [
        m.DAGTask(
            name="clone",
            template="clone",
            arguments=m.Arguments(
                parameters=[
                    _arg("repo", _wf("repo")),
                    _arg("revision", _wf("revision")),
                    _arg("notebooks", _wf("notebooks")),
                    _arg("changed-between", _wf("changed-between")),
                ]
            ),
        ),
        fan_out,
        m.DAGTask(
            name="report",
            template="report",
            depends=f"{_any_end('clone')} && {_any_end('notebooks')}",
            arguments=m.Arguments(
                parameters=[
                    _arg("repo", _wf("repo")),
                    _arg("revision", _wf("revision")),
                    _arg("commit", "{{tasks.clone.outputs.parameters.commit}}"),
                    _arg("trigger", _wf("trigger")),
                ]
            ),
        ),
        m.DAGTask(name="gate", template="gate", depends=_any_end("report")),
    ]
    lock = label_expression("workflow.parameters.repo + '-' + workflow.parameters.branch")
    return m.Template(
        name="validate",
        dag=m.DAGTemplate(tasks=tasks),
        parallelism=settings.parallelism,
        # Two pushes to one branch must not race: one validation per repo and branch at a time.
        synchronization=m.Synchronization(mutexes=[m.Mutex(name="nbgate-{{=%s}}" % lock)]),  # noqa: UP031
        outputs=m.Outputs(
            parameters=[
                m.Parameter(
                    name="verdict",
                    global_name="nbgate-verdict",
                    value_from=m.ValueFrom(parameter="{{tasks.report.outputs.parameters.verdict}}"),
                )
            ]
        ),
    )


def _notebook_dag(settings: ArgoSettings) -> m.Template:
    artifacts = settings.storage == "artifacts"
    checkout = [m.Artifact(name="checkout", from_="{{inputs.artifacts.checkout}}")] if artifacts else []
    executed = (
        [m.Artifact(name="executed", from_="{{tasks.execute.outputs.artifacts.executed}}")]
        if artifacts
        else []
    )
    tasks = [
        m.DAGTask(
            name="execute",
            template="execute",
            arguments=m.Arguments(
                parameters=[
                    _arg("notebook", "{{inputs.parameters.notebook}}"),
                    _arg("commit", "{{inputs.parameters.commit}}"),
                    _arg("parameters", _wf("parameters")),
                    _arg("cell-timeout", _wf("cell-timeout")),
                    _arg("deadline", _wf("deadline")),
                ],
                artifacts=checkout or None,
            ),
        ),
        m.DAGTask(
            name="compare",
            template="compare",
            depends="execute",
            when="'%s' != ''" % _wf("golden"),  # noqa: UP031
            arguments=m.Arguments(
                parameters=[
                    _arg("notebook", "{{inputs.parameters.notebook}}"),
                    _arg("golden", _wf("golden")),
                ],
                artifacts=[*checkout, *executed] or None,
            ),
        ),
        m.DAGTask(
            name="probe",
            template="probe",
            depends="execute",
            when="'%s' == 'true'" % _wf("probe"),  # noqa: UP031
            arguments=m.Arguments(
                parameters=[_arg("notebook", "{{inputs.parameters.notebook}}"), _arg("spec", _wf("spec"))],
                artifacts=executed or None,
            ),
        ),
    ]
    metrics = None
    if settings.metrics:
        metrics = m.Metrics(
            prometheus=[
                m.Prometheus(
                    name="nbgate_validations_total",
                    help="Notebook validations by result (the execute step's verdict) and notebook.",
                    labels=[
                        m.MetricLabel(key="result", value="{{outputs.parameters.verdict}}"),
                        m.MetricLabel(key="notebook", value="{{inputs.parameters.notebook}}"),
                    ],
                    counter=m.Counter(value="1"),
                ),
                m.Prometheus(
                    name="nbgate_notebook_duration_seconds",
                    help="Wall time of one notebook's validation (execute, compare, probe).",
                    labels=[m.MetricLabel(key="notebook", value="{{inputs.parameters.notebook}}")],
                    histogram=m.Histogram(
                        value="{{duration}}",
                        buckets=[m.Amount(root=b) for b in (10.0, 30.0, 60.0, 300.0, 900.0, 1800.0, 3600.0)],
                    ),
                ),
            ]
        )
    return m.Template(
        name="validate-notebook",
        inputs=m.Inputs(
            parameters=[m.Parameter(name="notebook"), m.Parameter(name="commit", value="")],
            artifacts=[m.Artifact(name="checkout")] if artifacts else None,
        ),
        dag=m.DAGTemplate(tasks=tasks),
        outputs=m.Outputs(
            parameters=[
                m.Parameter(
                    name="verdict",
                    value_from=m.ValueFrom(
                        expression="jsonpath(tasks.execute.outputs.parameters.verdict, '$.verdict')"
                    ),
                )
            ]
        ),
        metrics=metrics,
    )


def _volumes(pods: StepPods) -> list[m.Volume]:
    seen: dict[str, dict[str, Any]] = {}
    for shape in (pods.clone, pods.execute, pods.light, pods.probe):
        for volume in shape.volumes:
            seen.setdefault(str(volume["name"]), volume)
    return [m.Volume.model_validate(v) for v in seen.values()]


def _workflow_metrics() -> m.Metrics:
    return m.Metrics(
        prometheus=[
            m.Prometheus(
                name="nbgate_validation_runs_total",
                help="Validation runs by workflow status and trigger.",
                labels=[
                    m.MetricLabel(key="result", value="{{workflow.status}}"),
                    m.MetricLabel(key="trigger", value="{{workflow.parameters.trigger}}"),
                ],
                counter=m.Counter(value="1"),
            ),
            m.Prometheus(
                name="nbgate_validation_duration_seconds",
                help="Wall time of a whole validation run.",
                labels=[m.MetricLabel(key="result", value="{{workflow.status}}")],
                histogram=m.Histogram(
                    value="{{workflow.duration}}",
                    buckets=[m.Amount(root=b) for b in (60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0)],
                ),
            ),
        ]
    )


def step_templates(settings: ArgoSettings, defaults: RunDefaults, pods: StepPods) -> list[m.Template]:
    return [
        steps.clone_template(settings, defaults, pods),
        steps.execute_template(settings, defaults, pods),
        steps.compare_template(settings, defaults, pods),
        steps.probe_template(settings, defaults, pods),
        steps.report_template(settings, defaults, pods),
        steps.gate_template(settings, defaults, pods),
    ]


Kind = Literal["WorkflowTemplate", "ClusterWorkflowTemplate", "Workflow"]


def validation_workflow(
    settings: ArgoSettings,
    defaults: RunDefaults,
    pods: StepPods,
    *,
    kind: Kind = "WorkflowTemplate",
    name: str | None = None,
) -> Workflow:
    """The validation as a (Cluster)WorkflowTemplate or a ready ``Workflow`` (``nbgate compile``)."""
    labels = {"app.kubernetes.io/part-of": "nbgate", "app.kubernetes.io/component": "validation"}
    spec: dict[str, Any] = {
        "entrypoint": "validate",
        "arguments": m.Arguments(parameters=_workflow_parameters(defaults)),
        "templates": [
            _validate_dag(settings),
            _notebook_dag(settings),
            *step_templates(settings, defaults, pods),
        ],
        "service_account_name": settings.service_account,
        # Step pods get no API token; Argo's own init/wait containers use the executor's account.
        # The probe template alone may override this (its own account, see ArgoSettings.pods).
        "automount_service_account_token": False,
        "executor": m.ExecutorConfig(service_account_name="nbgate-executor"),
        "volumes": _volumes(pods),
        "ttl_strategy": m.TTLStrategy(
            seconds_after_success=settings.ttl_after_completion,
            seconds_after_failure=settings.ttl_after_failure,
        ),
        "pod_gc": m.PodGC(strategy="OnPodCompletion", delete_delay_duration="10m"),
        "workflow_metadata": m.WorkflowMetadata(
            labels=labels,
            labels_from={
                LABEL_REPO: m.LabelValueFrom(expression=label_expression("workflow.parameters.repo")),
                LABEL_COMMIT: m.LabelValueFrom(expression=label_expression("workflow.parameters.revision")),
                LABEL_TRIGGER: m.LabelValueFrom(expression=label_expression("workflow.parameters.trigger")),
                LABEL_SET: m.LabelValueFrom(
                    expression=label_expression("workflow.parameters['parameter-set']")
                ),
            },
        ),
        "pod_metadata": m.Metadata(labels={"app.kubernetes.io/part-of": "nbgate"}),
        "metrics": _workflow_metrics() if settings.metrics else None,
    }
    if settings.storage == "artifacts":
        if settings.artifact_repository:
            spec["artifact_repository_ref"] = m.ArtifactRepositoryRef(
                config_map=settings.artifact_repository, key=settings.artifact_repository_key
            )
        spec["artifact_gc"] = m.WorkflowLevelArtifactGC(
            strategy="OnWorkflowDeletion", service_account_name="nbgate-executor"
        )
    else:
        claim: dict[str, Any] = {
            "metadata": {"name": "nbgate-workspace"},
            "spec": {
                "accessModes": [settings.pvc_access_mode],
                "resources": {"requests": {"storage": settings.pvc_size}},
            },
        }
        if settings.pvc_storage_class:
            claim["spec"]["storageClassName"] = settings.pvc_storage_class
        spec["volume_claim_templates"] = [m.PersistentVolumeClaim.model_validate(claim)]
        spec["volume_claim_gc"] = m.VolumeClaimGC(strategy="OnWorkflowCompletion")
    metadata: dict[str, Any] = {"labels": labels, "namespace": settings.namespace}
    if kind == "Workflow":
        cls: type[Workflow] = Workflow
        metadata["generate_name"] = f"{name or 'nbgate-validate'}-"
    else:
        cls = ClusterWorkflowTemplate if kind == "ClusterWorkflowTemplate" else WorkflowTemplate
        metadata["name"] = name or versioned("validate")
        if kind == "ClusterWorkflowTemplate":
            metadata.pop("namespace")
    return cls(**metadata, **spec)


def validation_manifest(
    settings: ArgoSettings,
    defaults: RunDefaults,
    pods: StepPods,
    *,
    kind: Kind = "WorkflowTemplate",
    name: str | None = None,
) -> dict[str, Any]:
    """``validation_workflow`` as a dict, with the fix-ups Hera's models cannot express."""
    doc: dict[str, Any] = validation_workflow(settings, defaults, pods, kind=kind, name=name).to_dict()
    if settings.argo_version == "v3":
        # Argo 3.x types the memoize cache as a ConfigMapKeySelector (key required); 4.x as a
        # LocalObjectReference (key forbidden). Hera models the 4.x shape.
        for template in doc["spec"]["templates"]:
            cache = template.get("memoize", {}).get("cache", {}).get("configMap")
            if cache is not None:
                cache["key"] = "cache"
    return doc


def workspace_path(*parts: str) -> str:
    return "/".join((WORKSPACE, *parts))


def dump_spec(wire: dict[str, Any]) -> str:
    """The spec as the probe step reads it (YAML), for the ``spec`` parameter."""
    import yaml

    return str(yaml.safe_dump(wire, sort_keys=False))
