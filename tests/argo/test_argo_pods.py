"""Every pod the templates make — main container plus Argo's init/wait from the executor
snippet — passes the PSA ``restricted`` check and checkov's Kubernetes checks."""

from __future__ import annotations

from pathlib import Path

from argo_support import DIGESTS, run_checkov

from nbgate.argo.cluster import executor_config, rbac
from nbgate.argo.generate import dump_yaml, render_all
from nbgate.argo.pods import argo_pods, mounts_token
from nbgate.argo.settings import ArgoSettings, ImageSettings, RunDefaults
from nbgate.argo.validate import validation_manifest
from nbgate.pod.psa import check_pod
from nbgate.spec.pod import DataVolume, PodSpec


def all_pods():
    pods = []
    for text in render_all().values():
        import yaml

        for doc in yaml.safe_load_all(text):
            if doc and doc["kind"] in ("WorkflowTemplate", "ClusterWorkflowTemplate", "Workflow"):
                pods += argo_pods(doc)
    settings = ArgoSettings(images=ImageSettings(digests=DIGESTS), storage="pvc", memoize=True)
    pod = PodSpec(profile="gpu", queue_name="team-a", data=DataVolume(claim_name="datasets"))
    pods += argo_pods(validation_manifest(settings, RunDefaults(), settings.pods(pod), kind="Workflow"))
    return pods


def test_every_pod_passes_psa_restricted():
    pods = all_pods()
    assert len(pods) >= 30
    for pod in pods:
        names = [c["name"] for c in pod["spec"]["initContainers"] + pod["spec"]["containers"]]
        assert names == ["init", "wait", "main"]
        assert check_pod(pod) == [], pod["metadata"]["name"]


def test_without_the_executor_snippet_argo_containers_fail():
    """The controller's default init/wait containers are not restricted: the snippet is needed."""
    pod = argo_pods(next(iter(_validate_docs())), executor={})[0]
    controls = {v.control for v in check_pod(pod)}
    assert {"Privilege Escalation", "Capabilities (restricted)"} <= controls
    assert all("main" not in v.path for v in check_pod(pod) if "containers[1]" in v.path)


def _validate_docs():
    import yaml

    text = render_all()["templates/nbgate-validate-v0-1.yaml"]
    return [d for d in yaml.safe_load_all(text) if d]


def test_executor_snippet_is_restricted():
    sc = executor_config()["securityContext"]
    assert sc["runAsNonRoot"] and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]} and sc["seccompProfile"]["type"] == "RuntimeDefault"


# CKV_K8S_38 (token mounted only where necessary) is skipped on the one pod that needs it, by
# the annotation checkov reads per resource: every other pod is still checked for it.
PROBE_TOKEN_SKIP = {"checkov.io/skip1": "CKV_K8S_38=the probe reads InferenceServices (nbgate-probe RBAC)"}


def test_checkov_kubernetes_checks_pass(tmp_path: Path):
    settings = ArgoSettings(images=ImageSettings(digests=DIGESTS))
    pods = argo_pods(validation_manifest(settings, RunDefaults(), settings.pods()))
    gpu = settings.pods(PodSpec(profile="gpu", queue_name="q"), probe_token=False)
    pods += argo_pods(validation_manifest(settings, RunDefaults(), gpu, kind="Workflow"))
    accounts = {a["metadata"]["name"]: a for a in rbac("nbgate") if a["kind"] == "ServiceAccount"}
    with_token = [p for p in pods if mounts_token(p, accounts)]
    assert [p["metadata"]["labels"]["workflows.argoproj.io/template"] for p in with_token] == ["probe"]
    with_token[0]["metadata"]["annotations"] = PROBE_TOKEN_SKIP
    # The RBAC too (namespaced, as applied): checkov's RBAC checks (wildcards, secrets, escalation).
    (tmp_path / "pods.yaml").write_text(dump_yaml([*pods, *rbac("nbgate")]))
    report = run_checkov(tmp_path)  # not quiet: the passed and skipped checks are asserted on below
    failed = [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
    assert failed == []
    assert report["summary"]["passed"] > 100
    passed = {(c["check_id"], c["resource"]) for c in report["results"]["passed_checks"]}
    assert {
        ("CKV_K8S_38", "Pod.nbgate.nbgate-execute"),  # no token
        ("CKV_K8S_49", "Role.nbgate.nbgate-probe"),  # no wildcard
        ("CKV2_K8S_5", "RoleBinding.nbgate.nbgate-probe"),  # cannot read secrets
    } <= passed
    skipped = [(c["check_id"], c["resource"]) for c in report["results"]["skipped_checks"]]
    assert skipped == [("CKV_K8S_38", "Pod.nbgate.nbgate-probe")]


def test_checkov_would_catch_bad_pods(tmp_path: Path):
    """The checkov run can fail: a privileged main container and a root one are both reported."""
    settings = ArgoSettings(images=ImageSettings(digests=DIGESTS))
    privileged, root = argo_pods(validation_manifest(settings, RunDefaults(), settings.pods()))[:2]
    sc = privileged["spec"]["containers"][1]["securityContext"]
    sc["privileged"] = True
    sc["allowPrivilegeEscalation"] = True
    for holder in (root["spec"]["containers"][1]["securityContext"], root["spec"]["securityContext"]):
        holder["runAsUser"] = 0
        holder["runAsNonRoot"] = False
    (tmp_path / "pods.yaml").write_text(dump_yaml([privileged, root]))
    report = run_checkov(tmp_path, quiet=True)
    failed = {(c["check_id"], c["resource"].split(".")[-1]) for c in report["results"]["failed_checks"]}
    assert ("CKV_K8S_16", privileged["metadata"]["name"]) in failed  # privileged container
    assert any(name == root["metadata"]["name"] for _, name in failed)
