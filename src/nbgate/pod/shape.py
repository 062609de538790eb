"""The pod shape of an nbgate step: PSA-``restricted``, read-only root, writable /tmp and ~/.cache.

``pod_shape`` merges the chosen profile with ``spec.pod`` into plain Kubernetes dicts that the Argo
templates, the KFP components and the image tests all use, so a pod is shaped in one place only.
Credentials come only from Secrets (``secretKeyRef`` env or mounted files); a literal value for a
secret-looking variable is refused.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from nbgate.errors import InputError
from nbgate.pod.constants import (
    CACHE_DIR,
    CACHE_SIZE,
    GID,
    GPU_RESOURCE,
    KUEUE_QUEUE_LABEL,
    TMP_DIR,
    TMP_SIZE,
    UID,
    WRITABLE_ENV,
)
from nbgate.pod.profiles import gpu_affinity, gpu_toleration, resolve_profile
from nbgate.spec.pod import PodProfile, PodSpec

__all__ = [
    "GIT_SECRET_DIR",
    "PodShape",
    "container_security_context",
    "git_credentials",
    "pod_security_context",
    "pod_shape",
]

GIT_SECRET_DIR = "/etc/nbgate/git"  # noqa: S105 — a mount path, not a secret
_SECRET_NAME = re.compile(r"(TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIAL)", re.IGNORECASE)


def pod_security_context() -> dict[str, Any]:
    """Pod level: non-root uid/gid 1000, fsGroup so a mounted PVC is writable, RuntimeDefault seccomp."""
    return {
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": GID,
        "fsGroup": GID,
        "fsGroupChangePolicy": "OnRootMismatch",
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security_context() -> dict[str, Any]:
    """Container level: everything PSA ``restricted`` asks for, plus a read-only root filesystem."""
    return {
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": GID,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


@dataclass(frozen=True)
class PodShape:
    """Everything about a step's pod except its command: plain Kubernetes dicts."""

    security_context: dict[str, Any]
    container_security_context: dict[str, Any]
    env: list[dict[str, Any]]
    env_from: list[dict[str, Any]]
    volumes: list[dict[str, Any]]
    volume_mounts: list[dict[str, Any]]
    resources: dict[str, Any]
    node_selector: dict[str, str] = field(default_factory=dict)
    tolerations: list[dict[str, Any]] = field(default_factory=list)
    affinity: dict[str, Any] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    priority_class_name: str | None = None
    service_account_name: str | None = None
    automount_service_account_token: bool = False
    image_pull_secrets: list[dict[str, str]] = field(default_factory=list)
    image: str | None = None
    gpus: int = 0

    def container(
        self, name: str, image: str, args: list[str], command: list[str] | None = None
    ) -> dict[str, Any]:
        """A container dict in this shape (used for stand-alone pods and the image tests)."""
        container: dict[str, Any] = {"name": name, "image": image}
        if command:
            container["command"] = command
        container["args"] = args
        container["env"] = self.env
        if self.env_from:
            container["envFrom"] = self.env_from
        container["resources"] = self.resources
        container["volumeMounts"] = self.volume_mounts
        container["securityContext"] = self.container_security_context
        # Copies: callers (tests, image harness) edit one container without touching the others.
        return copy.deepcopy(container)

    def pod(
        self, name: str, containers: list[dict[str, Any]], namespace: str | None = None
    ) -> dict[str, Any]:
        """A stand-alone Pod manifest with this shape around ``containers``."""
        metadata: dict[str, Any] = {"name": name}
        if namespace:
            metadata["namespace"] = namespace
        if self.labels:
            metadata["labels"] = dict(self.labels)
        spec: dict[str, Any] = {
            "restartPolicy": "Never",
            "automountServiceAccountToken": self.automount_service_account_token,
            "securityContext": self.security_context,
            "containers": containers,
            "volumes": self.volumes,
        }
        for key, value in (
            ("serviceAccountName", self.service_account_name),
            ("priorityClassName", self.priority_class_name),
            ("nodeSelector", self.node_selector or None),
            ("tolerations", self.tolerations or None),
            ("affinity", self.affinity),
            ("imagePullSecrets", self.image_pull_secrets or None),
        ):
            if value:
                spec[key] = value
        return copy.deepcopy({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec})


def git_credentials(secret: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Env, volumes and mounts that hand the Git credentials Secret to ``nbgate clone``.

    Keys are optional so one Secret shape (token, or username+password, or ssh-privatekey) fits:
    the token and password arrive as env from ``secretKeyRef``, the SSH key as a mounted file.
    """

    def ref(name: str, key: str) -> dict[str, Any]:
        return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key, "optional": True}}}

    env = [
        ref("NBGATE_GIT_TOKEN", "token"),
        ref("NBGATE_GIT_USERNAME", "username"),
        ref("NBGATE_GIT_PASSWORD", "password"),
        {"name": "NBGATE_GIT_SSH_KEY_FILE", "value": f"{GIT_SECRET_DIR}/ssh-privatekey"},
        {"name": "NBGATE_GIT_KNOWN_HOSTS_FILE", "value": f"{GIT_SECRET_DIR}/known_hosts"},
    ]
    volumes = [
        {
            "name": "git-credentials",
            "secret": {
                "secretName": secret,
                "optional": True,
                "defaultMode": 0o440,
                "items": [
                    {"key": "ssh-privatekey", "path": "ssh-privatekey"},
                    {"key": "known_hosts", "path": "known_hosts"},
                ],
            },
        }
    ]
    mounts = [{"name": "git-credentials", "mountPath": GIT_SECRET_DIR, "readOnly": True}]
    return env, volumes, mounts


def _check_env(env: list[dict[str, Any]], where: str) -> None:
    for item in env:
        name = str(item.get("name", ""))
        if "value" in item and _SECRET_NAME.search(name):
            raise InputError(
                f"{where}: env {name} has a literal value; credentials come from Secrets only: "
                "use valueFrom.secretKeyRef (name: the Secret, key: the entry)"
            )


def _merge_env(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Later groups override earlier ones by name; order of first appearance is kept."""
    merged: dict[str, dict[str, Any]] = {}
    for group in groups:
        for item in group:
            merged[str(item["name"])] = item
    return list(merged.values())


def _resources(profile: PodProfile, pod: PodSpec) -> dict[str, Any]:
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    for source in (profile.resources, pod.resources):
        if source is not None:
            requests.update(source.requests)
            limits.update(source.limits)
    if profile.gpus > 0:
        # Extended resources are whole devices and need request == limit.
        limits[GPU_RESOURCE] = str(profile.gpus)
        requests[GPU_RESOURCE] = str(profile.gpus)
    resources: dict[str, Any] = {}
    if requests:
        resources["requests"] = {k: str(v) for k, v in requests.items()}
    if limits:
        resources["limits"] = {k: str(v) for k, v in limits.items()}
    return resources


def pod_shape(
    pod: PodSpec | None = None,
    profiles: dict[str, PodProfile] | None = None,
    *,
    profile: str | None = None,
    credentials_secret: str | None = None,
    needs_service_account_token: bool = False,
    secret_env: list[dict[str, Any]] | None = None,
) -> PodShape:
    """The pod shape for ``spec.pod`` with its named profile (``profile`` overrides the choice).

    ``profiles`` are the spec's named profiles (``nbgate.spec.z2jh.resolve_profiles``);
    ``credentials_secret`` is ``source.git.credentialsSecret`` for the clone step;
    ``secret_env`` adds ``secretKeyRef`` env (e.g. endpoint tokens for the probe step).
    """
    pod = pod or PodSpec()
    chosen = resolve_profile(profile or pod.profile, profiles)
    _check_env(chosen.env, f"pod profile {profile or pod.profile!r}")
    _check_env(pod.env, "spec.pod")
    _check_env(secret_env or [], "secret env")

    volumes: list[dict[str, Any]] = [
        {"name": "tmp", "emptyDir": {"sizeLimit": TMP_SIZE}},
        {"name": "cache", "emptyDir": {"sizeLimit": CACHE_SIZE}},
    ]
    mounts: list[dict[str, Any]] = [
        {"name": "tmp", "mountPath": TMP_DIR},
        {"name": "cache", "mountPath": CACHE_DIR},
    ]
    base_env = [{"name": name, "value": value} for name, value in WRITABLE_ENV]
    extra_env: list[dict[str, Any]] = []
    if credentials_secret:
        git_env, git_volumes, git_mounts = git_credentials(credentials_secret)
        extra_env += git_env
        volumes += git_volumes
        mounts += git_mounts
    if pod.data is not None:
        data = pod.data
        volumes.append(
            {
                "name": "data",
                "persistentVolumeClaim": {"claimName": data.claim_name, "readOnly": data.read_only},
            }
        )
        mount: dict[str, Any] = {"name": "data", "mountPath": data.mount_path, "readOnly": data.read_only}
        if data.sub_path:
            mount["subPath"] = data.sub_path
        mounts.append(mount)
    volumes += pod.volumes
    mounts += pod.volume_mounts

    env = _merge_env(base_env, chosen.env, extra_env, secret_env or [], pod.env)
    secret_names = [e["name"] for e in env if "secretKeyRef" in (e.get("valueFrom") or {})]
    if secret_names:
        # The steps redact the values of these variables from every log and report.
        env.append({"name": "NBGATE_SECRET_ENV", "value": ",".join(secret_names)})

    tolerations = [*chosen.tolerations, *pod.tolerations]
    affinity = pod.affinity or chosen.affinity
    if chosen.gpus > 0:
        if not any(t.get("key") == GPU_RESOURCE for t in tolerations):
            tolerations.append(gpu_toleration())
        if affinity is None:
            affinity = gpu_affinity(chosen.accelerator)

    labels: dict[str, str] = {}
    if pod.queue_name:
        labels[KUEUE_QUEUE_LABEL] = pod.queue_name

    return PodShape(
        security_context=pod_security_context(),
        container_security_context=container_security_context(),
        env=env,
        env_from=list(pod.env_from),
        volumes=volumes,
        volume_mounts=mounts,
        resources=_resources(chosen, pod),
        node_selector={**chosen.node_selector, **pod.node_selector},
        tolerations=tolerations,
        affinity=affinity,
        labels=labels,
        priority_class_name=pod.priority_class_name,
        service_account_name=pod.service_account_name,
        automount_service_account_token=needs_service_account_token,
        image_pull_secrets=[{"name": name} for name in pod.image_pull_secrets],
        image=pod.image or chosen.image,
        gpus=chosen.gpus,
    )
