"""clone() against real bare repositories over git:// (git daemon) and file://."""

from __future__ import annotations

from pathlib import Path

import pytest
from clone_support import Repos

from nbgate.errors import InputError
from nbgate.spec.model import ChangedRange
from nbgate.steps.clone import CloneRequest, clone

MAIN_NOTEBOOKS = ["notebooks/a.ipynb", "notebooks/c.ipynb", "notebooks/sub/b.ipynb"]


def _url(repos: Repos, transport: str) -> str:
    return repos.git_url() if transport == "git" else repos.file_url()


@pytest.mark.parametrize("transport", ["git", "file"])
def test_clone_default_head_is_shallow(repos: Repos, transport: str, tmp_path: Path) -> None:
    result = clone(CloneRequest(url=_url(repos, transport), dest=str(tmp_path / "co")))
    assert result.commit == repos.commits["c3"]
    assert result.notebooks == MAIN_NOTEBOOKS  # sorted, no .ipynb_checkpoints, no .py
    assert Path(result.checkout_dir) == tmp_path / "co"
    assert (tmp_path / "co" / ".git" / "shallow").exists()


@pytest.mark.parametrize("transport", ["git", "file"])
@pytest.mark.parametrize(
    ("ref", "commit", "notebooks"),
    [
        ("feature", "feature", ["feature/only.ipynb", "notebooks/a.ipynb", "notebooks/sub/b.ipynb"]),
        ("v1.0", "c1", ["notebooks/a.ipynb", "notebooks/sub/b.ipynb"]),
    ],
)
def test_clone_branch_and_tag(
    repos: Repos, transport: str, ref: str, commit: str, notebooks: list[str], tmp_path: Path
) -> None:
    result = clone(CloneRequest(url=_url(repos, transport), ref=ref, dest=str(tmp_path / "co")))
    assert result.commit == repos.commits[commit]
    assert result.ref == ref
    assert result.notebooks == notebooks


@pytest.mark.parametrize("transport", ["git", "file"])
def test_clone_full_sha_not_at_a_tip(repos: Repos, transport: str, tmp_path: Path) -> None:
    sha = repos.commits["c2"]  # reachable, but no branch or tag points at it
    result = clone(CloneRequest(url=_url(repos, transport), ref=sha, dest=str(tmp_path / "co")))
    assert result.commit == sha
    assert "c.ipynb" not in " ".join(result.notebooks)
    assert (tmp_path / "co" / "notebooks" / "sub" / "b.ipynb").read_text().count("b = 2") == 1


@pytest.mark.parametrize("transport", ["git", "file"])
def test_clone_short_sha(repos: Repos, transport: str, tmp_path: Path) -> None:
    sha = repos.commits["c1"]
    result = clone(CloneRequest(url=_url(repos, transport), ref=sha[:9], dest=str(tmp_path / "co")))
    assert result.commit == sha


def test_hex_looking_branch_name_is_a_branch(repos: Repos, tmp_path: Path) -> None:
    result = clone(CloneRequest(url=repos.git_url(), ref="cafe", dest=str(tmp_path / "co")))
    assert result.commit == repos.commits["cafe"]
    assert "notebooks/cafe.ipynb" in result.notebooks


def test_full_ref_name(repos: Repos, tmp_path: Path) -> None:
    result = clone(CloneRequest(url=repos.git_url(), ref="refs/heads/feature", dest=str(tmp_path / "co")))
    assert result.commit == repos.commits["feature"]


@pytest.mark.parametrize("ref", ["no-such-branch", "0123456789abcdef0123456789abcdef01234567", "abcdef12"])
def test_wrong_ref_is_input_error(repos: Repos, ref: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=rf"ref '{ref}' not found in git://127\.0\.0\.1:\d+/demo\.git"):
        clone(CloneRequest(url=repos.git_url(), ref=ref, dest=str(tmp_path / "co")))


def test_failed_clone_into_temp_dir_leaves_nothing(repos: Repos, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    with pytest.raises(InputError):
        clone(CloneRequest(url=repos.git_url(), ref="no-such-branch"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("nbgate-checkout-")]


def test_failed_clone_empties_a_given_dest_for_the_retry(repos: Repos, tmp_path: Path) -> None:
    dest = tmp_path / "co"
    dest.mkdir()
    with pytest.raises(InputError, match="resolves outside"):  # fails after the checkout
        clone(CloneRequest(url=repos.git_url(), ref="evil", dest=str(dest)))
    assert dest.is_dir() and not any(dest.iterdir())
    assert (
        clone(CloneRequest(url=repos.git_url(), ref="feature", dest=str(dest))).commit
        == repos.commits["feature"]
    )


def test_no_patterns_resolves_no_notebooks(repos: Repos, tmp_path: Path) -> None:
    """The local runner clones golden-only sources with no patterns (and passes a Path)."""
    result = clone(CloneRequest(url=repos.file_url(), dest=tmp_path / "co", notebooks=[]))
    assert result.notebooks == []
    assert result.commit == repos.commits["c3"]


def test_dest_not_empty_is_refused(repos: Repos, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(InputError, match="exists and is not empty"):
        clone(CloneRequest(url=repos.git_url(), dest=str(tmp_path)))
    assert (tmp_path / "keep.txt").exists()


def test_symlink_escaping_the_repo_is_refused(repos: Repos, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"'escape/link\.ipynb' resolves outside the checkout"):
        clone(CloneRequest(url=repos.git_url(), ref="evil", dest=str(tmp_path / "co")))


def test_notebooks_and_exclude(repos: Repos, tmp_path: Path) -> None:
    result = clone(
        CloneRequest(
            url=repos.file_url(),
            dest=str(tmp_path / "co"),
            notebooks=["notebooks/**/*.ipynb"],
            exclude=["**/sub"],
        )
    )
    assert result.notebooks == ["notebooks/a.ipynb", "notebooks/c.ipynb"]


@pytest.mark.parametrize("transport", ["git", "file"])
def test_changed_between_picks_only_changed_notebook(repos: Repos, transport: str, tmp_path: Path) -> None:
    c = repos.commits
    result = clone(
        CloneRequest(
            url=_url(repos, transport),
            ref="main",
            dest=str(tmp_path / "co"),
            changed_between=ChangedRange(before=c["c1"], after=c["c2"]),
        )
    )
    assert result.notebooks == ["notebooks/sub/b.ipynb"]  # README.md changed too: not a notebook
    assert result.commit == c["c3"]


def test_changed_between_defaults_ref_to_after(repos: Repos, tmp_path: Path) -> None:
    c = repos.commits
    result = clone(
        CloneRequest(
            url=repos.git_url(),
            dest=str(tmp_path / "co"),
            changed_between=ChangedRange(before=c["c2"], after=c["c3"]),
        )
    )
    assert result.commit == c["c3"]
    assert result.notebooks == ["notebooks/c.ipynb"]


def test_changed_between_new_branch_means_all(repos: Repos, tmp_path: Path) -> None:
    result = clone(
        CloneRequest(
            url=repos.git_url(),
            dest=str(tmp_path / "co"),
            changed_between=ChangedRange(before="0" * 40, after=repos.commits["c3"]),
        )
    )
    assert result.notebooks == MAIN_NOTEBOOKS


def test_changed_between_unknown_commit(repos: Repos, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"changedBetween\.before commit 'deadbeef' not found"):
        clone(
            CloneRequest(
                url=repos.git_url(),
                ref="main",
                dest=str(tmp_path / "co"),
                changed_between=ChangedRange(before="deadbeef", after=repos.commits["c3"]),
            )
        )


def test_submodules_from_a_local_superproject(repos: Repos, tmp_path: Path) -> None:
    result = clone(CloneRequest(url=repos.file_url("super.git"), submodules=True, dest=str(tmp_path / "co")))
    assert result.commit == repos.commits["super"]
    assert "lib/notebooks/a.ipynb" in result.notebooks
    assert "top.ipynb" in result.notebooks


def test_without_submodules_the_submodule_stays_empty(repos: Repos, tmp_path: Path) -> None:
    result = clone(CloneRequest(url=repos.git_url("super.git"), dest=str(tmp_path / "co")))
    assert result.notebooks == ["top.ipynb"]


def test_remote_superproject_cannot_pull_a_file_submodule(repos: Repos, tmp_path: Path) -> None:
    """A repo served over git:// whose submodule points at file:// on this machine is refused."""
    with pytest.raises(InputError, match="refused the 'file' transport"):
        clone(CloneRequest(url=repos.git_url("super.git"), submodules=True, dest=str(tmp_path / "co")))


def test_lfs_files_are_fetched(lfs_repo: str, tmp_path: Path) -> None:
    result = clone(CloneRequest(url=lfs_repo, dest=str(tmp_path / "co")))
    assert (tmp_path / "co" / "data.bin").read_bytes() == b"real LFS content\n" * 100
    assert result.notebooks == ["nb.ipynb"]


def test_lfs_off_leaves_pointers(lfs_repo: str, tmp_path: Path) -> None:
    clone(CloneRequest(url=lfs_repo, dest=str(tmp_path / "co"), lfs=False))
    assert (tmp_path / "co" / "data.bin").read_text().startswith("version https://git-lfs.github.com/spec/v1")


def test_lfs_missing_is_a_warning(lfs_repo: str, tmp_path: Path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """git-lfs hidden from PATH: the clone succeeds with a warning naming the fix."""
    import shutil

    git_dir = Path(shutil.which("git") or "/usr/bin/git").parent
    bare_path = tmp_path / "bin"
    bare_path.mkdir()
    (bare_path / "git").symlink_to(git_dir / "git")
    monkeypatch.setenv("PATH", str(bare_path))
    caplog.set_level("WARNING", logger="nbgate.clone")
    clone(CloneRequest(url=lfs_repo, dest=str(tmp_path / "co")))
    assert "git-lfs is not installed" in caplog.text
    assert (tmp_path / "co" / "data.bin").read_text().startswith("version https://git-lfs")


def test_full_sha_falls_back_to_full_fetch_on_old_protocol(
    repos: Repos, git_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With protocol v0 a server only serves advertised tips ('not our ref'): nbgate falls
    back to fetching everything and still checks out the commit."""
    config = tmp_path / "gitconfig"
    config.write_text((git_home / "gitconfig").read_text() + "[protocol]\n\tversion = 0\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    sha = repos.commits["c2"]
    result = clone(CloneRequest(url=repos.git_url(), ref=sha, dest=str(tmp_path / "co")))
    assert result.commit == sha
    assert not (tmp_path / "co" / ".git" / "shallow").exists()  # the full fetch it fell back to


def test_depth_zero_is_full_history(repos: Repos, tmp_path: Path) -> None:
    result = clone(CloneRequest(url=repos.git_url(), ref="main", depth=0, dest=str(tmp_path / "co")))
    assert result.commit == repos.commits["c3"]
    assert not (tmp_path / "co" / ".git" / "shallow").exists()
