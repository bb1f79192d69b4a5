"""One embedded Tansu broker and one newswire worker per test session, on free ports."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from pipeline.broker import free_port
from tests.helpers import wait_http

INGEST_TOKEN = "test-ingest-token"


@pytest.fixture(scope="session")
def pipeline_env(broker, tmp_path_factory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("newswire")
    return {
        **os.environ,
        "NEWSWIRE_BROKER": broker.url,
        "NEWSWIRE_APP_ID": f"newswire-test-{uuid.uuid4().hex[:6]}",
        "NEWSWIRE_WEB_PORT": str(free_port()),
        "NEWSWIRE_DATA_DIR": str(data),
        "NEWSWIRE_MAX_ARTICLE_BYTES": "200000",
        "NEWSWIRE_INGEST_TOKEN": INGEST_TOKEN,
        "NEWSWIRE_MAX_REQUEST_BYTES": "300000",
    }


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    wait_http(f"http://127.0.0.1:{port}/readyz", proc, timeout)


@pytest.fixture(scope="package")  # stopped with this package: an idle worker costs ~5% of a core
def worker(pipeline_env, tmp_path_factory):
    log_path: Path = tmp_path_factory.mktemp("worker") / "worker.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "newswire", "worker", "-l", "warn"],
                                env=pipeline_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(int(pipeline_env["NEWSWIRE_WEB_PORT"]), proc)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
