"""Compiled KFP YAML must not depend on what else the process imported (hera restyles PyYAML)."""

from __future__ import annotations

import subprocess
import sys

from nbgate.kfp.compile import write_components


def test_components_compile_the_same_after_hera_is_imported(tmp_path) -> None:
    import hera._yaml  # noqa: F401 — replaces PyYAML's str representer process-wide
    import yaml

    assert "|" in yaml.dump({"a": "x\ny"}), (
        "hera's representer should be active for this test to mean anything"
    )
    write_components(tmp_path / "after-hera")
    clean = tmp_path / "clean"
    subprocess.run([sys.executable, "-m", "nbgate.kfp.compile", str(clean)], check=True, capture_output=True)
    for fresh in clean.rglob("*.yaml"):
        polluted = tmp_path / "after-hera" / fresh.relative_to(clean)
        assert polluted.read_text() == fresh.read_text(), (
            f"{fresh.relative_to(clean)} differs after importing hera"
        )
    assert "|" in yaml.dump({"a": "x\ny"}), "the guard restores whatever representer was there"
