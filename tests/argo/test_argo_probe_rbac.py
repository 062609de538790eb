"""The probe step's API access: a token only in the probe pod, only when an ``inferenceService``
endpoint needs it, and RBAC that allows exactly ``get`` on ``inferenceservices.serving.kserve.io``
to the account that pod runs as."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from argo_support import SHARED, skip_or_fail, spec_file, validate_argo

from nbgate.argo.compile import compile_workflow
from nbgate.argo.pods import argo_pods, mounts_token
from nbgate.spec.load import load_spec

GET_ISVC = {"apiGroups": ["serving.kserve.io"], "resources": ["inferenceservices"], "verbs": ["get"]}
URL_ENDPOINT = {"name": "web", "platform": "kserve-v1", "model": "iris", "url": "http://iris.ml.svc"}
ISVC_ENDPOINT = {
    "name": "isvc",
    "platform": "kserve-v2",
    "model": "iris",
    "inferenceService": {"namespace": "ml", "name": "iris"},
}


def _rbac(rendered: dict[str, str]) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(rendered["rbac.yaml"]) if d]


def _accounts(rendered: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in _rbac(rendered) if d["kind"] == "ServiceAccount"}


def _validation_pods(rendered: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Every pod of the validation templates (per-step and DAG, namespaced and cluster-scoped)."""
    pods = []
    for path, text in rendered.items():
        if path.startswith(("templates/", "cluster/")) and "kustomization" not in path:
            for doc in yaml.safe_load_all(text):
                pods += [(path, pod) for pod in argo_pods(doc)]
    return pods


def _template(pod: dict[str, Any]) -> str:
    return str(pod["metadata"]["labels"]["workflows.argoproj.io/template"])


def _compiled_pods(tmp_path, **spec: Any) -> dict[str, dict[str, Any]]:
    manifest = compile_workflow(load_spec(spec_file(tmp_path, **spec)))
    assert validate_argo(manifest) == []
    return {_template(p): p for p in argo_pods(manifest)}


def test_generic_templates_mount_the_token_in_the_probe_pod_and_no_other(rendered):
    accounts = _accounts(rendered)
    pods = _validation_pods(rendered)
    assert len(pods) >= 20
    seen_probe = 0
    for path, pod in pods:
        mounted = mounts_token(pod, accounts)
        account = pod["spec"]["serviceAccountName"]
        where = (path, _template(pod))
        if _template(pod) == "probe":
            seen_probe += 1
            assert mounted and account == "nbgate-probe", where
        else:
            assert not mounted and pod["spec"]["automountServiceAccountToken"] is False, where
            assert account == "nbgate-workflow", where
    assert seen_probe == 4  # the probe WorkflowTemplate, the DAG's probe; each namespaced and cluster-scoped


def test_probe_account_may_get_inferenceservices_and_nothing_else(rendered):
    docs = _rbac(rendered)
    roles = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Role"}
    bindings = [d for d in docs if d["kind"] == "RoleBinding"]
    assert roles["nbgate-probe"]["rules"] == [GET_ISVC]
    to_probe = [b for b in bindings if {"kind": "ServiceAccount", "name": "nbgate-probe"} in b["subjects"]]
    assert [b["roleRef"] for b in to_probe] == [
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "nbgate-probe"}
    ]
    assert to_probe[0]["subjects"] == [{"kind": "ServiceAccount", "name": "nbgate-probe"}]
    # No other account of rbac.yaml reaches InferenceServices.
    for name, role in roles.items():
        if name != "nbgate-probe":
            assert all("serving.kserve.io" not in r["apiGroups"] for r in role["rules"]), name
    # Every account a validation pod runs as exists in rbac.yaml.
    accounts = _accounts(rendered)
    assert {p["spec"]["serviceAccountName"] for _, p in _validation_pods(rendered)} <= set(accounts)


def test_the_rule_names_the_kserve_crd_a_namespaced_role_can_grant():
    path = SHARED / "crds" / "serving.kserve.io_inferenceservices.yaml"
    if not path.exists():
        skip_or_fail(f"{path} is missing: the upstream schemas live beside the repo in shared/")
    crd = yaml.safe_load(path.read_text())
    assert crd["spec"]["group"] == GET_ISVC["apiGroups"][0]
    assert crd["spec"]["names"]["plural"] == GET_ISVC["resources"][0]
    assert crd["spec"]["scope"] == "Namespaced"
    # The version the probe step reads (nbgate.probe.resolve._PATH) is served by that CRD.
    from nbgate.probe.resolve import _PATH

    served = {v["name"] for v in crd["spec"]["versions"] if v.get("served")}
    assert _PATH.split("/")[3] in served and _PATH.split("/")[2] == crd["spec"]["group"]


def test_the_probe_account_must_allow_the_token_argo_leaves_it_to_the_account(rendered):
    """Argo never writes `automountServiceAccountToken: true` into a pod: with the account's
    own setting at false, the probe pod would have no token (what this test guards against)."""
    accounts = _accounts(rendered)
    probe = next(p for _, p in _validation_pods(rendered) if _template(p) == "probe")
    assert "automountServiceAccountToken" not in probe["spec"]
    assert accounts["nbgate-probe"]["automountServiceAccountToken"] is True
    broken = copy.deepcopy(accounts)
    broken["nbgate-probe"]["automountServiceAccountToken"] = False
    assert mounts_token(probe, accounts) and not mounts_token(probe, broken)
    # Every other account keeps tokens off by default.
    assert [n for n, a in accounts.items() if a["automountServiceAccountToken"]] == ["nbgate-probe"]


@pytest.mark.parametrize(
    ("endpoints", "needed"),
    [
        ([], False),
        ([URL_ENDPOINT], False),
        ([{**ISVC_ENDPOINT, "url": "http://iris.ml.svc"}], False),  # a url wins: no lookup
        ([URL_ENDPOINT, ISVC_ENDPOINT], True),
    ],
)
def test_compiled_workflow_mounts_the_probe_token_exactly_when_needed(tmp_path, rendered, endpoints, needed):
    accounts = _accounts(rendered)
    pods = _compiled_pods(tmp_path, endpoints=endpoints)
    assert set(pods) == {"clone", "execute", "compare", "probe", "report", "gate"}
    probe = pods.pop("probe")
    assert mounts_token(probe, accounts) is needed
    assert probe["spec"]["serviceAccountName"] == ("nbgate-probe" if needed else "nbgate-workflow")
    for name, pod in pods.items():
        assert pod["spec"]["automountServiceAccountToken"] is False, name
        assert not mounts_token(pod, accounts), name


def test_a_spec_service_account_is_the_probe_account_too(tmp_path, rendered):
    """spec.pod.serviceAccountName runs every step; its RBAC is the spec author's."""
    pods = _compiled_pods(tmp_path, endpoints=[ISVC_ENDPOINT], pod={"serviceAccountName": "team-a"})
    assert {p["spec"]["serviceAccountName"] for p in pods.values()} == {"team-a"}
    assert "automountServiceAccountToken" not in pods["probe"]["spec"]
    assert all(p["spec"]["automountServiceAccountToken"] is False for n, p in pods.items() if n != "probe")
