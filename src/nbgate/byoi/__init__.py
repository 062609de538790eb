"""Bring your own image (BYOI): run nbgate's ``execute`` step in a user's image that lacks nbgate.

Users already have a runtime image (the operator's ``podConfig.containerImage``, a z2jh
profile's image) whose packages their notebooks need. Rather than rebuild it, an init container
(the ``nbgate-byoi`` image) copies a self-contained *runner* into a shared ``emptyDir``, and the
main container runs it with the image's own python:

    python3 /nbgate-runner/nbgate-execute NOTEBOOK -o OUT ...   # the `nbgate execute` options

The runner is nbgate plus the pure-Python libraries its execute step drives (papermill, nbclient,
jupyter_client, pydantic…), installed with ``pip install --target`` once per supported CPython
(binary wheels differ by version) and de-duplicated into ``site/common``. It is put on
``sys.path`` only inside the runner's process: the notebook's kernel is started from the user's
own interpreter and environment, so notebooks see exactly the user's packages.

The contract the user image meets (checked by ``nbgate-execute --check``):

* ``python3`` on PATH, CPython >= 3.10 (one of :data:`SUPPORTED_PYTHONS`), linux x86_64 glibc;
* ``ipykernel`` importable by that python (the kernel the notebooks run in);
* runs as any non-root uid with a read-only root: ``/tmp`` writable (the runner keeps Jupyter's
  runtime files and IPython's state there).
"""

from __future__ import annotations

__all__ = ["LAUNCHER_NAME", "SUPPORTED_PYTHONS"]

# CPython versions the runner carries a site dir for: the project's requires-python upwards.
SUPPORTED_PYTHONS: tuple[str, ...] = ("3.10", "3.11", "3.12", "3.13")
# The script the user's container runs, at the root of the runner directory.
LAUNCHER_NAME = "nbgate-execute"
