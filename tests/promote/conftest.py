"""Fixtures of the promotion tests: the example project copied to tmp, one real MLServer per module."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from promote_support import EXAMPLE, need_mlserver


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The churn example (notebooks, goldens, data, promote.yaml) in a scratch folder."""
    dest = tmp_path_factory.mktemp("churn") / "churn"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("out", "__pycache__"))
    return dest


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One MLServer (mlserver-sklearn) on 127.0.0.1 for the whole module."""
    from nbgate.promote.mlserver import LocalModelServer

    executable = need_mlserver()
    with LocalModelServer(tmp_path_factory.mktemp("mlserver"), executable=executable) as server:
        yield server
