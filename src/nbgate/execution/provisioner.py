"""nbgate's kernel provisioners: jupyter_client's local provisioner, for kernels started early.

* ``ForkedProvisioner`` (``nbgate-forked-provisioner``): forks the kernel from nbgate's
  kernel template (``nbgate.execution.forked``);
* ``EarlyProvisioner`` (``nbgate-early-provisioner``): adopts the kernel
  ``nbgate.execution.early`` started before jupyter_client was imported.

Both are entry points in the ``jupyter_client.kernel_provisioners`` group, the registry
jupyter_client resolves a kernelspec's ``metadata.kernel_provisioner`` against; so
jupyter_client's manager, nbclient and papermill drive these kernels exactly as they drive
a ``Popen``-ed one, and each falls back to an ordinary launch when it cannot stand in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase

from nbgate.execution import early
from nbgate.execution.forked import TemplateGone, active_template

__all__ = ["EarlyProvisioner", "ForkedProvisioner"]


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, forking from the template when it can."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        template = active_template()
        env: Mapping[str, str] = kwargs.get("env") or os.environ
        log = getattr(kwargs.get("stdout"), "name", None)
        if template is None or not isinstance(log, str) or not template.compatible(cmd, env):
            return await super().launch_kernel(cmd, **kwargs)
        try:
            process = template.spawn(cmd[3:], cwd=str(kwargs.get("cwd") or os.getcwd()), env=env, log=log)
        except TemplateGone:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = process  # type: ignore[assignment]  # Popen's surface, duck-typed
        self.pid = process.pid
        self.pgid = process.pid  # the child called setsid() before the template answered
        self.cwd = kwargs.get("cwd")
        return self.connection_info


class EarlyProvisioner(LocalProvisioner):
    """Adopts the early kernel started for this connection file, if it is what jupyter_client
    would start itself (same command, same environment); else launches as usual."""

    _early: early.EarlyKernel | None = None

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        found = early.claim(km.connection_file) if km is not None else None
        if found is None or km is None:
            return await super().pre_launch(**kwargs)
        extra = list(kwargs.get("extra_arguments", []))
        cmd = km.format_kernel_cmd(extra_arguments=extra)
        rest = {k: v for k, v in kwargs.items() if k != "extra_arguments"}
        launch = await KernelProvisionerBase.pre_launch(self, cmd=cmd, **rest)
        env = {**launch["env"], "JPY_PARENT_PID": str(os.getpid())}  # as jupyter_client's launcher adds
        info = await _connection_info(found)
        encrypted = str(getattr(km, "transport_encryption", "disabled")).lower() != "disabled"
        if info is None or encrypted or cmd != found.cmd or env != found.env:
            early.discard(found)  # not the kernel jupyter_client would start: start that one
            return await super().pre_launch(**kwargs)
        km.load_connection_file(found.connection_file)
        self.connection_info = km.get_connection_info()
        self._early = found
        return launch

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        found, self._early = self._early, None
        if found is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = found.process
        self.pid = found.process.pid
        self.pgid = found.process.pid  # started with start_new_session: it leads its group
        self.cwd = kwargs.get("cwd")
        return self.connection_info


async def _connection_info(found: early.EarlyKernel) -> dict[str, Any] | None:
    """Wait for the kernel to write its connection file (it binds its ports first)."""
    import asyncio
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        info = early.read_connection_file(found.connection_file)
        if info is not None:
            return info
        if found.process.poll() is not None:
            return None  # died while starting: an ordinary launch reports what goes wrong
        await asyncio.sleep(0.005)
    return None
