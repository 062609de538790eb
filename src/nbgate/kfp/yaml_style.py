"""Compile KFP YAML with PyYAML's stock string style, whatever else the process imported.

hera (``hera._yaml``) replaces PyYAML's ``str`` representer process-wide when it is imported,
so multi-line strings come out as ``|`` blocks. kfp's compiler dumps with PyYAML too: without
this guard, the same component compiles to different (equivalent) YAML depending on whether
the Argo layer was imported first — committed files would look stale at random.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["stock_yaml_strings"]


@contextmanager
def stock_yaml_strings() -> Iterator[None]:
    import yaml
    from yaml.representer import Representer, SafeRepresenter

    owners = (SafeRepresenter, Representer, yaml.SafeDumper, yaml.Dumper)
    # Only classes that hold their own table: the others inherit the restored entry.
    saved = [
        (cls, cls.__dict__["yaml_representers"].get(str))
        for cls in owners
        if "yaml_representers" in cls.__dict__
    ]
    for cls, _ in saved:
        cls.__dict__["yaml_representers"][str] = SafeRepresenter.represent_str
    try:
        yield
    finally:
        for cls, representer in saved:
            if representer is None:
                cls.__dict__["yaml_representers"].pop(str, None)
            else:
                cls.__dict__["yaml_representers"][str] = representer
