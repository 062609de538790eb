"""The promotion's API access on Argo: serve and rollout pods, and only they, get a token, each
as its own account (``nbgate-serve`` / ``nbgate-rollout``) bound to exactly the verbs its step
sends to the API server; ``nbgate-workflow``, which every other pod runs as, is bound to nothing.

Argo never writes ``automountServiceAccountToken: true`` into a pod (``nbgate.argo.pods``), so a
template saying ``true`` while running as ``nbgate-workflow`` (token off) gets no token: these
tests resolve the token the way Kubernetes does (``mounts_token``), from the accounts applied.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from argo_support import DIGESTS, run_checkov

from nbgate.argo.generate import dump_yaml
from nbgate.argo.pods import argo_pods, mounts_token
from nbgate.argo.promote import promote_rbac, promote_step_template, promotion_manifest
from nbgate.argo.settings import ArgoSettings, ImageSettings
from nbgate.outcomes import Outcome
from nbgate.promote.spec import PromoteSpec
from nbgate.results import ProbeResult
from nbgate.spec.pod import PodSpec

API_STEPS = {"serve": "nbgate-serve", "rollout": "nbgate-rollout"}
ISVC = {"apiGroups": ["serving.kserve.io"], "resources": ["inferenceservices"]}
RBAC_FILES = ("rbac.yaml", "promote/rbac.yaml")


def _docs(rendered: dict[str, str], *paths: str) -> list[dict[str, Any]]:
    return [d for p in paths for d in yaml.safe_load_all(rendered[p]) if d]


def _accounts(rendered: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every ServiceAccount workflows/ applies (the validation's and the promotion's)."""
    return {d["metadata"]["name"]: d for d in _docs(rendered, *RBAC_FILES) if d["kind"] == "ServiceAccount"}


def _template(pod: dict[str, Any]) -> str:
    return str(pod["metadata"]["labels"]["workflows.argoproj.io/template"])


def _promote_pods(rendered: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Every pod of the promotion: its per-step WorkflowTemplates and the promotion DAG."""
    pods = []
    for path, text in rendered.items():
        if path.startswith("promote/nbgate-"):
            for doc in yaml.safe_load_all(text):
                pods += [(path, pod) for pod in argo_pods(doc)]
    return pods


def test_only_serve_and_rollout_pods_get_a_token_each_as_its_own_account(rendered):
    accounts = _accounts(rendered)
    pods = _promote_pods(rendered)
    seen: dict[str, int] = {}
    for path, pod in pods:
        step, spec = _template(pod), pod["spec"]
        where = (path, step)
        seen[step] = seen.get(step, 0) + 1
        if step in API_STEPS:
            assert spec["serviceAccountName"] == API_STEPS[step], where
            assert "automountServiceAccountToken" not in spec, where  # Argo leaves `true` to the account
            assert mounts_token(pod, accounts), where
        else:
            assert spec["serviceAccountName"] == "nbgate-workflow", where
            assert spec["automountServiceAccountToken"] is False and not mounts_token(pod, accounts), where
    # Per-step template + the DAG's copy for the four promotion steps; clone and gate in the DAG.
    assert seen == {"export": 2, "train": 2, "serve": 2, "rollout": 2, "clone": 1, "gate": 1}


def test_the_accounts_must_allow_the_token(rendered):
    """What went wrong before: serve/rollout said `true` but ran as nbgate-workflow (`false`)."""
    accounts = _accounts(rendered)
    for step, account in API_STEPS.items():
        pod = next(p for _, p in _promote_pods(rendered) if _template(p) == step)
        assert accounts[account]["automountServiceAccountToken"] is True
        as_workflow = copy.deepcopy(pod)
        as_workflow["spec"]["serviceAccountName"] = "nbgate-workflow"
        assert not mounts_token(as_workflow, accounts), step
    tokens = sorted(n for n, a in accounts.items() if a["automountServiceAccountToken"])
    assert tokens == ["nbgate-probe", "nbgate-rollout", "nbgate-serve"]


def test_each_role_is_bound_to_exactly_its_own_account_and_none_is_unbound(rendered):
    docs = _docs(rendered, *RBAC_FILES)
    roles = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Role"}
    bindings = [d for d in docs if d["kind"] == "RoleBinding"]
    accounts = _accounts(rendered)
    assert not [d for d in docs if d["kind"] in ("ClusterRole", "ClusterRoleBinding")]
    bound = sorted(b["roleRef"]["name"] for b in bindings)
    assert bound == sorted(roles), "every Role has exactly one RoleBinding, every binding a Role"
    for binding in bindings:
        name = binding["roleRef"]["name"]
        assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name}
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": name}], name
        assert name in accounts, name
    # nbgate-workflow (every step without API calls) is bound to nothing.
    assert all(s["name"] != "nbgate-workflow" for b in bindings for s in b["subjects"])
    assert {"nbgate-serve", "nbgate-rollout"} <= set(roles)


def test_each_role_allows_exactly_what_its_step_needs(rendered):
    roles = {d["metadata"]["name"]: d for d in _docs(rendered, "promote/rbac.yaml") if d["kind"] == "Role"}
    assert roles["nbgate-serve"]["rules"] == [{**ISVC, "verbs": ["get", "create", "patch", "delete"]}]
    assert roles["nbgate-rollout"]["rules"] == [{**ISVC, "verbs": ["get", "patch", "delete"]}]
    # And only the promotion's Roles reach InferenceServices beyond the probe's get.
    for doc in _docs(rendered, "rbac.yaml"):
        if doc["kind"] == "Role" and doc["metadata"]["name"] != "nbgate-probe":
            assert all("serving.kserve.io" not in r["apiGroups"] for r in doc["rules"])


# ---- the verbs are the calls: serve / rollout run against a recording stand-in of nbgate.promote.kube


def _promote(mode: str) -> PromoteSpec:
    return PromoteSpec.model_validate({
        "notebook": "nb.ipynb",
        "serve": {"name": "iris", "namespace": "ml", "deploymentMode": mode},
        "rollout": {"endpoint": {"name": "e", "platform": "kserve-v2", "model": "iris",
                                 "url": "http://iris.ml.svc"}},
    })  # fmt: skip


class _Kube:
    """Stands in for nbgate.promote.kube: ``existing`` InferenceServices, every call recorded."""

    def __init__(self, existing: set[str]) -> None:
        self.existing = existing
        self.verbs: set[str] = set()

    def get(self, namespace: str, name: str) -> dict[str, Any] | None:
        self.verbs.add("get")
        spec = {"predictor": {"model": {"storageUri": "pvc://m/old"}}}
        return {"metadata": {"name": name}, "spec": spec} if name in self.existing else None

    def create(self, namespace: str, body: dict[str, Any]) -> dict[str, Any]:
        self.verbs.add("create")
        return body

    def patch(self, namespace: str, name: str, merge_patch: dict[str, Any]) -> dict[str, Any]:
        self.verbs.add("patch")
        return merge_patch

    def delete(self, namespace: str, name: str) -> None:
        self.verbs.add("delete")


def _install(monkeypatch: pytest.MonkeyPatch, fake: _Kube) -> None:
    from nbgate.promote import kube

    # Every API call of the steps goes through these four: a new one must be added here and to RBAC.
    assert sorted(kube.__all__) == ["create", "delete", "get", "patch"]
    for verb in kube.__all__:
        monkeypatch.setattr(kube, verb, getattr(fake, verb))


def _serve_verbs(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    from nbgate.steps.serve import serve

    verbs: set[str] = set()
    cases = [
        ("Serverless", set()),  # first model: create
        ("Serverless", {"iris"}),  # canary: patch
        ("RawDeployment", {"iris"}),  # candidate: create
        ("RawDeployment", {"iris", "iris-candidate"}),  # candidate replaced: delete + create
    ]
    for mode, existing in cases:
        fake = _Kube(existing)
        _install(monkeypatch, fake)
        serve(_promote(mode), "pvc://m/new", revision="r2")
        verbs |= fake.verbs
    return verbs


def _rollout_verbs(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    import nbgate.steps.probe
    from nbgate.steps.rollout import rollout

    verbs: set[str] = set()
    for mode in ("Serverless", "RawDeployment"):
        for outcome in (Outcome.PASSED, Outcome.MISMATCH):  # promote, roll back
            result = ProbeResult(endpoint="e", platform="kserve-v2", outcome=outcome)
            monkeypatch.setattr(nbgate.steps.probe, "probe", lambda *a, r=result, **k: [r])
            fake = _Kube({"iris", "iris-candidate"})
            _install(monkeypatch, fake)
            done = rollout(_promote(mode), url="http://canary.ml.svc", revision="r2")
            assert done.decision == ("promote" if outcome is Outcome.PASSED else "rollback")
            verbs |= fake.verbs
    return verbs


def test_the_role_verbs_are_the_calls_the_steps_make(monkeypatch):
    """Each Role allows what its step sends in some deployment mode, and nothing it never sends."""
    rules = {d["metadata"]["name"]: d["rules"] for d in promote_rbac(None) if d["kind"] == "Role"}
    for name, role_rules in rules.items():  # one rule each: InferenceServices, nothing else
        assert [{k: v for k, v in r.items() if k != "verbs"} for r in role_rules] == [ISVC], name
    assert set(rules["nbgate-serve"][0]["verbs"]) == _serve_verbs(monkeypatch)
    assert set(rules["nbgate-rollout"][0]["verbs"]) == _rollout_verbs(monkeypatch)


# ---- templates built from a spec's pod settings


SECRET_ENV = {"name": "IRIS_TOKEN", "valueFrom": {"secretKeyRef": {"name": "iris-auth", "key": "token"}}}


def _main(template: dict[str, Any]) -> dict[str, Any]:
    return dict(template["spec"]["templates"][0])


def test_rollout_gets_the_spec_env_for_the_canary_endpoint_serve_does_not():
    settings = ArgoSettings()
    pods = settings.pods(PodSpec(env=[SECRET_ENV]))
    rollout = _main(promote_step_template("rollout", settings, pods))
    serve = _main(promote_step_template("serve", settings, pods))
    assert SECRET_ENV in rollout["container"]["env"]
    assert all(e["name"] != "IRIS_TOKEN" for e in serve["container"]["env"])
    assert (rollout["serviceAccountName"], serve["serviceAccountName"]) == ("nbgate-rollout", "nbgate-serve")


def test_a_spec_service_account_runs_serve_and_rollout_too():
    """As for the probe: spec.pod.serviceAccountName runs every step; its RBAC is the author's."""
    settings = ArgoSettings()
    pods = settings.pods(PodSpec(service_account_name="team-a"))
    for step in API_STEPS:
        template = _main(promote_step_template(step, settings, pods))
        assert template["serviceAccountName"] == "team-a" and template["automountServiceAccountToken"] is True


# ---- checkov: the promotion's pods and RBAC (token only where needed, no wildcard, no secrets)


def test_checkov_passes_the_promotion_pods_and_rbac(tmp_path: Path):
    settings = ArgoSettings(images=ImageSettings(digests=DIGESTS), namespace="nbgate")
    pods = argo_pods(promotion_manifest(settings, settings.pods()))
    accounts = {d["metadata"]["name"]: d for d in promote_rbac("nbgate") if d["kind"] == "ServiceAccount"}
    for pod in pods:
        if mounts_token(pod, accounts):
            why = f"CKV_K8S_38=the {_template(pod)} step changes InferenceServices ({pod['spec']['serviceAccountName']} RBAC)"
            pod["metadata"]["annotations"] = {"checkov.io/skip1": why}
    (tmp_path / "promote.yaml").write_text(dump_yaml([*pods, *promote_rbac("nbgate")]))
    report = run_checkov(tmp_path)
    assert [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]] == []
    passed = {(c["check_id"], c["resource"]) for c in report["results"]["passed_checks"]}
    assert {
        ("CKV_K8S_38", "Pod.nbgate.nbgate-train"),  # no token
        ("CKV_K8S_49", "Role.nbgate.nbgate-serve"),  # no wildcard
        ("CKV_K8S_49", "Role.nbgate.nbgate-rollout"),
        ("CKV2_K8S_5", "RoleBinding.nbgate.nbgate-serve"),  # cannot read secrets
        ("CKV2_K8S_5", "RoleBinding.nbgate.nbgate-rollout"),
    } <= passed
    skipped = sorted((c["check_id"], c["resource"]) for c in report["results"]["skipped_checks"])
    assert skipped == [("CKV_K8S_38", "Pod.nbgate.nbgate-rollout"), ("CKV_K8S_38", "Pod.nbgate.nbgate-serve")]
