"""A Pod Security Standards checker: every ``baseline`` and ``restricted`` control, as published.

Written against https://kubernetes.io/docs/concepts/security/pod-security-standards/ (the controls
of Kubernetes 1.30+). ``check_pod`` takes a Pod, a pod template (``{metadata, spec}``) or a bare
PodSpec and checks every container: ``containers``, ``initContainers`` and ``ephemeralContainers``
— so an Argo pod with its ``init`` and ``wait`` executor containers is checked whole (see
``nbgate.argo.pods``). Windows-only exemptions are not modelled: nbgate pods are Linux pods.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CONTROLS", "Violation", "check_pod", "pod_spec_of"]

Level = Literal["baseline", "restricted"]

# Control names as the published standard titles them.
CONTROLS: dict[str, Level] = {
    "HostProcess": "baseline",
    "Host Namespaces": "baseline",
    "Privileged Containers": "baseline",
    "Capabilities": "baseline",
    "HostPath Volumes": "baseline",
    "Host Ports": "baseline",
    "AppArmor": "baseline",
    "SELinux": "baseline",
    "/proc Mount Type": "baseline",
    "Seccomp": "baseline",
    "Sysctls": "baseline",
    "Volume Types": "restricted",
    "Privilege Escalation": "restricted",
    "Running as Non-root": "restricted",
    "Running as Non-root user": "restricted",
    "Seccomp (restricted)": "restricted",
    "Capabilities (restricted)": "restricted",
}

_BASELINE_CAPS = {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}  # fmt: skip
_SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}  # fmt: skip
_SELINUX_TYPES = {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
_RESTRICTED_VOLUMES = {
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
    "persistentVolumeClaim", "projected", "secret",
}  # fmt: skip
_APPARMOR_TYPES = {"RuntimeDefault", "Localhost"}
_APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


@dataclass(frozen=True)
class Violation:
    control: str
    level: Level
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}/{self.control}: {self.path}: {self.message}"


def pod_spec_of(pod_or_template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(metadata, spec) of a Pod, a PodTemplateSpec, a ``{template: ...}`` wrapper or a bare PodSpec."""
    obj = pod_or_template
    if "template" in obj and isinstance(obj["template"], dict):
        obj = obj["template"]
    if "spec" in obj and isinstance(obj["spec"], dict):
        return obj.get("metadata") or {}, obj["spec"]
    return {}, obj


def _containers(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key in _CONTAINER_LISTS:
        for i, container in enumerate(spec.get(key) or []):
            yield f"spec.{key}[{i}]", container


def _v(control: str, path: str, message: str) -> Violation:
    return Violation(control, CONTROLS[control], path, message)


def _baseline(meta: dict[str, Any], spec: dict[str, Any]) -> Iterator[Violation]:
    psc = spec.get("securityContext") or {}
    if (psc.get("windowsOptions") or {}).get("hostProcess"):
        yield _v("HostProcess", "spec.securityContext.windowsOptions.hostProcess", "must be unset or false")
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field):
            yield _v("Host Namespaces", f"spec.{field}", "must be unset or false")
    for i, volume in enumerate(spec.get("volumes") or []):
        if "hostPath" in volume:
            yield _v("HostPath Volumes", f"spec.volumes[{i}].hostPath", "hostPath volumes are forbidden")
    profile = (psc.get("appArmorProfile") or {}).get("type")
    if profile is not None and profile not in _APPARMOR_TYPES:
        yield _v("AppArmor", "spec.securityContext.appArmorProfile.type", f"{profile!r} is not allowed")
    for key, value in (meta.get("annotations") or {}).items():
        if (
            key.startswith(_APPARMOR_ANNOTATION)
            and value
            and value != "runtime/default"
            and not value.startswith("localhost/")
        ):
            yield _v("AppArmor", f"metadata.annotations[{key}]", f"{value!r} is not allowed")
    yield from _selinux(psc.get("seLinuxOptions"), "spec.securityContext.seLinuxOptions")
    if (psc.get("seccompProfile") or {}).get("type") == "Unconfined":
        yield _v("Seccomp", "spec.securityContext.seccompProfile.type", "Unconfined is forbidden")
    for i, sysctl in enumerate(psc.get("sysctls") or []):
        if sysctl.get("name") not in _SAFE_SYSCTLS:
            yield _v(
                "Sysctls",
                f"spec.securityContext.sysctls[{i}]",
                f"{sysctl.get('name')!r} is not a safe sysctl",
            )
    for path, container in _containers(spec):
        sc = container.get("securityContext") or {}
        if (sc.get("windowsOptions") or {}).get("hostProcess"):
            yield _v(
                "HostProcess", f"{path}.securityContext.windowsOptions.hostProcess", "must be unset or false"
            )
        if sc.get("privileged"):
            yield _v("Privileged Containers", f"{path}.securityContext.privileged", "must be unset or false")
        for cap in (sc.get("capabilities") or {}).get("add") or []:
            if cap not in _BASELINE_CAPS:
                yield _v("Capabilities", f"{path}.securityContext.capabilities.add", f"{cap} is not allowed")
        for j, port in enumerate(container.get("ports") or []):
            if port.get("hostPort"):
                yield _v("Host Ports", f"{path}.ports[{j}].hostPort", "must be unset or 0")
        c_profile = (sc.get("appArmorProfile") or {}).get("type")
        if c_profile is not None and c_profile not in _APPARMOR_TYPES:
            yield _v(
                "AppArmor", f"{path}.securityContext.appArmorProfile.type", f"{c_profile!r} is not allowed"
            )
        yield from _selinux(sc.get("seLinuxOptions"), f"{path}.securityContext.seLinuxOptions")
        if sc.get("procMount") not in (None, "Default"):
            yield _v("/proc Mount Type", f"{path}.securityContext.procMount", "must be unset or Default")
        if (sc.get("seccompProfile") or {}).get("type") == "Unconfined":
            yield _v("Seccomp", f"{path}.securityContext.seccompProfile.type", "Unconfined is forbidden")


def _selinux(options: dict[str, Any] | None, path: str) -> Iterator[Violation]:
    if not options:
        return
    if options.get("type", "") not in _SELINUX_TYPES:
        yield _v("SELinux", f"{path}.type", f"{options.get('type')!r} is not allowed")
    for field in ("user", "role"):
        if options.get(field):
            yield _v("SELinux", f"{path}.{field}", "must be unset or empty")


def _restricted(spec: dict[str, Any]) -> Iterator[Violation]:
    psc = spec.get("securityContext") or {}
    for i, volume in enumerate(spec.get("volumes") or []):
        kinds = [k for k in volume if k != "name"]
        bad = [k for k in kinds if k not in _RESTRICTED_VOLUMES]
        if bad:
            yield _v("Volume Types", f"spec.volumes[{i}]", f"volume type {bad[0]} is not allowed")
    pod_non_root = psc.get("runAsNonRoot") is True
    pod_seccomp = (psc.get("seccompProfile") or {}).get("type")
    if psc.get("runAsUser") == 0:
        yield _v("Running as Non-root user", "spec.securityContext.runAsUser", "must not be 0")
    if pod_seccomp is not None and pod_seccomp not in ("RuntimeDefault", "Localhost"):
        yield _v(
            "Seccomp (restricted)",
            "spec.securityContext.seccompProfile.type",
            "must be RuntimeDefault or Localhost",
        )
    for path, container in _containers(spec):
        sc = container.get("securityContext") or {}
        if sc.get("allowPrivilegeEscalation") is not False:
            yield _v(
                "Privilege Escalation", f"{path}.securityContext.allowPrivilegeEscalation", "must be false"
            )
        non_root = sc.get("runAsNonRoot")
        if non_root is False or (non_root is None and not pod_non_root):
            yield _v(
                "Running as Non-root",
                f"{path}.securityContext.runAsNonRoot",
                "must be true (here or on the pod)",
            )
        if sc.get("runAsUser") == 0:
            yield _v("Running as Non-root user", f"{path}.securityContext.runAsUser", "must not be 0")
        seccomp = (sc.get("seccompProfile") or {}).get("type")
        if seccomp is None and pod_seccomp is None:
            yield _v(
                "Seccomp (restricted)",
                f"{path}.securityContext.seccompProfile",
                "RuntimeDefault or Localhost must be set (here or on the pod)",
            )
        elif seccomp is not None and seccomp not in ("RuntimeDefault", "Localhost"):
            yield _v(
                "Seccomp (restricted)",
                f"{path}.securityContext.seccompProfile.type",
                "must be RuntimeDefault or Localhost",
            )
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            yield _v(
                "Capabilities (restricted)", f"{path}.securityContext.capabilities.drop", "must drop ALL"
            )
        for cap in caps.get("add") or []:
            if cap != "NET_BIND_SERVICE":
                yield _v(
                    "Capabilities (restricted)",
                    f"{path}.securityContext.capabilities.add",
                    f"only NET_BIND_SERVICE may be added, not {cap}",
                )


def check_pod(pod_or_template: dict[str, Any], level: Level = "restricted") -> list[Violation]:
    """Every violation of the ``level`` profile (``restricted`` includes ``baseline``)."""
    meta, spec = pod_spec_of(pod_or_template)
    found = list(_baseline(meta, spec))
    if level == "restricted":
        found += list(_restricted(spec))
    return found
