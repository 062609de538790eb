"""Clean environments: a venv built from the repo's declared requirements, cached by their hash."""

from __future__ import annotations

from nbgate.envs.build import CleanEnv, CleanEnvProvider, ensure_clean_env
from nbgate.envs.options import EnvOptions, default_cache_dir, options_from_spec, parse_quantity

__all__ = [
    "CleanEnv",
    "CleanEnvProvider",
    "EnvOptions",
    "default_cache_dir",
    "ensure_clean_env",
    "options_from_spec",
    "parse_quantity",
]
