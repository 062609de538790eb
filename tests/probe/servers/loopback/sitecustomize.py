"""Force model servers onto loopback: rewrite 0.0.0.0 / :: binds to 127.0.0.1.

KServe's ModelServer and Seldon's gunicorn bind every interface, with no option against it.
The tests put this directory on PYTHONPATH of the server process, so Python imports it at
start-up (sitecustomize) before any server code runs. gRPC binds in C, so its
``add_insecure_port`` is rewritten too, when grpc gets imported.
"""

from __future__ import annotations

import socket

_ANY = {"0.0.0.0", "", "::", "[::]"}
_bind = socket.socket.bind


def _loopback_bind(self, address):  # type: ignore[no-untyped-def]
    if isinstance(address, tuple) and address and address[0] in _ANY:
        loop = "::1" if self.family == socket.AF_INET6 else "127.0.0.1"
        address = (loop, *address[1:])
    return _bind(self, address)


socket.socket.bind = _loopback_bind  # type: ignore[method-assign]


def _rewrite(address: str) -> str:
    for prefix in ("0.0.0.0:", "[::]:", ":"):
        if address.startswith(prefix):
            return "127.0.0.1:" + address[len(prefix) :]
    return address


def _patch_grpc() -> None:
    import sys

    class _Finder:
        """Patch grpc's server classes right after grpc is imported."""

        def find_module(self, name, path=None):  # type: ignore[no-untyped-def]
            return None

        def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
            if name not in ("grpc._server", "grpc.aio._server"):
                return None
            sys.meta_path.remove(self)
            try:
                import importlib.util

                spec = importlib.util.find_spec(name)
            finally:
                sys.meta_path.insert(0, self)
            if spec is None or spec.loader is None:
                return None
            loader = spec.loader
            original = loader.exec_module  # type: ignore[union-attr]

            def exec_module(module):  # type: ignore[no-untyped-def]
                original(module)
                cls = getattr(module, "_Server", None) or getattr(module, "Server", None)
                if cls is not None and hasattr(cls, "add_insecure_port"):
                    add = cls.add_insecure_port

                    def add_insecure_port(self, address):  # type: ignore[no-untyped-def]
                        return add(self, _rewrite(address))

                    cls.add_insecure_port = add_insecure_port

            loader.exec_module = exec_module  # type: ignore[union-attr,method-assign]
            return spec

    sys.meta_path.insert(0, _Finder())


_patch_grpc()
