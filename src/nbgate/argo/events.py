"""Argo Events on Git push: an EventSource (GitHub + GitLab webhooks) and a Sensor that submits
the validation WorkflowTemplate for the pushed commit. Plain dicts: Hera models no Argo Events.

Data paths are gjson (Argo Events' syntax), kept in ``GITHUB`` / ``GITLAB`` so the tests evaluate
exactly these paths against recorded push payloads. A push that deletes a branch (GitHub
``deleted: true``; GitLab ``after`` all zeros) matches no dependency and starts nothing.
"""

from __future__ import annotations

from typing import Any

from nbgate.argo.cluster import SENSOR_SA
from nbgate.argo.settings import versioned
from nbgate.pod.shape import container_security_context, pod_security_context

__all__ = ["EVENT_SOURCE", "GITHUB", "GITLAB", "ZERO_SHA", "event_source", "sensor"]

EVENT_SOURCE = "nbgate-git"
ZERO_SHA = "0" * 40
PORT = 12000

# Workflow parameter → gjson path in the webhook event (Argo Events wraps the payload in `body`).
GITHUB: dict[str, str] = {
    "repo": "body.repository.clone_url",
    "revision": "body.after",
    "branch": "body.ref",
    "before": "body.before",
    "after": "body.after",
}
GITLAB: dict[str, str] = {
    "repo": "body.project.git_http_url",
    "revision": "body.checkout_sha",
    "branch": "body.ref",
    "before": "body.before",
    "after": "body.after",
}
# Order of spec.arguments.parameters in the submitted Workflow (the sjson dest indexes).
SUBMITTED = ("repo", "revision", "branch", "changed-between", "trigger", "parameter-set", "parameters")


def _meta(name: str, namespace: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": {"app.kubernetes.io/part-of": "nbgate"}}
    if namespace:
        meta["namespace"] = namespace
    return meta


def event_source(
    namespace: str | None = None,
    github_repositories: list[dict[str, Any]] | None = None,
    gitlab_projects: list[str] | None = None,
    secret: str = "nbgate-webhook",  # noqa: S107 — the Secret's name
    public_url: str = "https://nbgate-events.example.com",
) -> dict[str, Any]:
    """Webhook receivers; each checks the sender's secret (GitHub HMAC, GitLab token)."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "EventSource",
        "metadata": _meta(EVENT_SOURCE, namespace),
        "spec": {
            "template": {
                "serviceAccountName": SENSOR_SA,
                "securityContext": pod_security_context(),
                "container": {"securityContext": container_security_context()},
            },
            "service": {"ports": [{"port": PORT, "targetPort": PORT}]},
            "github": {
                "github-push": {
                    "repositories": github_repositories or [{"owner": "example", "names": ["notebooks"]}],
                    "webhook": {
                        "endpoint": "/github",
                        "port": str(PORT),
                        "method": "POST",
                        "url": public_url,
                    },
                    "events": ["push"],
                    "webhookSecret": {"name": secret, "key": "github"},
                    "contentType": "json",
                    "active": True,
                    "insecure": False,
                }
            },
            "gitlab": {
                "gitlab-push": {
                    "projects": gitlab_projects or ["example/notebooks"],
                    "webhook": {
                        "endpoint": "/gitlab",
                        "port": str(PORT),
                        "method": "POST",
                        "url": public_url,
                    },
                    "events": ["PushEvents"],
                    "secretToken": {"name": secret, "key": "gitlab"},
                    "gitlabBaseURL": "https://gitlab.example.com",
                }
            },
        },
    }


def _filters(provider: str) -> dict[str, Any]:
    if provider == "github":
        data = [
            {"path": "headers.X-Github-Event.0", "type": "string", "value": ["^push$"]},
            {"path": "body.deleted", "type": "bool", "value": ["false"]},
        ]
    else:
        data = [
            {"path": "body.object_kind", "type": "string", "value": ["push"]},
            {"path": "body.after", "type": "string", "value": [f"^{ZERO_SHA}$"], "comparator": "!="},
        ]
    return {"data": data}


def _trigger(
    provider: str, paths: dict[str, str], parameters_json: str, namespace: str | None
) -> dict[str, Any]:
    dependency = f"{provider}-push"
    constant = {
        "trigger": "push",
        "parameter-set": "smoke",
        "parameters": parameters_json,
        "changed-between": "..",
    }
    workflow = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "generateName": "nbgate-push-",
            **({"namespace": namespace} if namespace else {}),
            "labels": {"app.kubernetes.io/part-of": "nbgate"},
        },
        "spec": {
            "workflowTemplateRef": {"name": versioned("validate")},
            "arguments": {"parameters": [{"name": n, "value": constant.get(n, "")} for n in SUBMITTED]},
        },
    }

    def param(name: str, path: str, operation: str | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "src": {"dependencyName": dependency, "dataKey": path},
            "dest": f"spec.arguments.parameters.{SUBMITTED.index(name)}.value",
        }
        if operation:
            item["operation"] = operation
        return item

    parameters = [
        param("repo", paths["repo"]),
        param("revision", paths["revision"]),
        param("branch", paths["branch"]),
        # ".." becomes "BEFORE..AFTER": the clone validates only the notebooks the push changed.
        param("changed-between", paths["before"], "prepend"),
        param("changed-between", paths["after"], "append"),
    ]
    return {
        "template": {
            "name": f"{provider}-validate",
            "conditions": dependency,
            "argoWorkflow": {
                "operation": "submit",
                "source": {"resource": workflow},
                "parameters": parameters,
            },
        },
        "retryStrategy": {"steps": 3, "duration": "10s"},
    }


def sensor(namespace: str | None = None, parameters_json: str = "{}") -> dict[str, Any]:
    """Submit ``nbgate-validate`` for each push (the ``smoke`` set: ``parameters_json``)."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Sensor",
        "metadata": _meta("nbgate-push", namespace),
        "spec": {
            "template": {
                "serviceAccountName": SENSOR_SA,
                "securityContext": pod_security_context(),
                "container": {"securityContext": container_security_context()},
            },
            "dependencies": [
                {
                    "name": f"{provider}-push",
                    "eventSourceName": EVENT_SOURCE,
                    "eventName": f"{provider}-push",
                    "filters": _filters(provider),
                }
                for provider in ("github", "gitlab")
            ],
            "triggers": [
                _trigger("github", GITHUB, parameters_json, namespace),
                _trigger("gitlab", GITLAB, parameters_json, namespace),
            ],
        },
    }
