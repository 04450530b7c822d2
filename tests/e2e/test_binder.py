"""The course under repo2docker (Binder, most JupyterHubs), replayed step by step without Docker.

repo2docker reads ``binder/`` (and then ignores the repository's root): ``runtime.txt`` picks the
Python, ``apt.txt`` the Debian packages, ``pip install -r binder/requirements.txt`` installs what the
course runs (that file is ``-r ../requirements.txt``; pip reads a nested ``-r`` relative to the file
that names it), then ``binder/postBuild`` runs (it installs the course package). This test replays the
Python steps in a clean virtual environment, on a copy of the repository (as repo2docker copies it into
the image): it creates the environment, installs the requirements (from pip's cache and the package
registry; 50-90 s on the loaded 2-core development machine, so once per session), runs
``binder/postBuild``, checks where the image's Python imports the course from (the installed copy, or
the copy a kernel's ``notebooks/`` belongs to: a hub's nbgitpuller pull), then starts a kernel of
*that* environment in the copy's ``notebooks/`` and executes notebook 00, whose ``check("faas")`` cell
runs the autograder's public tests on the exercise's stub. No ``make``, no ``.venv`` of the project:
the notebook must find the course through what postBuild installed.

The image's environment is also the learner's install (``make lab`` installs the same
``requirements.txt``), which is leaner than the one the tests run in: every module of the course must
import in it, and pattern 23 must deploy its template without moto's ``cloudformation`` extra.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from tests.e2e.notebook_client import LabNotebookClient

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("binder")]

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
NOTEBOOK = "00-start-here.ipynb"
KERNEL_NAME = "binder-replay"
INSTALL_TIMEOUT_S = 600  # ~50 s measured on the loaded 2-core development machine
POSTBUILD_TIMEOUT_S = 120
CELL_TIMEOUT_S = 120
NOTEBOOK_BUDGET_S = 90  # notebook 00 takes a few seconds; generous for a loaded machine
DEMO_TIMEOUT_S = 300  # pattern 23's demonstration takes 8-10 s
# What moto's cloudformation extra would add (143 MB); requirements.txt leaves it out on purpose.
NOT_IN_THE_LEARNER_INSTALL = ("cfnlint", "sympy", "networkx")
# Import every module of the course; the pytest plugin is the one module that needs the test tools.
IMPORT_EVERY_MODULE = """
import importlib, pkgutil
import patterns, exercises
failed, count = [], 0
for package in (patterns, exercises):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name.endswith("__main__") or info.name == "patterns.lab.testing":
            continue
        count += 1
        try:
            importlib.import_module(info.name)
        except Exception as error:
            failed.append(f"{info.name}: {type(error).__name__}: {error}")
print(count)
print("\\n".join(failed))
"""
# What repo2docker would not copy from a developer's checkout (ignored by git, or tool caches).
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".venv-*", "__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".mypy_cache",
    ".ruff_cache", ".hypothesis", "test-artifacts", "bench-results", "build", "*.egg-info",
)  # fmt: skip


@dataclass(frozen=True)
class BinderImage:
    """The replayed image: the copied repository and the Python environment repo2docker would build."""

    repo: Path
    venv: Path
    python: Path
    install_s: float
    postbuild_output: str


def run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited with {result.returncode}\n"
            f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}",
            pytrace=False,
        )
    return result.stdout


def image_env(venv: Path, home: Path) -> dict[str, str]:
    """The image's environment: its Python first on PATH, nothing of this project's own .venv."""
    for folder in ("matplotlib", "ipython", "jupyter"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONHOME"}}
    outer_bins = {str(Path(sys.prefix) / "bin"), str(ROOT / ".venv" / "bin")}
    path = [part for part in env.get("PATH", "").split(os.pathsep) if part and part not in outer_bins]
    env.update(
        PATH=os.pathsep.join([str(venv / "bin"), *path]),
        VIRTUAL_ENV=str(venv),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        MPLCONFIGDIR=str(home / "matplotlib"),
        IPYTHONDIR=str(home / "ipython"),
        JUPYTER_CONFIG_DIR=str(home / "jupyter"),
    )
    return env


@pytest.fixture(scope="session")
def binder_image(tmp_path_factory: pytest.TempPathFactory) -> BinderImage:
    """Replay repo2docker's Python steps once per session (the install is the slow part)."""
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}", (
        f"binder/runtime.txt says {runtime!r}; this replay runs Python "
        f"{sys.version_info.major}.{sys.version_info.minor}"
    )
    base = tmp_path_factory.mktemp("binder")
    repo = base / "repo"
    shutil.copytree(ROOT, repo, ignore=NOT_COPIED)
    venv = base / "venv"
    env = image_env(venv, base / "home")
    run([sys.executable, "-m", "venv", str(venv)], cwd=repo, env=env, timeout=120)
    python = venv / "bin" / "python"
    started = time.monotonic()
    # repo2docker: `pip install --no-cache-dir -r "binder/requirements.txt"` from the repository root.
    # Here pip may use its cache, so that the replay does not download the course's wheels again.
    run(
        [str(python), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=repo, env=env, timeout=INSTALL_TIMEOUT_S,
    )  # fmt: skip
    install_s = time.monotonic() - started
    postbuild = run(["binder/postBuild"], cwd=repo, env=env, timeout=POSTBUILD_TIMEOUT_S)
    return BinderImage(repo, venv, python, install_s, postbuild)


@pytest.fixture
def kernel_manager(binder_image: BinderImage, tmp_path: Path) -> KernelManager:
    """A kernel manager whose only kernel is the image environment's Python (a kernelspec in tmp)."""
    spec_dir = tmp_path / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    env = image_env(binder_image.venv, tmp_path / "home")
    spec = {
        "argv": [str(binder_image.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (binder replay)",
        "language": "python",
        "env": {key: env[key] for key in ("PATH", "VIRTUAL_ENV", "MPLCONFIGDIR", "IPYTHONDIR")},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def outputs_text(cell: Any) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif output["output_type"] in {"execute_result", "display_data"}:
            data = output.get("data", {})
            parts.append(str(data.get("text/plain", "")) + str(data.get("text/html", "")))
        elif output["output_type"] == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
    return "\n".join(parts)


def where_the_course_is(image: BinderImage, cwd: Path) -> list[Path]:
    """Where the image's Python, started in ``cwd``, imports ``patterns`` and ``exercises`` from."""
    code = "import patterns, exercises; print(patterns.__file__); print(exercises.__file__)"
    env = image_env(image.venv, image.repo.parent / "home")
    return [Path(line) for line in run([str(image.python), "-c", code], cwd=cwd, env=env, timeout=60).split()]


def test_postbuild_installs_the_course_package_into_the_image_environment(
    binder_image: BinderImage, tmp_path: Path
) -> None:
    assert "the course package is importable" in binder_image.postbuild_output
    # Editable: from anywhere, the image's Python runs the repository's own files, as learners edit them.
    located = where_the_course_is(binder_image, tmp_path)
    assert len(located) == 2, located
    assert all(path.is_relative_to(binder_image.repo) for path in located), located
    print(f"repo2docker replay: pip install -r binder/requirements.txt took {binder_image.install_s:.0f} s")


def test_a_kernel_in_a_pulled_copy_imports_that_copy(binder_image: BinderImage, tmp_path: Path) -> None:
    """A hub mounts the learner's home over the image and nbgitpuller pulls the course into it: a kernel
    started in that copy's notebooks/ must import that copy (what the learner edits and check() grades)."""
    pulled = tmp_path / "home" / "serverless-patterns-lab"
    for folder in ("patterns", "exercises", "notebooks"):
        shutil.copytree(binder_image.repo / folder, pulled / folder, ignore=NOT_COPIED)
    located = where_the_course_is(binder_image, pulled / "notebooks")
    assert len(located) == 2, located
    assert all(path.is_relative_to(pulled) for path in located), located
    # A folder whose parent is not a course changes nothing: the installed copy is used.
    (tmp_path / "elsewhere" / "notebooks").mkdir(parents=True)
    located = where_the_course_is(binder_image, tmp_path / "elsewhere" / "notebooks")
    assert all(path.is_relative_to(binder_image.repo) for path in located), located


def test_notebook_00_and_a_check_run_in_a_kernel_of_the_image(
    binder_image: BinderImage, kernel_manager: KernelManager
) -> None:
    notebooks = binder_image.repo / "notebooks"
    notebook = nbformat.read(notebooks / NOTEBOOK, as_version=4)
    check_cells = [i for i, cell in enumerate(notebook.cells) if 'check("faas")' in cell.source]
    assert len(check_cells) == 1, 'notebook 00 should end with one check("faas") cell'
    # One added cell: which Python and which course the kernel saw.
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            "import sys, patterns, exercises\nprint('prefix', sys.prefix)\n"
            "print('patterns', patterns.__file__)\nprint('exercises', exercises.__file__)"
        )
    )
    client = LabNotebookClient(
        notebook,
        km=kernel_manager,
        timeout=CELL_TIMEOUT_S,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(notebooks)}},
    )
    started = time.monotonic()
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    elapsed = time.monotonic() - started

    errors = [
        (i, outputs_text(cell))
        for i, cell in enumerate(notebook.cells)
        if any(output["output_type"] == "error" for output in cell.get("outputs", []))
    ]
    assert errors == []
    check_output = outputs_text(notebook.cells[check_cells[0]])
    assert "faas" in check_output, check_output[:2000]
    # The stub, graded by the public tests: every test ran and failed with the stub's message.
    assert re.search(r"faas</b>: 0/\d+ points, 0 of [1-9]\d* tests passed", check_output), check_output[:2000]
    assert "not implemented yet" in check_output, check_output[:2000]

    provenance = outputs_text(notebook.cells[-1]).split("\n")
    assert f"prefix {binder_image.venv}" in provenance, provenance
    assert all(
        Path(line.split(" ", 1)[1]).is_relative_to(binder_image.repo)
        for line in provenance
        if line.startswith(("patterns ", "exercises "))
    ), provenance
    assert elapsed < NOTEBOOK_BUDGET_S, f"notebook 00 took {elapsed:.0f} s in the replayed image"
    print(f"repo2docker replay: notebook 00 with check('faas') ran in {elapsed:.1f} s")


def test_every_course_module_imports_in_the_learner_install(binder_image: BinderImage) -> None:
    env = image_env(binder_image.venv, binder_image.repo.parent / "home")
    code = f"import importlib.util as u; print([m for m in {NOT_IN_THE_LEARNER_INSTALL!r} if u.find_spec(m)])"
    assert (
        run([str(binder_image.python), "-c", code], cwd=binder_image.repo, env=env, timeout=60).strip()
        == "[]"
    )
    count, *failed = (
        run(
            [str(binder_image.python), "-c", IMPORT_EVERY_MODULE], cwd=binder_image.repo, env=env, timeout=300
        )
        .strip()
        .split("\n")
    )
    assert int(count) > 200, count
    assert failed == [], failed
    size_mb = sum(f.stat().st_size for f in binder_image.venv.rglob("*") if f.is_file()) / 1e6
    print(f"learner install: {count} course modules import; the environment holds {size_mb:.0f} MB")


def test_pattern_23_deploys_its_template_without_moto_s_cloudformation_extra(
    binder_image: BinderImage,
) -> None:
    """moto uses cfn-lint only for ValidateTemplate, which the course never calls."""
    env = image_env(binder_image.venv, binder_image.repo.parent / "home")
    output = run(
        [str(binder_image.python), "-m", "patterns.deploy_test"],
        cwd=binder_image.repo,
        env=env,
        timeout=DEMO_TIMEOUT_S,
    )
    assert "Traceback" not in output
    assert re.search(r"moto's CloudFormation skipped \d+ type\(s\) silently", output), output[-3000:]
    assert "roll back at minute" in output, output[-3000:]
