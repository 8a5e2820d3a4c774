"""The team deployment's job queue: draft throughput per worker count, submit-to-start latency,
and reads through two API replicas against one.

    python -m bench.queue --database-url postgresql+psycopg://USER:PASS@HOST/DB
        [--drafts 12] [--latency-jobs 20] [--clients 50] [--requests 2000] [--json PATH]

The database (or CJM_BENCH_DATABASE_URL) is emptied at the start and at the end: give the
benchmark one of its own. The processes are those compose.yaml starts, started directly as
tests/deploy/test_queue_processes.py does: a Chroma server, ``cjm serve`` replicas with
CJM_JOBS=queue and ``cjm worker --concurrency 1`` processes, each with its own CJM_HOME and JSON
logs. The project's sample research is uploaded through the API and ingested by a worker.

Throughput: the same ``--drafts`` evidence-only drafts (fa, one persona) submitted through one
replica to 1, 2 and 4 workers (each warmed by a draft of its own first). Printed: jobs/min from
the first submit to the last job's end, the ratio to 1 worker (the baseline, same run), and the
mean and p95 job duration. A job's start and end are the ``started`` and ``succeeded`` lines of
the worker's log (millisecond times; the job's row keeps no start time).

Latency: ``--latency-jobs`` analysis jobs (``POST .../analyses`` with ``{}``, viewer key)
submitted one at a time, each after the previous one ended, to one idle worker; baseline: the
same jobs on one ``cjm serve`` with CJM_JOBS=in-process on the same database. Submit is the
client's clock just before the POST, start the runner's ``started`` log line (1 ms; polling the
job every 20 ms would add up to 20 ms and an HTTP round trip). Printed: p50, p95, max.

Reads: ``--requests`` GETs (map list and single maps of the drafts' maps, alternating) from
``--clients`` concurrent clients, each client bound to a replica round-robin (no proxy), with no
worker running; baseline: the same clients on one replica. Printed: p50, p95, p99, errors, req/s
and the ratio two/one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bench.common import percentile
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings
from knowledge.store import Database
from tests.helpers.llm.local_endpoint import _Handler
from tests.helpers.postgres import empty
from tests.helpers.team import Process, Team, free_port, until

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "knowledge" / "research" / "samples"
WS = "bench"
DRAFT = {"lang": "fa", "personas": 1}
WORKER_COUNTS = (1, 2, 4)


def epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def job_times(processes: list[Process]) -> dict[str, dict[str, float]]:
    """Per job id, its ``start`` and ``end`` (epoch seconds) from the runners' log lines."""
    times: dict[str, dict[str, float]] = {}
    for process in processes:
        for event in process.events():
            job_id, message = event.get("job_id"), event.get("message", "")
            if not job_id:
                continue
            if message.endswith("started"):
                times.setdefault(job_id, {})["start"] = epoch(event["time"])
            elif message.endswith("succeeded") or " failed" in message:
                times.setdefault(job_id, {})["end"] = epoch(event["time"])
    return times


def ran_by(process: Process) -> set[str]:
    """The ids of the jobs ``process`` started."""
    return {
        e["job_id"]
        for e in process.events()
        if e.get("job_id") and e.get("message", "").endswith("started")
    }


class Client:
    def __init__(self, base: str, key: str) -> None:
        self.http = httpx.Client(
            base_url=f"{base}/v1/workspaces/{WS}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        )

    def submit(self, path: str, body: dict[str, Any]) -> str:
        answer = self.http.post(path, json=body)
        if answer.status_code != 202:
            raise SystemExit(f"POST {path}: {answer.status_code} {answer.text[:300]}")
        return str(answer.json()["id"])

    def job(self, job_id: str) -> dict[str, Any]:
        answer = self.http.get(f"/jobs/{job_id}")
        answer.raise_for_status()
        return answer.json()  # type: ignore[no-any-return]

    def ended(self, job_id: str, seconds: float, every: float = 0.25) -> dict[str, Any]:
        return until(  # type: ignore[no-any-return]
            lambda: (job := self.job(job_id))["status"] not in ("queued", "running") and job,
            seconds,
            f"job {job_id} did not end in {seconds:.0f} s",
            every,
        )


def workers_seen(api: Process) -> int:
    health = httpx.get(f"{api.url}/v1/health", timeout=10).json()
    return int(health["checks"]["queue"].get("workers") or 0)


def throughput(
    team: Team,
    api: Process,
    editor: Client,
    workers: list[Process],
    drafts: int,
    name: str = "worker",
) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    map_ids: list[str] = []
    warm: set[str] = set()  # drafts run for warming up
    for count in WORKER_COUNTS:
        while len(workers) < count:
            workers.append(team.worker(f"{name}{len(workers) + 1}"))
        until(lambda n=count: workers_seen(api) >= n, 120, f"{count} workers did not register")
        for _ in range(4):  # warm-up: every worker has drafted once (models loaded)
            cold = [w for w in workers if not ran_by(w) & warm]
            if not cold:
                break
            warm |= {editor.submit("/drafts", DRAFT) for _ in cold}
            for job_id in warm:
                editor.ended(job_id, 600)
        began = time.time()
        ids = [editor.submit("/drafts", DRAFT) for _ in range(drafts)]
        finals = [editor.ended(job_id, 1200) for job_id in ids]
        times = job_times(workers)
        failed = sum(j["status"] != "succeeded" for j in finals)
        map_ids += [j["result"]["map_id"] for j in finals if j["status"] == "succeeded"]
        spans = [times[i]["end"] - times[i]["start"] for i in ids if "end" in times.get(i, {})]
        last = max(times[i]["end"] for i in ids if "end" in times.get(i, {}))
        wall = last - began
        per_worker = [len(ran_by(w) & set(ids)) for w in workers]
        rows.append(
            {
                "workers": count,
                "jobs": drafts,
                "failed": failed,
                "seconds": wall,
                "jobs_per_min": drafts / wall * 60,
                "duration_mean_s": sum(spans) / len(spans),
                "duration_p95_s": percentile(spans, 0.95),
                "jobs_per_worker": per_worker,
            }
        )
        print(f"  {count} worker(s): {drafts / wall * 60:.1f} jobs/min, per worker {per_worker}")
    base = rows[0]["jobs_per_min"]
    for row in rows:
        row["ratio_to_1"] = row["jobs_per_min"] / base
    return rows, map_ids


def latency(viewer: Client, runners: list[Process], jobs: int) -> dict[str, Any]:
    """Submit-to-start of ``jobs`` analyses, one at a time, each after the last one ended."""
    submitted: dict[str, float] = {}
    answered: list[float] = []
    for _ in range(jobs):
        time.sleep(0.2)  # the runner idle, not finishing the previous job's bookkeeping
        sent = time.time()
        job_id = viewer.submit("/analyses", {})
        answered.append((time.time() - sent) * 1000)
        submitted[job_id] = sent
        viewer.ended(job_id, 300, every=0.02)
    times = job_times(runners)
    waits = [(times[j]["start"] - sent) * 1000 for j, sent in submitted.items() if j in times]
    spans = [times[j]["end"] - times[j]["start"] for j in submitted if "end" in times.get(j, {})]
    return {
        "jobs": len(waits),
        "p50_ms": percentile(waits, 0.50),
        "p95_ms": percentile(waits, 0.95),
        "max_ms": max(waits),
        "accepted_p50_ms": percentile(answered, 0.50),
        "job_mean_s": sum(spans) / len(spans),
    }


async def load(
    bases: list[str], key: str, paths: list[str], clients: int, total: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    per_client = total // clients
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    auth = {"Authorization": f"Bearer {key}"}
    pools = [httpx.AsyncClient(base_url=b, headers=auth, limits=limits, timeout=60) for b in bases]

    async def one_client(n: int) -> None:
        nonlocal errors
        c = pools[n % len(pools)]  # round-robin: client n talks to replica n mod replicas
        for i in range(per_client):
            path = paths[(n * per_client + i) % len(paths)]
            start = time.perf_counter()
            try:
                ok = (await c.get(path)).status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += not ok

    try:
        began = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(one_client(n) for n in range(clients))), 600)
        wall = time.perf_counter() - began
    finally:
        for pool in pools:
            await pool.aclose()
    return {
        "requests": len(latencies),
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": errors,
        "rps": len(latencies) / wall,
    }


def reads(
    replicas: list[Process], key: str, map_ids: list[str], clients: int, total: int
) -> dict[str, dict[str, float]]:
    prefix = f"/v1/workspaces/{WS}/maps"
    paths = [p for m in map_ids for p in (prefix, f"{prefix}/{m}")]
    bases = [r.url for r in replicas]
    asyncio.run(load(bases, key, paths, clients, clients * 4))  # warm up both replicas
    one = asyncio.run(load(bases[:1], key, paths, clients, total))
    two = asyncio.run(load(bases, key, paths, clients, total))
    return {"one_replica": one, "two_replicas": two}


def _throughput_table(title: str, rows: list[dict[str, Any]]) -> None:
    print(title)
    print(
        f"{'workers':<10}{'seconds':>9}{'jobs/min':>10}{'vs 1':>7}"
        f"{'mean s':>9}{'p95 s':>8}{'failed':>8}  jobs per worker"
    )
    for r in rows:
        print(
            f"{r['workers']:<10}{r['seconds']:>9.1f}{r['jobs_per_min']:>10.1f}"
            f"{r['ratio_to_1']:>6.2f}x{r['duration_mean_s']:>9.2f}{r['duration_p95_s']:>8.2f}"
            f"{r['failed']:>8}  {r['jobs_per_worker']}"
        )


def report(results: dict[str, Any]) -> None:
    rows = results["throughput"]
    _throughput_table(
        f"\ndraft jobs, {rows[0]['jobs']} evidence-only drafts (fa, 1 persona), one replica", rows
    )
    model = results["model_throughput"]
    _throughput_table(
        f"\ndraft jobs with a model, {model[0]['jobs']} drafts (fa, 1 persona), a loopback model "
        f"answering each request after {results['model_latency_s']:g} s",
        model,
    )
    lat = results["latency"]
    print(f"\nsubmit to start, {lat['queue']['jobs']} analysis jobs one at a time, idle runner")
    print(f"{'runner':<34}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'202 p50':>9}{'job s':>8}")
    for name, r in (
        ("in-process, cjm serve (baseline)", lat["in_process"]),
        ("queue, 1 idle cjm worker", lat["queue"]),
    ):
        print(
            f"{name:<34}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['max_ms']:>9.1f}"
            f"{r['accepted_p50_ms']:>9.1f}{r['job_mean_s']:>8.2f}"
        )
    q, b = lat["queue"], lat["in_process"]
    print(
        f"queue vs in-process: p50 {q['p50_ms'] / b['p50_ms']:.2f}x, "
        f"p95 {q['p95_ms'] / b['p95_ms']:.2f}x (202 p50: the POST's own answer time)"
    )
    rd = results["reads"]
    one, two = rd["one_replica"], rd["two_replicas"]
    print(
        f"\nreads, {results['clients']} concurrent clients, {int(one['requests'])} requests "
        f"(map list and maps, {results['maps']} maps), no worker running"
    )
    print(f"{'replicas':<24}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'req/s':>9}")
    for name, r in (("one (baseline)", one), ("two, round-robin", two)):
        print(
            f"{name:<24}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{int(r['errors']):>8}{r['rps']:>9.0f}"
        )
    print(
        f"two vs one: p50 {two['p50_ms'] / one['p50_ms']:.2f}x, p95 "
        f"{two['p95_ms'] / one['p95_ms']:.2f}x, req/s {two['rps'] / one['rps']:.2f}x"
    )


@contextmanager
def slow_model(latency: float) -> Iterator[str]:
    """A loopback OpenAI-compatible model answering like the scripted drafter after
    ``latency`` seconds per request: drafts that mostly wait on their model, as real ones do."""

    class Slow(_Handler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            time.sleep(latency)
            super().do_POST()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def run(url: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    chroma_port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CJM_")},
        "CJM_DATABASE_URL": url,
        "CJM_CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
        "CJM_JOBS": "queue",
        "CJM_LOG_FORMAT": "json",
        "PYTHONPATH": str(ROOT),
    }
    team = Team(tmp, env)
    try:
        team.chroma(chroma_port)
        api1 = team.api("api1")
        db = Database(Settings(database_url=url, home=tmp / "keys"))
        try:
            editor_key, _ = create_key(db, WS, "editor", "bench")
            viewer_key, _ = create_key(db, WS, "viewer", "bench")
        finally:
            db.dispose()
        editor, viewer = Client(api1.url, editor_key), Client(api1.url, viewer_key)

        print("ingesting the samples through the API (one worker) ...")
        files = [SAMPLES / "reviews.csv", *sorted((SAMPLES / "interviews").iterdir())]
        upload = editor.http.post(
            "/documents",
            data={"kind": "review"},
            files=[("files", (p.name, p.read_bytes())) for p in files],
        )
        if upload.status_code != 202:
            raise SystemExit(f"upload: {upload.status_code} {upload.text[:300]}")
        workers = [team.worker("worker1")]
        ingested = editor.ended(upload.json()["id"], 600)
        if ingested["status"] != "succeeded":
            raise SystemExit(f"ingest: {ingested}")

        print(f"throughput: {args.drafts} drafts per configuration ...")
        rows, map_ids = throughput(team, api1, editor, workers, args.drafts)

        print("latency through the queue: one idle worker ...")
        for w in workers[1:]:
            w.stop()
        until(lambda: workers_seen(api1) == 1, 60, "stopped workers still registered")
        queued = latency(viewer, workers[:1], args.latency_jobs)
        workers[0].stop()

        print("reads: one replica, then two ...")
        api2 = team.api("api2")
        read = reads([api1, api2], viewer_key, map_ids, args.clients, args.requests)
        api1.stop()
        api2.stop()

        print("latency in-process: one cjm serve, no worker ...")
        local = team.api("local", CJM_JOBS="in-process")
        in_process = latency(Client(local.url, viewer_key), [local], args.latency_jobs)
        local.stop()

        print(f"throughput with a model: {args.model_drafts} drafts per configuration ...")
        with slow_model(args.model_latency) as model_url:
            team.env.update(
                {"CJM_LLM_BASE_URL": model_url, "CJM_LLM_MODEL": "fake", "OPENAI_API_KEY": "-"}
            )
            api3 = team.api("api3")
            model_rows, _ = throughput(
                team, api3, Client(api3.url, editor_key), [], args.model_drafts, "mworker"
            )
    except BaseException:
        for process in team.processes:
            print(f"--- {process.name}\n{process.log.read_text(errors='replace')[-1500:]}")
        raise
    finally:
        team.stop_all()
    return {
        "drafts": args.drafts,
        "clients": args.clients,
        "maps": len(map_ids),
        "throughput": rows,
        "model_throughput": model_rows,
        "model_latency_s": args.model_latency,
        "latency": {"queue": queued, "in_process": in_process},
        "reads": read,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CJM_BENCH_DATABASE_URL"),
        help="a PostgreSQL database of the benchmark's own: it is emptied (default: "
        "CJM_BENCH_DATABASE_URL)",
    )
    parser.add_argument("--drafts", type=int, default=12, help="drafts per worker count")
    parser.add_argument(
        "--model-drafts", type=int, default=8, help="drafts with a model per worker count"
    )
    parser.add_argument(
        "--model-latency", type=float, default=0.5, help="seconds the model takes per request"
    )
    parser.add_argument("--latency-jobs", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="reads per configuration")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    url = args.database_url
    if not url or not url.startswith("postgresql"):
        raise SystemExit("give a PostgreSQL database of the benchmark's own: --database-url")
    tmp = Path(tempfile.mkdtemp(prefix="cjm-bench-queue-"))
    empty(url)
    try:
        results = run(url, args, tmp)
    finally:
        empty(url)
        shutil.rmtree(tmp, ignore_errors=True)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
