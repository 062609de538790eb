"""Pod profiles imported from a z2jh values file (singleuser.profileList)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nbgate.errors import InputError
from nbgate.spec.load import load_spec
from nbgate.spec.z2jh import kube_bytes, load_z2jh_profiles, profiles_from_values, resolve_profiles, slugify

DATA = Path(__file__).parent / "data"


def test_gpu_profile_is_imported_with_the_hub_scheduling() -> None:
    profiles, warnings = load_z2jh_profiles(DATA / "z2jh-values.yaml")
    gpu = profiles["gpu-notebook-t4"]  # no slug: the display name, slugified as KubeSpawner does
    assert gpu.display_name == "GPU notebook (T4)"
    assert gpu.image == "quay.io/jupyter/pytorch-notebook:cuda12-2024-05-27"
    assert gpu.gpus == 1
    assert gpu.resources is not None
    # KubeSpawner sizes are binary: 30G is 30 GiB.
    assert gpu.resources.limits == {"cpu": 8, "memory": "30Gi", "nvidia.com/gpu": "1"}
    assert gpu.resources.requests == {"cpu": 4, "memory": "16Gi", "nvidia.com/gpu": "1"}
    assert gpu.tolerations == [
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}
    ]
    # The chart-wide singleuser.nodeSelector, plus the profile's own.
    assert gpu.node_selector == {
        "node-pool": "notebooks",
        "cloud.google.com/gke-accelerator": "nvidia-tesla-t4",
    }
    assert gpu.affinity == {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {"key": "nvidia.com/gpu.present", "operator": "In", "values": ["true"]}
                        ]
                    }
                ]
            }
        }
    }
    assert gpu.env == [{"name": "MLFLOW_TRACKING_URI", "value": "http://mlflow.mlops.svc:5000"}]
    assert sorted(warnings) == [
        "z2jh profile 'gpu-notebook-t4': kubespawner_override.extra_pod_config.priorityClassName is not honoured",
        "z2jh profile 'gpu-notebook-t4': kubespawner_override.lifecycle_hooks is not honoured",
    ]


def test_default_profile_gets_the_chart_wide_settings() -> None:
    profiles, _ = load_z2jh_profiles(DATA / "z2jh-values.yaml")
    cpu = profiles["cpu-notebook"]
    assert cpu.image == "quay.io/jupyter/scipy-notebook:2024-05-27"
    assert cpu.gpus == 0
    assert cpu.resources is not None
    assert cpu.resources.limits == {"cpu": 2, "memory": "4Gi"}
    assert cpu.resources.requests == {"cpu": 0.5, "memory": "1Gi"}
    assert cpu.description == "2 CPUs, 4 GiB of memory"


def test_profile_options_give_one_profile_per_choice() -> None:
    profiles, _ = load_z2jh_profiles(DATA / "z2jh-values.yaml")
    assert {"datascience", "datascience-scipy", "datascience-r"} <= set(profiles)
    assert profiles["datascience"].image == "quay.io/jupyter/scipy-notebook:2024-05-27"  # the default choice
    assert profiles["datascience-r"].image == "quay.io/jupyter/r-notebook:2024-05-27"
    assert profiles["datascience-r"].display_name == "Data science: R"


def test_several_options_and_colliding_choice_names() -> None:
    values = {
        "singleuser": {
            "profileList": [
                {
                    "display_name": "Custom",
                    "slug": "custom",
                    "profile_options": {
                        "image": {"choices": {"small": {"kubespawner_override": {"image": "a:1"}}}},
                        "size": {
                            "choices": {
                                "small": {"default": True, "kubespawner_override": {"cpu_limit": 1}},
                                "large": {"kubespawner_override": {"cpu_limit": 16}},
                            }
                        },
                    },
                }
            ]
        }
    }
    profiles, _ = profiles_from_values(values, "values.yaml")
    assert profiles["custom-small"]["image"] == "a:1"
    assert profiles["custom-size-small"]["resources"]["limits"] == {"cpu": 1}
    # Each choice keeps the other options at their defaults.
    assert profiles["custom-large"] == {
        "displayName": "Custom: large",
        "image": "a:1",
        "resources": {"limits": {"cpu": 16}, "requests": {}},
    }


def test_values_as_a_subchart() -> None:
    values = {"jupyterhub": {"singleuser": {"profileList": [{"display_name": "Small"}]}}}
    profiles, _ = profiles_from_values(values, "values.yaml")
    assert list(profiles) == ["small"]


def test_spec_profiles_win_over_imported_ones(tmp_path, write_spec, make_spec) -> None:
    shutil.copy(DATA / "z2jh-values.yaml", tmp_path / "hub-values.yaml")
    spec = make_spec(
        profilesFrom={"z2jhValues": "hub-values.yaml"},
        profiles={"cpu-notebook": {"image": "mine:1"}, "extra": {"gpus": 2}},
        pod={"profile": "gpu-notebook-t4"},
    )
    loaded = load_spec(write_spec(spec))
    assert loaded.profiles["cpu-notebook"].image == "mine:1"
    assert loaded.profiles["extra"].gpus == 2
    assert loaded.profiles["gpu-notebook-t4"].gpus == 1
    assert loaded.resource.spec.profiles_from is not None
    assert loaded.resource.spec.profiles_from.z2jh_values == str((tmp_path / "hub-values.yaml").resolve())
    assert len(loaded.warnings) == 2  # the z2jh keys nbgate cannot honour
    assert resolve_profiles(loaded.resource, loaded.base_dir).keys() == loaded.profiles.keys()


def test_unknown_pod_profile_lists_the_known_ones(tmp_path, write_spec, make_spec) -> None:
    shutil.copy(DATA / "z2jh-values.yaml", tmp_path / "hub-values.yaml")
    spec = make_spec(profilesFrom={"z2jhValues": "hub-values.yaml"}, pod={"profile": "gpu-notebook-t5"})
    with pytest.raises(InputError) as info:
        load_spec(write_spec(spec))
    message = info.value.message
    assert (
        "spec.pod.profile 'gpu-notebook-t5' is not a known profile: did you mean 'gpu-notebook-t4'?"
        in message
    )
    assert (
        "known profiles: cpu, cpu-notebook, datascience, datascience-r, datascience-scipy, gpu, gpu-notebook-t4"
        in message
    )


def test_builtin_profiles_need_no_definition(write_spec, make_spec) -> None:
    assert load_spec(write_spec(make_spec(pod={"profile": "gpu"}))).resource.spec.pod.profile == "gpu"
    with pytest.raises(InputError, match="known profiles: cpu, gpu "):
        load_spec(write_spec(make_spec(pod={"profile": "huge"})))


def test_missing_or_bad_values_file(tmp_path, write_spec, make_spec) -> None:
    with pytest.raises(
        InputError, match=r"z2jh values file .*nope.yaml \(spec.profilesFrom.z2jhValues\) does not exist"
    ):
        load_spec(write_spec(make_spec(profilesFrom={"z2jhValues": "nope.yaml"})))
    (tmp_path / "hub.yaml").write_text(yaml.safe_dump({"singleuser": {"image": {"name": "x"}}}))
    with pytest.raises(InputError, match=r"has no singleuser\.profileList"):
        load_spec(write_spec(make_spec(profilesFrom={"z2jhValues": "hub.yaml"})))
    (tmp_path / "broken.yaml").write_text("singleuser: [\n")
    with pytest.raises(InputError, match="is not valid YAML at line"):
        load_spec(write_spec(make_spec(profilesFrom={"z2jhValues": "broken.yaml"})))


@pytest.mark.parametrize(
    ("given", "expected"),
    [("2G", "2Gi"), ("512M", "512Mi"), ("1.5G", 1610612736), (1073741824, 1073741824), ("4Gi", "4Gi")],
)
def test_kubespawner_sizes_are_binary(given, expected) -> None:
    assert kube_bytes(given) == expected


def test_slugify() -> None:
    assert slugify("GPU notebook (T4)") == "gpu-notebook-t4"
    assert slugify("  R / Tidyverse ") == "r-tidyverse"
