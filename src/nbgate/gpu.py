"""Is a GPU visible? Checked before a ``gpu``-profile run, so it fails early instead of on the CPU.

Visible means: ``CUDA_VISIBLE_DEVICES`` does not hide every device, and either
``nvidia-smi -L`` lists a GPU or an ``/dev/nvidia<N>`` device node exists (a container with
the device but without the tool). The answer says why, in words a person acts on.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass

from nbgate.errors import InputError

__all__ = ["GpuCheck", "profile_needs_gpu", "require_gpu", "visible_gpus"]


@dataclass(frozen=True)
class GpuCheck:
    visible: bool
    reason: str  # what was found (or not), for the error message and logs
    devices: tuple[str, ...] = ()


def visible_gpus() -> GpuCheck:
    hidden = os.environ.get("CUDA_VISIBLE_DEVICES")
    if hidden is not None and hidden.strip() in ("", "-1", "none", "NoDevFiles"):
        return GpuCheck(False, f"CUDA_VISIBLE_DEVICES={hidden!r} hides every GPU")
    exe = shutil.which("nvidia-smi")
    if exe is not None:
        try:
            done = subprocess.run([exe, "-L"], capture_output=True, text=True, timeout=20, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return GpuCheck(False, f"nvidia-smi failed ({type(exc).__name__})")
        gpus = tuple(line.strip() for line in done.stdout.splitlines() if line.startswith("GPU "))
        if done.returncode == 0 and gpus:
            return GpuCheck(True, f"nvidia-smi lists {len(gpus)} GPU(s)", gpus)
        detail = (done.stderr or done.stdout).strip().splitlines()
        return GpuCheck(False, "nvidia-smi lists no GPU" + (f" ({detail[0][:120]})" if detail else ""))
    nodes = tuple(sorted(p for p in glob.glob("/dev/nvidia[0-9]*")))
    if nodes:
        return GpuCheck(True, f"device nodes {', '.join(nodes)}", nodes)
    return GpuCheck(False, "no nvidia-smi on PATH and no /dev/nvidia* device")


def profile_needs_gpu(profile: str, gpus_in_profile: int = 0) -> bool:
    """The built-in ``gpu`` profile, or a named profile that asks for GPUs."""
    return profile == "gpu" or gpus_in_profile > 0


def require_gpu(profile: str) -> GpuCheck:
    """Raise a one-line ``InputError`` (exit 2) when the profile needs a GPU and none is visible."""
    check = visible_gpus()
    if not check.visible:
        raise InputError(
            f"pod.profile {profile!r} needs a GPU but none is visible ({check.reason}): run on a machine "
            "with an NVIDIA GPU and its driver, or use pod.profile: cpu"
        )
    return check
