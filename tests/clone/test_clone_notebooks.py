"""resolve_notebooks() on real directories (also used by the local runner)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nbgate.errors import InputError
from nbgate.notebooks import resolve_notebooks


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    for rel in [
        "top.ipynb",
        "nb/a.ipynb",
        "nb/deep/er/b.ipynb",
        "nb/.ipynb_checkpoints/a-checkpoint.ipynb",
        "nb/drafts/d.ipynb",
        "nb/helper.py",
        "other/z.ipynb",
    ]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("{}")
    (tmp_path / "outside.ipynb").write_text("{}")
    return root


def test_default_glob_sorted_and_skips_checkpoints(tree: Path) -> None:
    assert resolve_notebooks(tree, ["**/*.ipynb"], []) == [
        "nb/a.ipynb",
        "nb/deep/er/b.ipynb",
        "nb/drafts/d.ipynb",
        "other/z.ipynb",
        "top.ipynb",
    ]
    assert resolve_notebooks(tree, [], []) == resolve_notebooks(tree, ["**/*.ipynb"], [])


@pytest.mark.parametrize(
    ("patterns", "exclude", "expected"),
    [
        (["nb/*.ipynb"], [], ["nb/a.ipynb"]),
        (["nb/**/*.ipynb"], ["nb/drafts"], ["nb/a.ipynb", "nb/deep/er/b.ipynb"]),
        (["nb/**/*.ipynb"], ["**/d*.ipynb", "nb/deep/**"], ["nb/a.ipynb"]),
        (["nb"], ["nb/d?afts"], ["nb/a.ipynb", "nb/deep/er/b.ipynb"]),
        (["nb/a.ipynb", "nb/a.ipynb", "./top.ipynb"], [], ["nb/a.ipynb", "top.ipynb"]),
        (["nb/deep/../a.ipynb"], [], ["nb/a.ipynb"]),
        (["[nt]*/*.ipynb"], [], ["nb/a.ipynb"]),
        (["nb/*"], [], ["nb/a.ipynb"]),  # a glob picks only notebooks (helper.py is skipped)
    ],
)
def test_patterns_and_excludes(
    tree: Path, patterns: list[str], exclude: list[str], expected: list[str]
) -> None:
    assert resolve_notebooks(tree, patterns, exclude) == expected


def test_absolute_path_inside_root_becomes_relative(tree: Path) -> None:
    assert resolve_notebooks(tree, [str(tree.resolve() / "nb" / "a.ipynb")], []) == ["nb/a.ipynb"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("../outside.ipynb", "notebook path '../outside.ipynb' is outside the checkout"),
        ("nb/../../outside.ipynb", "is outside the checkout"),
        ("/etc/hosts", "notebook path '/etc/hosts' is outside the checkout"),
        ("missing.ipynb", "notebook 'missing.ipynb' not found in"),
        ("nope/**/*.ipynb", "notebook pattern 'nope/**/*.ipynb' matches no notebook in"),
        ("nb/helper.py", "'nb/helper.py' is not a notebook (.ipynb)"),
        ("", "an empty notebook path"),
    ],
)
def test_bad_patterns(tree: Path, pattern: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        resolve_notebooks(tree, [pattern], [])
    assert message in str(info.value)


def test_pattern_error_names_the_root(tree: Path) -> None:
    with pytest.raises(InputError) as info:
        resolve_notebooks(tree, ["x/*.ipynb"], [])
    assert str(tree) in str(info.value)


def test_symlink_escaping_root_is_refused(tree: Path) -> None:
    os.symlink("../../outside.ipynb", tree / "nb" / "link.ipynb")
    with pytest.raises(InputError, match=r"'nb/link\.ipynb' resolves outside the checkout"):
        resolve_notebooks(tree, ["nb/*.ipynb"], [])
    with pytest.raises(InputError, match="resolves outside"):
        resolve_notebooks(tree, ["nb/link.ipynb"], [])


def test_symlinked_directory_out_of_root(tree: Path, tmp_path: Path) -> None:
    away = tmp_path / "away"
    away.mkdir()
    (away / "x.ipynb").write_text("{}")
    os.symlink(away, tree / "linkdir")
    # Globs do not walk into symlinked directories; naming one is refused.
    assert "linkdir/x.ipynb" not in resolve_notebooks(tree, ["**/*.ipynb"], [])
    with pytest.raises(InputError, match="resolves outside"):
        resolve_notebooks(tree, ["linkdir/x.ipynb"], [])


def test_symlink_inside_root_is_fine(tree: Path) -> None:
    os.symlink("a.ipynb", tree / "nb" / "alias.ipynb")
    assert resolve_notebooks(tree, ["nb/alias.ipynb"], []) == ["nb/alias.ipynb"]


def test_everything_excluded_is_an_error(tree: Path) -> None:
    with pytest.raises(InputError, match="is excluded by"):
        resolve_notebooks(tree, ["nb/*.ipynb"], ["nb"])


def test_root_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a directory"):
        resolve_notebooks(tmp_path / "nope", ["**/*.ipynb"], [])
