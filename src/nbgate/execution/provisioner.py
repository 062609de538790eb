"""``ForkedProvisioner``: jupyter_client's local provisioner, forking from nbgate's kernel template.

Registered as the ``nbgate-forked-provisioner`` entry point in the
``jupyter_client.kernel_provisioners`` group, the registry jupyter_client resolves a
kernelspec's ``metadata.kernel_provisioner`` against; so jupyter_client's manager, nbclient
and papermill drive a forked kernel exactly as they drive a ``Popen``-ed one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from nbgate.execution.forked import TemplateGone, active_template

__all__ = ["ForkedProvisioner"]


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
