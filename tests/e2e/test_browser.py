"""The faas notebook in a real browser: JupyterLab, headless Debian Chromium driven by Playwright.

A fresh JupyterLab server (loopback, a free port, a token, isolated settings) serves a temporary copy
of ``notebooks/``. The test opens the faas notebook, runs all cells, moves the race explorer's slider
with the keyboard and by typing into its readout, and checks that the printed text and the plot
image changed each time. On failure it saves a screenshot and the server log under
``test-artifacts/`` and names them in the failure message.
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

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"
NOTEBOOK = "01-faas.ipynb"
WIDGET_TEXT = "{value} concurrent requests"  # what the race explorer prints for a slider value
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


@pytest.fixture
def lab_server(tmp_path: Path) -> Iterator[LabServer]:
    """A JupyterLab server of this environment on a temporary copy of the notebooks; stopped after."""
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


def save_artifacts(page: Any, server: LabServer, console: list[str]) -> list[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
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


def widget_output(page: Any) -> tuple[str, str]:
    """The race explorer's printed text and the src of its plot image."""
    output = page.locator(".widget-interact .jp-OutputArea-output", has_text="concurrent requests").first
    image = page.locator(".widget-interact .jp-OutputArea img").first
    return output.inner_text(), image.get_attribute("src") or ""


def wait_for_widget_value(page: Any, value: int, old_image: str) -> tuple[str, str]:
    """Wait until the explorer printed its text for ``value`` and shows a new plot; return both."""
    from playwright.sync_api import expect

    expect(page.locator(".widget-interact .jp-OutputArea-output").first).to_contain_text(
        WIDGET_TEXT.format(value=value), timeout=RERUN_MS
    )
    page.wait_for_function(
        "old => { const img = document.querySelector('.widget-interact .jp-OutputArea img');"
        " return img !== null && img.src.startsWith('data:image/png') && img.src !== old; }",
        arg=old_image,
        timeout=RERUN_MS,
    )
    return widget_output(page)


def test_faas_notebook_runs_and_its_slider_remakes_text_and_plot(lab_server: LabServer) -> None:
    from playwright.sync_api import expect, sync_playwright

    executable = chromium()
    console: list[str] = []
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        failure = None
        try:
            page.goto(f"{lab_server.url}/lab/tree/{NOTEBOOK}?token={lab_server.token}")
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
            text, image = wait_for_widget_value(page, first_value, "")
            assert image.startswith("data:image/png"), image[:40]

            slider.locator(".noUi-handle").focus()
            page.keyboard.press("ArrowRight")
            expect(readout).to_have_text(str(first_value + 1))
            moved_text, moved_image = wait_for_widget_value(page, first_value + 1, image)
            assert moved_text != text
            assert moved_image != image

            typed_value = first_value - 3
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(str(typed_value))
            page.keyboard.press("Enter")
            typed_text, typed_image = wait_for_widget_value(page, typed_value, moved_image)
            assert typed_text not in (text, moved_text)
            assert typed_image not in (image, moved_image)

            error_outputs = page.locator(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
            )
            assert error_outputs.filter(has_text="Traceback").count() == 0, "a cell printed a traceback"
        except Exception as error:
            paths = save_artifacts(page, lab_server, console)
            failure = f"{type(error).__name__}: {error}\nsaved: {', '.join(str(p) for p in paths)}"
        finally:
            browser.close()
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    elapsed = time.monotonic() - started
    assert elapsed < 120, f"the browser run took {elapsed:.0f} s; the budget is about 60 s"
