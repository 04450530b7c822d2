"""The headline notebooks in a real browser: JupyterLab, headless Debian Chromium driven by Playwright.

One fresh JupyterLab server (loopback, a free port, a token, isolated settings) serves a temporary copy
of ``notebooks/`` for the whole module. Each test opens one notebook (01 faas, 03 cold starts, 09 queue
batching, 14 saga), runs all cells, moves the first slider of its ``interactive`` with the keyboard (01
also types into the readout), and checks that the printed text and the plot image changed, that every
cell ran, and that no error output (a traceback, an exception, a widget that failed to render) is
anywhere in the page. Its kernel is shut down after it. On failure it saves a screenshot and the
server log under ``test-artifacts/`` and names them in the failure message.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# One worker runs them all (--dist loadgroup), so the module has one JupyterLab server.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"


@dataclass(frozen=True)
class Headline:
    """A notebook driven in the browser: what its explorer prints for a value of its first slider."""

    notebook: str
    printed: str  # the text the explorer's output contains for a value of the first slider
    type_into_readout: bool = False  # also type a value into the slider's readout (01 only: one run more)


HEADLINES = [
    Headline("01-faas.ipynb", "{value} concurrent requests", type_into_readout=True),
    Headline("03-cold-starts.ipynb", "{value} requests per minute"),
    Headline("09-queue-batching.ipynb", "batch size {value}:"),
    Headline("14-saga.ipynb", "failing step {value} ("),
]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_S = 60
KERNEL_READY_MS = 60_000
RUN_ALL_MS = 90_000
RERUN_MS = 30_000
NOTEBOOK_BUDGET_S = 120  # per notebook, browser start to last check; measured 25-60 s on a loaded machine
# User settings: no news toast, no autosave, every cell rendered even when off-screen.
LAB_SETTINGS = {
    "apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


@dataclass
class LabServer:
    url: str
    token: str
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def chromium() -> str:
    """Debian's chromium; the test fails (never skips) without it."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.fail(
            "chromium is missing (not on PATH, not /usr/bin/chromium): run `make test`, which installs "
            "Debian's chromium (.ci/install-system-packages). Never `playwright install`.",
            pytrace=False,
        )
    return found


def wait_until_serving(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"jupyter lab exited with {process.returncode}; log:\n{log.read_text()}", pytrace=False
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(
        f"jupyter lab did not answer {url} within {SERVER_START_S} s; log:\n{log.read_text()}", pytrace=False
    )


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """One JupyterLab server of this environment, on a temporary copy of the notebooks, for every test
    of this module (each test shuts its own kernel down); stopped after the last."""
    tmp_path = tmp_path_factory.mktemp("lab")
    served = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, served, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    home = tmp_path / "jupyter"
    for name, settings in LAB_SETTINGS.items():
        path = home / "config" / "lab" / "user-settings" / "@jupyterlab" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "MPLCONFIGDIR": str(home / "matplotlib"),
    }
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path / "jupyter-server.log"
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={served}",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, cwd=served, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(process, f"{url}/api/status?token={token}", log)
        yield LabServer(url, token, log)
    finally:
        process.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def save_artifacts(page: Any, server: LabServer, console: list[str], name: str) -> list[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    stamp = f"{Path(name).stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    screenshot = ARTIFACTS / f"browser-{stamp}.png"
    log = ARTIFACTS / f"jupyter-server-{stamp}.log"
    saved = []
    try:
        page.screenshot(path=str(screenshot), full_page=True)
        saved.append(screenshot)
    except Exception as error:  # the page may be gone; the log still helps
        console.append(f"(no screenshot: {error})")
    log.write_text(server.log.read_text() + "\n--- browser console ---\n" + "\n".join(console))
    saved.append(log)
    return saved


def shut_down_kernels(server: LabServer) -> None:
    """Delete every session (and so its kernel) of the server: the next notebook starts alone."""
    headers = {"Authorization": f"token {server.token}"}
    request = urllib.request.Request(f"{server.url}/api/sessions", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        delete = urllib.request.Request(
            f"{server.url}/api/sessions/{session['id']}", headers=headers, method="DELETE"
        )
        with urllib.request.urlopen(delete, timeout=30):
            pass


def widget_output(page: Any, printed: str) -> tuple[str, str]:
    """The explorer's printed text and the src of its plot image."""
    marker = max(printed.split("{value}"), key=len).strip()  # the longest fixed part of the text
    output = page.locator(".widget-interact .jp-OutputArea-output", has_text=marker).first
    image = page.locator(".widget-interact .jp-OutputArea img").first
    return output.inner_text(), image.get_attribute("src") or ""


def wait_for_widget_value(page: Any, printed: str, value: int, old_image: str) -> tuple[str, str]:
    """Wait until the explorer printed its text for ``value`` and shows a new plot; return both."""
    from playwright.sync_api import expect

    expect(page.locator(".widget-interact .jp-OutputArea-output").first).to_contain_text(
        printed.format(value=value), timeout=RERUN_MS
    )
    page.wait_for_function(
        "old => { const img = document.querySelector('.widget-interact .jp-OutputArea img');"
        " return img !== null && img.src.startsWith('data:image/png') && img.src !== old; }",
        arg=old_image,
        timeout=RERUN_MS,
    )
    return widget_output(page, printed)


def error_outputs(page: Any) -> list[str]:
    """Every error shown in the page: a traceback or exception in any output, a widget that failed."""
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    found = [text for text in stderr.all_inner_texts() if re.search(r"Traceback|Error\b|Exception\b", text)]
    found += page.locator(".jp-OutputArea-output", has_text="Error displaying widget").all_inner_texts()
    return found


def drive(page: Any, server: LabServer, headline: Headline) -> None:
    """Open the notebook, run all, move the first slider (and type, for 01); check what changed."""
    from playwright.sync_api import expect

    # A workspace of its own: the server's default one would reopen the notebooks of earlier tests.
    workspace = Path(headline.notebook).stem
    page.goto(f"{server.url}/lab/workspaces/{workspace}/tree/{headline.notebook}?token={server.token}")
    expect(page.locator(".jp-NotebookPanel-toolbar .jp-KernelName")).to_contain_text(
        "Python 3", timeout=KERNEL_READY_MS
    )
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=KERNEL_READY_MS)

    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

    slider = page.locator(".widget-interact .widget-slider").first
    expect(slider).to_be_visible(timeout=RUN_ALL_MS)
    readout = slider.locator(".widget-readout")
    first_value = int(readout.inner_text())
    text, image = wait_for_widget_value(page, headline.printed, first_value, "")
    assert image.startswith("data:image/png"), image[:40]
    # Every cell ran: no prompt still says [*] (running or queued), and every code cell has a number.
    page.wait_for_function(
        "() => { const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)); }",
        timeout=RUN_ALL_MS,
    )

    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    expect(readout).to_have_text(str(first_value + 1))
    moved_text, moved_image = wait_for_widget_value(page, headline.printed, first_value + 1, image)
    assert moved_text != text
    assert moved_image != image

    if headline.type_into_readout:
        typed_value = first_value - 3
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(str(typed_value))
        page.keyboard.press("Enter")
        typed_text, typed_image = wait_for_widget_value(page, headline.printed, typed_value, moved_image)
        assert typed_text not in (text, moved_text)
        assert typed_image not in (image, moved_image)

    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=RERUN_MS)
    errors = error_outputs(page)
    assert errors == [], f"the page shows {len(errors)} error output(s):\n" + "\n---\n".join(errors)


@pytest.mark.parametrize("headline", HEADLINES, ids=[h.notebook.removesuffix(".ipynb") for h in HEADLINES])
def test_headline_notebook_runs_and_its_slider_remakes_text_and_plot(
    lab_server: LabServer, headline: Headline
) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    console: list[str] = []
    started = time.monotonic()
    failure = None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            try:
                drive(page, lab_server, headline)
            except Exception as error:
                paths = save_artifacts(page, lab_server, console, headline.notebook)
                failure = f"{type(error).__name__}: {error}\nsaved: {', '.join(str(p) for p in paths)}"
            finally:
                browser.close()
    finally:
        shut_down_kernels(lab_server)
    if failure is not None:
        pytest.fail(f"{headline.notebook}: {failure}", pytrace=False)
    elapsed = time.monotonic() - started
    print(f"{headline.notebook} in the browser: {elapsed:.1f} s")
    assert elapsed < NOTEBOOK_BUDGET_S, (
        f"{headline.notebook} took {elapsed:.0f} s in the browser; the budget is {NOTEBOOK_BUDGET_S} s"
    )
