"""HTTP API: read latency under 50 concurrent clients, and draft-job throughput.

    python -m bench.api [--clients 50] [--requests 40] [--jobs 8]

Reads: a ``cjm serve`` process on loopback (one uvicorn worker) holds 20 maps drafted from the
project's sample research. 50 clients each send ``--requests`` requests, a mix of the reads a
review page makes (a map with its content, the map list, history, comments). Baseline, measured
in the same run with the same clients: ``GET /v1/health`` (no auth; one store query, one index
heartbeat, one count of unfinished jobs — heavier than before those checks existed, so compare
ratios only between runs of the same version). Printed: p50, p95, p99, errors, requests/s, and
the p50/p95 ratio to the baseline.

Jobs: ``--jobs`` draft jobs (3 personas, fake model answering every part) submitted at once to
an in-process server, waited for by polling; baseline: the same drafts made by calling the
pipeline directly. Printed: jobs/min and the API's overhead ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from api.http.app import create_app
from bench.common import percentile
from generator.analysis.request import AnalysisRequest
from generator.drafting.fake_drafter import FakeDrafter
from generator.drafting.llm_draft import DraftSpec
from generator.drafting.pipeline import draft_map
from generator.llm.fakes import FunctionModel
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.library import Library

SAMPLES = Path(__file__).resolve().parents[1] / "knowledge" / "research" / "samples"
WORKSPACE = "bench"
MAPS = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(home: Path) -> tuple[str, list[str]]:
    """A library with the sample research, 20 stored maps and a reviewer key."""
    settings = Settings(home=home)
    library = Library(settings)
    try:
        Ingestor(library).run(
            [SAMPLES / "reviews.csv", SAMPLES / "support_tickets.jsonl"],
            IngestOptions(kind="review", workspace=WORKSPACE),
        )
        options = AnalysisRequest(
            workspace=WORKSPACE, framework="six_stage", rating_scale=5
        ).options()
        journey = draft_map(
            library,
            options,
            "fa",
            DraftSpec(personas=3),
            FunctionModel(FakeDrafter("fa")),
            settings,
        )
        repo = MapRepository(library.db)
        ids = [repo.create(WORKSPACE, journey, "bench").id for _ in range(MAPS)]
        for map_id in ids:
            for n in range(5):
                repo.comment(WORKSPACE, map_id, "title", f"نظر شماره {n}", "bench")
        key, _ = create_key(library.db, WORKSPACE, "reviewer", "bench")
        return key, ids
    finally:
        library.close()


def serve(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CJM_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health").status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


async def load(
    base: str, headers: dict[str, str], paths: list[str], clients: int, per_client: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as c:

        async def one_client(n: int) -> None:
            nonlocal errors
            for i in range(per_client):
                path = paths[(n * per_client + i) % len(paths)]
                start = time.perf_counter()
                try:
                    response = await c.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - start)
                errors += not ok

        began = time.perf_counter()
        await asyncio.gather(*(one_client(n) for n in range(clients)))
        wall = time.perf_counter() - began
    return {
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "errors": errors,
        "rps": len(latencies) / wall,
    }


def read_latency(home: Path, key: str, ids: list[str], clients: int, per_client: int) -> None:
    port = free_port()
    proc = serve(home, port)
    try:
        base = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Bearer {key}"}
        prefix = f"/v1/workspaces/{WORKSPACE}/maps"
        reads = [
            p
            for map_id in ids
            for p in (
                f"{prefix}/{map_id}",
                prefix,
                f"{prefix}/{map_id}/history",
                f"{prefix}/{map_id}/comments",
            )
        ]
        asyncio.run(load(base, auth, reads, clients, 4))  # warm up: connections, caches
        health = asyncio.run(load(base, auth, ["/v1/health"], clients, per_client))
        maps = asyncio.run(load(base, auth, reads, clients, per_client))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    total = clients * per_client
    print(f"\nread latency, {clients} concurrent clients x {per_client} requests ({total} each)")
    print(f"{'endpoint':<28}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'req/s':>9}")
    for name, r in (("health (baseline)", health), ("map reads (mix)", maps)):
        print(
            f"{name:<28}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
            f"{int(r['errors']):>8}{r['rps']:>9.0f}"
        )
    print(
        f"map reads vs baseline: p50 {maps['p50'] / health['p50']:.1f}x, "
        f"p95 {maps['p95'] / health['p95']:.1f}x"
    )


def job_throughput(home: Path, key: str, jobs: int) -> None:
    settings = Settings(home=home)
    library = Library(settings)
    began = time.perf_counter()
    for _ in range(jobs):
        options = AnalysisRequest(
            workspace=WORKSPACE, framework="six_stage", rating_scale=5
        ).options()
        draft_map(
            library,
            options,
            "ru",
            DraftSpec(personas=3),
            FunctionModel(FakeDrafter("ru")),
            settings,
        )
    direct = time.perf_counter() - began
    library.close()

    os.environ["CJM_HOME"] = str(home)
    from knowledge.platform.settings import get_settings

    get_settings.cache_clear()
    app = create_app(model_factory=lambda s: FunctionModel(FakeDrafter("ru")))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    auth = {"Authorization": f"Bearer {key}"}
    url = f"http://127.0.0.1:{port}/v1/workspaces/{WORKSPACE}"
    body = {"lang": "ru", "personas": 3, "rating_scale": 5}
    with httpx.Client(headers=auth, timeout=60) as c:
        began = time.perf_counter()
        links = [c.post(f"{url}/drafts", json=body).headers["Location"] for _ in range(jobs)]
        done: dict[str, Any] = {}
        for link in links:  # one job worker: they finish in order; poll the oldest only
            while link not in done:
                job = c.get(link).json()
                if job["status"] in ("succeeded", "failed"):
                    done[link] = job
                else:
                    time.sleep(0.1)
        via_api = time.perf_counter() - began
    server.should_exit = True
    thread.join(timeout=30)
    failed = sum(j["status"] != "succeeded" for j in done.values())
    print(f"\ndraft jobs with the fake model ({jobs} drafts, 3 personas, one job worker)")
    print(f"{'':<28}{'seconds':>9}{'jobs/min':>10}")
    print(f"{'pipeline direct (baseline)':<28}{direct:>9.1f}{jobs / direct * 60:>10.1f}")
    print(f"{'API jobs':<28}{via_api:>9.1f}{jobs / via_api * 60:>10.1f}")
    print(f"API overhead: {via_api / direct:.2f}x; failed jobs: {failed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="per client")
    parser.add_argument("--jobs", type=int, default=8)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="cjm-bench-api-"))
    try:
        key, ids = prepare(home)
        read_latency(home, key, ids, args.clients, args.requests)
        job_throughput(home, key, args.jobs)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
