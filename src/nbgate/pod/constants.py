"""The fixed facts of an nbgate pod: who it runs as and where it may write.

Step images (``images/``) bake uid/gid 1000 and this home (the Jupyter docker-stacks ``jovyan``
convention), so the pod shape, the images and their tests agree on one set of paths.
"""

from __future__ import annotations

__all__ = [
    "CACHE_DIR",
    "CACHE_SIZE",
    "GID",
    "GPU_LABEL",
    "GPU_PRODUCT_LABEL",
    "GPU_RESOURCE",
    "HOME",
    "KUEUE_QUEUE_LABEL",
    "TMP_DIR",
    "TMP_SIZE",
    "UID",
    "WRITABLE_ENV",
]

UID = 1000
GID = 1000
HOME = "/home/jovyan"
TMP_DIR = "/tmp"  # noqa: S108 — an emptyDir mount point, not a shared temp dir
CACHE_DIR = f"{HOME}/.cache"
# emptyDir size limits: a checkout and executed notebooks live under /tmp in a step pod.
TMP_SIZE = "4Gi"
CACHE_SIZE = "1Gi"

GPU_RESOURCE = "nvidia.com/gpu"
GPU_LABEL = "nvidia.com/gpu.present"  # set by NVIDIA GPU feature discovery on GPU nodes
GPU_PRODUCT_LABEL = "nvidia.com/gpu.product"  # e.g. Tesla-T4; the profile's `accelerator`
KUEUE_QUEUE_LABEL = "kueue.x-k8s.io/queue-name"

# With a read-only root filesystem, every tool that writes "somewhere in $HOME" must be pointed
# at the emptyDirs, or the kernel dies on its first runtime file.
WRITABLE_ENV: tuple[tuple[str, str], ...] = (
    ("HOME", HOME),
    ("TMPDIR", TMP_DIR),
    ("XDG_CACHE_HOME", CACHE_DIR),
    ("JUPYTER_RUNTIME_DIR", f"{TMP_DIR}/jupyter-runtime"),
    ("JUPYTER_DATA_DIR", f"{CACHE_DIR}/jupyter"),
    ("JUPYTER_CONFIG_DIR", f"{CACHE_DIR}/jupyter-config"),
    ("IPYTHONDIR", f"{CACHE_DIR}/ipython"),
    ("MPLCONFIGDIR", f"{CACHE_DIR}/matplotlib"),
    ("PIP_CACHE_DIR", f"{CACHE_DIR}/pip"),
    ("PYTHONPYCACHEPREFIX", f"{CACHE_DIR}/pycache"),
)
