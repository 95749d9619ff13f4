"""Crash test of the generated PostgreSQL saga: workers SIGKILLed at random.

Two worker processes (tests/saga_worker.py) race on the same 200 sagas in one
database while this test kills one of them at seeded random moments and starts a
new one in its place. Afterwards every saga must be finished with the outcome its
number dictates, every effect must be in the test's `effect` table exactly once
(its primary key refuses a second copy), and the compensations of each saga must
have run in reverse order. Needs PostgreSQL (the `postgres_dsn` fixture).
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_scaffolder import run_scaffold

psycopg = pytest.importorskip("psycopg")

WORKER = Path(__file__).with_name("saga_worker.py")
SAGAS = 200
KILLS = 6
SEED = 20261130


@pytest.fixture
def schema_dsn(postgres_dsn: str) -> Iterator[str]:
    """A schema of the test's own, first on the search path; dropped afterwards."""
    schema = f"saga_kill_{uuid.uuid4().hex}"
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
        db.execute(
            f"CREATE TABLE {schema}.effect (seq bigserial, saga_id text,"
            " step text, phase text, PRIMARY KEY (saga_id, step, phase))"
        )
    yield psycopg.conninfo.make_conninfo(postgres_dsn, options=f"-c search_path={schema}")
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {schema} CASCADE")


def expected_effects(number: int) -> list[tuple[str, str]]:
    """The effects of saga `number`, compensations in the order they must run."""
    if number % 7 == 0:  # charge fails; it had started, so it is compensated too
        return [("reserve", "action"), ("charge", "compensation"), ("reserve", "compensation")]
    if number % 5 == 0:  # ship fails inside its transaction: nothing of it remains
        return [
            ("reserve", "action"),
            ("charge", "action"),
            ("charge", "compensation"),
            ("reserve", "compensation"),
        ]
    return [("reserve", "action"), ("charge", "action"), ("ship", "action")]


def test_workers_killed_at_random_finish_every_saga_with_each_effect_once(
    schema_dsn: str, tmp_path: Path
) -> None:
    outcome = run_scaffold(
        "saga",
        "--name",
        "KillSaga",
        "--steps",
        "reserve,charge,ship",
        "--store",
        "postgresql",
        "--out",
        str(tmp_path),
    )
    assert outcome.exit_code == 0, outcome.stderr

    def start(seed: int) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(WORKER), str(tmp_path), "kill_saga", schema_dsn, str(seed)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    rng = random.Random(SEED)
    workers = [start(0), start(1)]
    kills = 0
    while kills < KILLS and any(worker.poll() is None for worker in workers):
        time.sleep(rng.uniform(0.1, 0.5))
        slot = rng.randrange(2)
        if workers[slot].poll() is None:
            workers[slot].send_signal(signal.SIGKILL)
            workers[slot].communicate()
            kills += 1
            workers[slot] = start(100 + kills)
    outputs = [worker.communicate(timeout=60) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    assert kills > 0

    with psycopg.connect(schema_dsn) as db:
        statuses = dict(db.execute("SELECT saga_id, status FROM saga_instance").fetchall())
        rows = db.execute("SELECT saga_id, step, phase FROM effect ORDER BY seq").fetchall()
    assert len(statuses) == SAGAS
    effects: dict[str, list[tuple[str, str]]] = {}
    for saga_id, step, phase in rows:
        effects.setdefault(saga_id, []).append((step, phase))
    for number in range(SAGAS):
        saga_id = f"order-{number}"
        failing = number % 5 == 0 or number % 7 == 0
        assert statuses[saga_id] == ("compensated" if failing else "completed"), saga_id
        assert effects[saga_id] == expected_effects(number), saga_id
