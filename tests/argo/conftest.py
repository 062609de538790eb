"""Fixtures of the Argo tests; the validators and helpers live in argo_support.py."""

from __future__ import annotations

from typing import Any

import pytest
import yaml


@pytest.fixture(scope="session")
def rendered() -> dict[str, str]:
    from nbgate.argo.generate import render_all

    return render_all()


@pytest.fixture(scope="session")
def rendered_docs(rendered: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    return [(p, d) for p, text in rendered.items() for d in yaml.safe_load_all(text) if d]
