"""The shared breaker state under real concurrency: several processes, many threads,
one Redis.

The breaker is generated with `--state redis` into a temporary folder; four worker
processes import it and call through it from eight threads each, again and again.
The trial calls hang until every other caller has stopped, so no permit comes back
while they count: every call the shared half-open state admits is one of the
configured permits. Redis itself coordinates the start, stop and release.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
from test_scaffolder import run_scaffold

PROCESSES = 4
THREADS = 8
PERMITS = 3

WORKER = """
import json, sys, threading, time
sys.path.insert(0, sys.argv[1])
import redis
from chaos_breaker import ChaosBreaker, CircuitOpenError, RedisBreakerState

folder, url, prefix, mode, threads = sys.argv[1:6]
client = redis.Redis.from_url(url)
state = RedisBreakerState(url, key_prefix=prefix, sync_interval=0.02)
breaker = ChaosBreaker(state=state)
admitted, rejected = [], []


def wait_for(key, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not client.exists(key) and time.monotonic() < deadline:
        time.sleep(0.005)


def trial():
    admitted.append(client.incr(prefix + ":admitted"))
    wait_for(prefix + ":release")  # no permit comes back while the others call
    return "ok"


def ok():
    return "ok"


def caller():
    wait_for(prefix + ":go")
    deadline = time.monotonic() + 30
    while not client.exists(prefix + ":stop") and time.monotonic() < deadline:
        try:
            breaker.call(trial if mode == "half_open" else ok)
        except CircuitOpenError as exc:
            rejected.append(exc.state)
            if mode == "observe":
                break
        else:
            if mode == "half_open":
                break  # this thread's trial came back: it has seen what it came for
        time.sleep(0.005)
    client.incr(prefix + ":done")


workers = [threading.Thread(target=caller) for _ in range(int(threads))]
for worker in workers:
    worker.start()
client.incr(prefix + ":ready")
for worker in workers:
    worker.join()
print(json.dumps({"admitted": len(admitted), "rejected": len(rejected)}))
"""


def wait_until(predicate: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("chaos")
    outcome = run_scaffold(
        "circuit-breaker",
        "--name",
        "ChaosBreaker",
        "--out",
        str(out),
        "--state",
        "redis",
        "--failure-threshold",
        "2",
        "--recovery-timeout",
        "0.3",
        "--half-open-max-calls",
        str(PERMITS),
    )
    assert outcome.exit_code == 0, outcome
    (out / "worker.py").write_text(WORKER)
    return out


def run_workers(
    folder: Path, redis_url: str, prefix: str, mode: str
) -> list[subprocess.Popen[str]]:
    """Start the worker processes and wait until all their threads are up."""
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(folder / "worker.py"),
                str(folder),
                redis_url,
                prefix,
                mode,
                str(THREADS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    client = redis.Redis.from_url(redis_url)
    wait_until(lambda: int(client.get(f"{prefix}:ready") or 0) >= PROCESSES)
    return workers


def reports(workers: list[subprocess.Popen[str]]) -> list[dict[str, int]]:
    results = []
    for worker in workers:
        stdout, stderr = worker.communicate(timeout=60)
        assert worker.returncode == 0, stderr
        results.append(json.loads(stdout))
    return results


def shared_breaker(folder: Path, redis_url: str, prefix: str) -> Any:
    sys.path.insert(0, str(folder))
    try:
        import chaos_breaker
    finally:
        sys.path.remove(str(folder))
    state = chaos_breaker.RedisBreakerState(redis_url, key_prefix=prefix, sync_interval=0)
    return chaos_breaker.ChaosBreaker(state=state)


def trip(breaker: Any) -> None:
    def fail() -> None:
        raise ConnectionError("down")

    while breaker.state == "closed":
        with pytest.raises(ConnectionError):
            breaker.call(fail)


def cleanup(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    names = ("ready", "go", "stop", "release", "done", "admitted")
    client.delete(
        f"{{{prefix}}}:state", f"{{{prefix}}}:trials", *(f"{prefix}:{name}" for name in names)
    )


def test_half_open_admits_exactly_the_permits_across_processes_and_threads(
    folder: Path, redis_url: str
) -> None:
    prefix = f"chaos:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    try:
        trip(shared_breaker(folder, redis_url, prefix))
        workers = run_workers(folder, redis_url, prefix, "half_open")
        time.sleep(0.3)  # the recovery timeout
        client.set(f"{prefix}:go", 1)
        # Wait for the permits to be taken (a loaded machine may be slow to schedule the
        # callers), then let every thread call again and again while the trials hang.
        wait_until(lambda: int(client.get(f"{prefix}:admitted") or 0) >= PERMITS, 30.0)
        time.sleep(1.0)
        client.set(f"{prefix}:stop", 1)
        callers = PROCESSES * THREADS
        wait_until(
            lambda: (
                int(client.get(f"{prefix}:done") or 0) + int(client.get(f"{prefix}:admitted") or 0)
                >= callers
            )
        )
        counted = int(client.get(f"{prefix}:admitted") or 0)
        client.set(f"{prefix}:release", 1)
        results = reports(workers)
    finally:
        cleanup(redis_url, prefix)
    assert counted == PERMITS
    assert sum(r["admitted"] for r in results) == PERMITS
    # every thread not admitted was rejected, at least once, by the half-open state
    assert sum(r["rejected"] > 0 for r in results) == PROCESSES
    assert sum(r["rejected"] for r in results) >= callers - PERMITS


def test_a_trip_in_one_process_opens_the_circuit_in_all(folder: Path, redis_url: str) -> None:
    prefix = f"chaos:{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    try:
        workers = run_workers(folder, redis_url, prefix, "observe")
        client.set(f"{prefix}:go", 1)
        time.sleep(0.3)  # the workers call through the closed circuit
        trip(shared_breaker(folder, redis_url, prefix))
        results = reports(workers)
    finally:
        cleanup(redis_url, prefix)
    assert [r["rejected"] for r in results] == [THREADS] * PROCESSES
    assert [r["admitted"] for r in results] == [0] * PROCESSES


def test_no_call_slips_through_while_another_thread_asks_redis_to_admit(
    folder: Path, redis_url: str
) -> None:
    """While one thread turns a stale closed view into a shared verdict, another thread's
    call must wait for it, not run as if the circuit were still closed."""
    prefix = f"chaos:{uuid.uuid4().hex}"
    try:
        trip(shared_breaker(folder, redis_url, prefix))
        time.sleep(0.35)  # the recovery timeout: the next admit takes a trial permit
        sys.path.insert(0, str(folder))
        try:
            import chaos_breaker
        finally:
            sys.path.remove(str(folder))
        asking, answer = threading.Event(), threading.Event()

        class SlowState(chaos_breaker.RedisBreakerState):  # type: ignore[misc, name-defined]
            def admit(self, recovery_timeout: float, permits: int) -> Any:
                asking.set()
                answer.wait(10)
                return super().admit(recovery_timeout, permits)

        state = SlowState(redis_url, key_prefix=prefix, sync_interval=60)
        breaker = chaos_breaker.ChaosBreaker(state=state, half_open_max_calls=1)
        ran: list[str] = []
        hang = threading.Event()

        def trial() -> str:
            ran.append("trial")
            hang.wait(10)
            return "ok"

        first = threading.Thread(target=lambda: breaker.call(trial))
        first.start()
        assert asking.wait(10)
        outcomes: list[str] = []

        def second() -> None:
            try:
                breaker.call(lambda: ran.append("second"))
            except chaos_breaker.CircuitOpenError as exc:
                outcomes.append(exc.state)

        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.2)
        assert ran == []  # the second call waits for the verdict
        answer.set()
        other.join(10)
        hang.set()
        first.join(10)
        assert ran == ["trial"]
        assert outcomes == ["half_open"]
    finally:
        cleanup(redis_url, prefix)
