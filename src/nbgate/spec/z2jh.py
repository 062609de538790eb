"""Import pod profiles from a Zero-to-JupyterHub (z2jh) Helm values file.

``spec.profilesFrom.z2jhValues`` names the hub's values file; its ``singleuser.profileList`` becomes
nbgate's named pod profiles, so a validation runs with the images and scheduling the hub's users
pick from. A profile applies over the chart-wide ``singleuser`` settings (image, cpu, memory,
extraResource, nodeSelector, extraTolerations, extraNodeAffinity, extraEnv), as z2jh applies it.

* key: the profile's ``slug``, else its ``display_name`` slugified (as KubeSpawner does);
* ``profile_options`` with ``choices``: one extra profile per choice, ``<slug>-<choice>`` (the other
  options at their defaults); the profile itself gets every option's default choice;
* KubeSpawner's byte sizes are binary (``2G`` = 2 GiB), so ``mem_limit: 2G`` becomes ``2Gi``;
* whatever has no nbgate equivalent becomes a warning naming the profile and the key.

``default: true`` only marks what the hub's form preselects; nbgate's default stays ``pod.profile``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbgate.errors import InputError

if TYPE_CHECKING:
    from nbgate.spec.model import NotebookValidation
    from nbgate.spec.pod import PodProfile

__all__ = ["load_z2jh_profiles", "profiles_from_values", "resolve_profiles", "slugify"]

GPU_RESOURCES = ("nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/i915")
_BYTE_UNITS = {"K": "Ki", "M": "Mi", "G": "Gi", "T": "Ti"}
_HANDLED = {
    "image", "image_spec", "cpu_limit", "cpu_guarantee", "mem_limit", "mem_guarantee",
    "extra_resource_limits", "extra_resource_guarantees", "tolerations", "node_selector",
    "node_affinity_required", "node_affinity_preferred", "pod_affinity_required",
    "pod_affinity_preferred", "pod_anti_affinity_required", "pod_anti_affinity_preferred",
    "environment", "extra_pod_config",
}  # fmt: skip
# KubeSpawner keys that shape the hub's UI or the hub's spawn, not the pod a notebook runs in.
_HUB_ONLY = {"default_url", "start_timeout", "http_timeout", "slug", "display_name", "description"}
_AFFINITY = {
    "node_affinity_required": ("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"),
    "node_affinity_preferred": ("nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
    "pod_affinity_required": ("podAffinity", "requiredDuringSchedulingIgnoredDuringExecution"),
    "pod_affinity_preferred": ("podAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
    "pod_anti_affinity_required": ("podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"),
    "pod_anti_affinity_preferred": ("podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
}


def slugify(text: str) -> str:
    """``"GPU notebook (T4)"`` → ``gpu-notebook-t4``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "profile"


def kube_bytes(value: Any) -> str | int:
    """A KubeSpawner byte size (binary units) as a Kubernetes quantity."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT])", text)
    if not match:
        return text  # already a Kubernetes quantity ('2Gi', '512Mi') or bytes as a string
    number, unit = match.groups()
    if "." in number:
        factor = 1024 ** (list(_BYTE_UNITS).index(unit) + 1)
        return int(float(number) * factor)
    return f"{number}{_BYTE_UNITS[unit]}"


def _quantity(value: Any) -> str | int | float:
    return value if isinstance(value, (int, float, str)) and not isinstance(value, bool) else str(value)


def _base_override(singleuser: dict[str, Any]) -> dict[str, Any]:
    """The chart-wide ``singleuser`` settings, written as a KubeSpawner override."""
    out: dict[str, Any] = {}
    image = singleuser.get("image") or {}
    if isinstance(image, dict) and image.get("name"):
        out["image"] = f"{image['name']}:{image['tag']}" if image.get("tag") else image["name"]
    for key, (limit, guarantee) in {"cpu": ("cpu_limit", "cpu_guarantee"),
                                    "memory": ("mem_limit", "mem_guarantee")}.items():  # fmt: skip
        section = singleuser.get(key) or {}
        if section.get("limit") is not None:
            out[limit] = section["limit"]
        if section.get("guarantee") is not None:
            out[guarantee] = section["guarantee"]
    extra = singleuser.get("extraResource") or {}
    if extra.get("limits"):
        out["extra_resource_limits"] = dict(extra["limits"])
    if extra.get("guarantees"):
        out["extra_resource_guarantees"] = dict(extra["guarantees"])
    if singleuser.get("nodeSelector"):
        out["node_selector"] = dict(singleuser["nodeSelector"])
    if singleuser.get("extraTolerations"):
        out["tolerations"] = list(singleuser["extraTolerations"])
    affinity = singleuser.get("extraNodeAffinity") or {}
    if affinity.get("required"):
        out["node_affinity_required"] = list(affinity["required"])
    if affinity.get("preferred"):
        out["node_affinity_preferred"] = list(affinity["preferred"])
    if singleuser.get("extraEnv"):
        env = singleuser["extraEnv"]
        # z2jh takes a mapping (name: value or name: {valueFrom}) or a list of EnvVars.
        out["environment"] = env if isinstance(env, dict) else {e["name"]: e for e in env if "name" in e}
    return out


def _env(environment: dict[str, Any]) -> list[dict[str, Any]]:
    env = []
    for name, value in environment.items():
        if isinstance(value, dict):
            env.append({"name": name, **{k: v for k, v in value.items() if k != "name"}})
        else:
            env.append({"name": name, "value": str(value)})
    return env


def _profile(
    override: dict[str, Any], info: dict[str, Any], where: str, warnings: list[str]
) -> dict[str, Any]:
    """A ``PodProfile`` wire dict from a merged KubeSpawner override."""
    profile: dict[str, Any] = {}
    for key in ("display_name", "description"):
        if info.get(key):
            profile["displayName" if key == "display_name" else key] = str(info[key])
    image = override.get("image") or override.get("image_spec")
    if image:
        profile["image"] = image
    limits: dict[str, Any] = {}
    requests: dict[str, Any] = {}
    if override.get("cpu_limit") is not None:
        limits["cpu"] = _quantity(override["cpu_limit"])
    if override.get("cpu_guarantee") is not None:
        requests["cpu"] = _quantity(override["cpu_guarantee"])
    if override.get("mem_limit") is not None:
        limits["memory"] = kube_bytes(override["mem_limit"])
    if override.get("mem_guarantee") is not None:
        requests["memory"] = kube_bytes(override["mem_guarantee"])
    for name, value in (override.get("extra_resource_limits") or {}).items():
        limits[name] = _quantity(value)
    for name, value in (override.get("extra_resource_guarantees") or {}).items():
        requests[name] = _quantity(value)
    if limits or requests:
        profile["resources"] = {"limits": limits, "requests": requests}
    gpus = next(
        (limits.get(r) or requests.get(r) for r in GPU_RESOURCES if limits.get(r) or requests.get(r)), None
    )
    if gpus is not None:
        # Kept in resources too: the same number in both places, whichever the pod builder reads.
        profile["gpus"] = int(float(gpus))

    node_selector = dict(override.get("node_selector") or {})
    tolerations = list(override.get("tolerations") or [])
    affinity: dict[str, Any] = {}
    for key, (kind, rule) in _AFFINITY.items():
        terms = override.get(key)
        if not terms:
            continue
        if rule.startswith("required") and kind == "nodeAffinity":
            affinity.setdefault(kind, {})[rule] = {"nodeSelectorTerms": list(terms)}
        else:
            affinity.setdefault(kind, {})[rule] = list(terms)
    env = _env(override.get("environment") or {})

    for key, value in (override.get("extra_pod_config") or {}).items():
        # extra_pod_config is merged into the pod spec: honour the scheduling part of it.
        if key in ("nodeSelector", "node_selector"):
            node_selector.update(value)
        elif key == "tolerations":
            tolerations.extend(value)
        elif key == "affinity":
            for kind, rules in value.items():
                affinity.setdefault(kind, {}).update(rules)
        else:
            warnings.append(f"{where}: kubespawner_override.extra_pod_config.{key} is not honoured")
    if node_selector:
        profile["nodeSelector"] = {k: str(v) for k, v in node_selector.items()}
    if tolerations:
        profile["tolerations"] = tolerations
    if affinity:
        profile["affinity"] = affinity
    if env:
        profile["env"] = env
    for key in sorted(set(override) - _HANDLED - _HUB_ONLY):
        warnings.append(f"{where}: kubespawner_override.{key} is not honoured")
    return profile


def _merge(*overrides: dict[str, Any]) -> dict[str, Any]:
    """KubeSpawner's order: later overrides replace keys; dicts of resources/env merge."""
    out: dict[str, Any] = {}
    for override in overrides:
        for key, value in override.items():
            if key in (
                "extra_resource_limits",
                "extra_resource_guarantees",
                "environment",
                "node_selector",
            ) and (isinstance(value, dict) and isinstance(out.get(key), dict)):
                out[key] = {**out[key], **value}
            else:
                out[key] = value
    return out


def _singleuser(values: Any, name: str) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise InputError(f"z2jh values file {name} must be a mapping (a Helm values file)")
    for root in (values, values.get("jupyterhub")):  # z2jh itself, or as a subchart
        found = root.get("singleuser") if isinstance(root, dict) else None
        if isinstance(found, dict) and found.get("profileList"):
            singleuser: dict[str, Any] = found
            return singleuser
    raise InputError(
        f"z2jh values file {name} has no singleuser.profileList (nor jupyterhub.singleuser.profileList)"
    )


def profiles_from_values(values: Any, name: str) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Profile wire dicts keyed by name, and warnings, from parsed z2jh values."""
    singleuser = _singleuser(values, name)
    base = _base_override(singleuser)
    profiles: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    for index, entry in enumerate(singleuser["profileList"]):
        if not isinstance(entry, dict) or not (entry.get("slug") or entry.get("display_name")):
            raise InputError(
                f"z2jh values file {name}: singleuser.profileList[{index}] needs a display_name or slug"
            )
        slug = str(entry.get("slug") or slugify(str(entry["display_name"])))
        where = f"z2jh profile {slug!r}"
        own = entry.get("kubespawner_override") or {}
        options = entry.get("profile_options") or {}
        defaults: dict[str, Any] = {}
        for option_name, option in options.items():
            if option.get("unlisted_choice"):
                warnings.append(f"{where}: profile_options.{option_name}.unlisted_choice is not honoured")
            choices = option.get("choices") or {}
            if not choices:
                continue
            default = next((c for c, v in choices.items() if (v or {}).get("default")), next(iter(choices)))
            defaults[option_name] = (choices[default] or {}).get("kubespawner_override") or {}
        chosen = [defaults[o] for o in defaults]
        profiles[slug] = _profile(_merge(base, own, *chosen), entry, where, warnings)
        for option_name, option in options.items():
            for choice, given in (option.get("choices") or {}).items():
                spec = given or {}
                key = f"{slug}-{choice}"
                if key in profiles:
                    key = f"{slug}-{option_name}-{choice}"
                picked = [
                    spec.get("kubespawner_override") or {} if o == option_name else defaults[o]
                    for o in defaults
                ]
                title = f"{entry.get('display_name') or slug}: {spec.get('display_name') or choice}"
                info = {
                    "display_name": title,
                    "description": entry.get("description"),
                }
                profiles[key] = _profile(_merge(base, own, *picked), info, f"z2jh profile {key!r}", warnings)
    return profiles, warnings


def load_z2jh_profiles(path: str | Path) -> tuple[dict[str, PodProfile], list[str]]:
    """Read a z2jh values file: ``PodProfile`` by name, and the warnings."""
    import yaml
    from pydantic import ValidationError

    from nbgate.spec.errors import describe_validation_error
    from nbgate.spec.pod import PodProfile

    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"z2jh values file {name} (spec.profilesFrom.z2jhValues) does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read z2jh values file {name}: {exc}") from None
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: faster
        values = yaml.load(text, Loader=loader)  # noqa: S506 — a safe loader, C or Python
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"z2jh values file {name} is not valid YAML{where}") from None
    wires, warnings = profiles_from_values(values, name)
    profiles = {}
    for key, wire in wires.items():
        try:
            profiles[key] = PodProfile.model_validate(wire)
        except ValidationError as exc:
            detail = describe_validation_error(exc, PodProfile, prefix=(key,))
            raise InputError(f"z2jh values file {name}: profile {detail}") from None
    return profiles, warnings


def resolve_profiles_with_warnings(
    resource: NotebookValidation, base_dir: Path
) -> tuple[dict[str, PodProfile], list[str]]:
    """Imported z2jh profiles merged under ``spec.profiles`` (the spec wins), and warnings."""
    spec = resource.spec
    profiles: dict[str, PodProfile] = {}
    warnings: list[str] = []
    if spec.profiles_from is not None:
        path = Path(spec.profiles_from.z2jh_values).expanduser()
        profiles, warnings = load_z2jh_profiles(path if path.is_absolute() else base_dir / path)
    profiles.update(spec.profiles)
    return profiles, warnings


def resolve_profiles(resource: NotebookValidation, base_dir: Path) -> dict[str, PodProfile]:
    """The named pod profiles of a spec: z2jh imports merged under ``spec.profiles``."""
    return resolve_profiles_with_warnings(resource, base_dir)[0]
