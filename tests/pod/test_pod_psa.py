"""The PSA checker itself: a compliant pod passes; one mutated pod per Pod Security Standards
control (baseline and restricted) fails with exactly that control named."""

from __future__ import annotations

import copy

import pytest

from nbgate.pod import pod_shape
from nbgate.pod.psa import CONTROLS, check_pod


def good_pod():
    shape = pod_shape()
    container = shape.container("main", "ghcr.io/nbgate/nbgate-execute:0.1.0", ["execute", "nb.ipynb"])
    init = shape.container("init", "ghcr.io/nbgate/nbgate-execute:0.1.0", ["--version"])
    pod = shape.pod("p", [container])
    pod["spec"]["initContainers"] = [init]
    return pod


def _c(pod, i=0):
    return pod["spec"]["containers"][i]["securityContext"]


def _init(pod):
    return pod["spec"]["initContainers"][0]["securityContext"]


MUTATIONS = {
    "HostProcess": lambda p: _c(p).update(windowsOptions={"hostProcess": True}),
    "Host Namespaces": lambda p: p["spec"].update(hostPID=True),
    "Privileged Containers": lambda p: _init(p).update(privileged=True),
    "Capabilities": lambda p: _c(p).update(capabilities={"drop": ["ALL"], "add": ["SYS_ADMIN"]}),
    "HostPath Volumes": lambda p: p["spec"]["volumes"].append({"name": "h", "hostPath": {"path": "/"}}),
    "Host Ports": lambda p: p["spec"]["containers"][0].update(ports=[{"containerPort": 80, "hostPort": 80}]),
    "AppArmor": lambda p: _c(p).update(appArmorProfile={"type": "Unconfined"}),
    "SELinux": lambda p: _c(p).update(seLinuxOptions={"type": "spc_t"}),
    "/proc Mount Type": lambda p: _c(p).update(procMount="Unmasked"),
    "Seccomp": lambda p: p["spec"]["securityContext"].update(seccompProfile={"type": "Unconfined"}),
    "Sysctls": lambda p: p["spec"]["securityContext"].update(
        sysctls=[{"name": "kernel.msgmax", "value": "1"}]
    ),
    "Volume Types": lambda p: p["spec"]["volumes"].append({"name": "n", "nfs": {"server": "x", "path": "/"}}),
    "Privilege Escalation": lambda p: _init(p).pop("allowPrivilegeEscalation"),
    "Running as Non-root": lambda p: _c(p).update(runAsNonRoot=False),
    "Running as Non-root user": lambda p: _c(p).update(runAsUser=0),
    "Seccomp (restricted)": lambda p: (
        p["spec"]["securityContext"].pop("seccompProfile"),
        _c(p).pop("seccompProfile"),
    ),
    "Capabilities (restricted)": lambda p: _c(p).update(capabilities={"drop": ["NET_RAW"]}),
}


def test_the_pod_shape_is_restricted():
    assert check_pod(good_pod()) == []


def test_every_control_has_a_mutation():
    assert set(MUTATIONS) == set(CONTROLS)


@pytest.mark.parametrize("control", sorted(CONTROLS))
def test_one_mutation_per_control_fails(control):
    pod = copy.deepcopy(good_pod())
    MUTATIONS[control](pod)
    found = check_pod(pod)
    assert control in {v.control for v in found}, found
    level = CONTROLS[control]
    assert all(v.level in ("baseline", "restricted") for v in found)
    if level == "baseline":
        assert control in {v.control for v in check_pod(pod, level="baseline")}
    else:
        assert control not in {v.control for v in check_pod(pod, level="baseline")}


def test_pod_level_non_root_covers_containers_without_their_own():
    pod = good_pod()
    for c in pod["spec"]["containers"] + pod["spec"]["initContainers"]:
        c["securityContext"].pop("runAsNonRoot")
    assert check_pod(pod) == []
    pod["spec"]["securityContext"].pop("runAsNonRoot")
    assert {v.control for v in check_pod(pod)} == {"Running as Non-root"}


def test_accepts_templates_and_bare_specs():
    pod = good_pod()
    assert check_pod({"template": {"metadata": {}, "spec": pod["spec"]}}) == []
    spec = copy.deepcopy(pod["spec"])
    spec["hostNetwork"] = True
    assert [v.path for v in check_pod(spec)] == ["spec.hostNetwork"]


def test_apparmor_annotation_is_checked():
    pod = good_pod()
    pod["metadata"]["annotations"] = {"container.apparmor.security.beta.kubernetes.io/main": "unconfined"}
    assert [v.control for v in check_pod(pod)] == ["AppArmor"]
