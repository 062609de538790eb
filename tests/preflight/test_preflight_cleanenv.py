"""Clean environments: an undeclared import passes in the author's environment, fails in a clean one.

The author's environment is nbgate's own kernel with the package installed next to it
(``pip install --target`` + ``PYTHONPATH``, as a stray ``pip install`` would leave it). The
clean environment is a real venv built by real pip from the repo's requirements, offline:
``--no-index`` with two wheelhouses (ipykernel's, fetched once per session, and the tiny
package's wheel built here).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from preflight_support import build_wheel, nbgate, write_notebook, write_spec


def test_undeclared_import_fails_only_in_the_clean_environment(
    tmp_path: Path, kernel_wheelhouse: Path
) -> None:
    wheels = tmp_path / "wheels"
    wheel = build_wheel(wheels, "tiny-greeting", "tinygreet", "1.0", "def hello():\n    return 'hello'\n")
    author_site = tmp_path / "author-site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--target",
            str(author_site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    author = {"PYTHONPATH": str(author_site)}

    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "requirements.txt").write_text("# what the notebooks need\n")
    write_notebook(
        repo / "notebooks" / "greet.ipynb", "import json", "import tinygreet\nprint(tinygreet.hello())"
    )
    cache = tmp_path / "env-cache"
    spec = write_spec(
        repo / "validation.yaml",
        {
            "source": {"local": "."},
            "notebooks": ["notebooks/*.ipynb"],
            "environment": {
                "findLinks": [str(kernel_wheelhouse), str(wheels)],
                "noIndex": True,
                "cacheDir": str(cache),
            },
        },
    )

    # 1. The author's environment: it works (pre-flight only warns, naming the distribution).
    out = tmp_path / "out-author"
    done = nbgate("run", spec, "-o", out, "-q", env=author)
    assert done.code == 0, done.stdout + done.stderr
    (nb,) = done.report(out)["notebooks"]
    (finding,) = [f for f in nb["findings"] if f["rule"] == "undeclaredImports"]
    assert finding["severity"] == "warning" and (finding["cell"], finding["line"]) == (1, 1)
    assert "tiny-greeting" in finding["message"] and "requirements.txt" in finding["message"]
    assert "cleanEnvironment" not in nb["execution"]["environment"]

    # 2. A clean environment: the import fails, and the message says what to declare where.
    out = tmp_path / "out-clean"
    done = nbgate("run", spec, "-o", out, "-q", "--clean-env", env=author)
    assert done.code == 1, done.stdout + done.stderr
    (nb,) = done.report(out)["notebooks"]
    assert nb["outcome"] == "cell_error"
    assert "module 'tinygreet' is not installed in the clean environment" in nb["message"]
    assert "declare tiny-greeting in requirements.txt" in nb["message"]
    clean = nb["execution"]["environment"]["cleanEnvironment"]
    assert clean["cacheHit"] is False and clean["declaredIn"] == ["requirements.txt"]
    assert nb["execution"]["kernel"] == clean["kernel"]
    assert Path(nb["execution"]["environment"]["python"]["executable"]).is_relative_to(cache)
    assert "tinygreet" in done.stdout

    # 3. Declared: the clean environment is rebuilt (new hash) and the notebook passes.
    (repo / "requirements.txt").write_text("# what the notebooks need\ntiny-greeting==1.0\n")
    out = tmp_path / "out-declared"
    done = nbgate("run", spec, "-o", out, "-q", "--clean-env", env=author)
    assert done.code == 0, done.stdout + done.stderr
    (nb,) = done.report(out)["notebooks"]
    declared = nb["execution"]["environment"]["cleanEnvironment"]
    assert declared["cacheHit"] is False and declared["requirementsHash"] != clean["requirementsHash"]
    assert nb["execution"]["environment"]["packages"]["tiny-greeting"] == "1.0"
    assert not any(f["rule"] == "undeclaredImports" for f in nb["findings"])

    # 4. Same requirements again: the cached environment is reused.
    out = tmp_path / "out-cached"
    done = nbgate("run", spec, "-o", out, "-q", "--clean-env")
    assert done.code == 0, done.stdout + done.stderr
    (nb,) = done.report(out)["notebooks"]
    again = nb["execution"]["environment"]["cleanEnvironment"]
    assert again["cacheHit"] is True
    assert (again["requirementsHash"], again["kernel"]) == (declared["requirementsHash"], declared["kernel"])
    assert sorted(p.name for p in cache.iterdir() if not p.name.startswith(".")) == sorted(
        {clean["requirementsHash"][:16], declared["requirementsHash"][:16]}
    )


def test_a_requirement_that_cannot_be_installed_names_the_file(
    tmp_path: Path, kernel_wheelhouse: Path
) -> None:
    repo = tmp_path / "repo"
    (repo / "requirements.txt").parent.mkdir(parents=True)
    (repo / "requirements.txt").write_text("no-such-distribution-nbgate==9.9\n")
    write_notebook(repo / "nb.ipynb", "x = 1")
    spec = write_spec(
        repo / "validation.yaml",
        {
            "source": {"local": "."},
            "environment": {
                "clean": True,
                "findLinks": [str(kernel_wheelhouse)],
                "noIndex": True,
                "cacheDir": str(tmp_path / "cache"),
            },
        },
    )
    out = tmp_path / "out"
    done = nbgate("run", spec, "-o", out, "-q")
    assert done.code == 2, done.stdout + done.stderr
    (nb,) = done.report(out)["notebooks"]
    assert nb["outcome"] == "input_error"
    assert "requirements.txt" in nb["message"] and "no-such-distribution-nbgate" in nb["message"]
    assert not any(p.name.startswith(".building") for p in (tmp_path / "cache").iterdir())  # cleaned up
