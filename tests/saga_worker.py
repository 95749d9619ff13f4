"""One saga worker process, started (and SIGKILLed at random) by test_saga_postgres.py.

Usage: python saga_worker.py FOLDER MODULE DSN SEED. It imports the generated saga
(module MODULE and its base) from FOLDER, tries to run every saga of the test (in an order drawn
from SEED, racing the other worker), then recovers sagas whose owner died until none
is left unfinished. Every step writes its effect into the test's own `effect` table,
whose primary key (saga, step, phase) refuses a second copy:

- reserve and ship are transactional: the effect row commits with the step's
  completion, so a plain INSERT must never meet a duplicate;
- charge is at-least-once: its effect is written with ON CONFLICT DO NOTHING, keyed
  like the idempotency key, as a service that deduplicates would.

Sagas whose number is a multiple of 5 fail at ship, those of 7 at charge.
"""

from __future__ import annotations

import contextlib
import importlib
import random
import sys
import time
from typing import Any

import psycopg

SAGAS = 200
LEASE_S = 1.0


def main() -> None:
    folder, module_name, dsn, seed = sys.argv[1:5]
    sys.path.insert(0, folder)
    saga_module: Any = importlib.import_module(f"_{module_name}_base")
    user_module: Any = importlib.import_module(module_name)
    effects = psycopg.connect(dsn, autocommit=True)

    def record(context: Any, step: str, transaction: Any = None) -> None:
        statement = "INSERT INTO effect (saga_id, step, phase) VALUES (%s, %s, %s)"
        if transaction is None:
            effects.execute(
                statement + " ON CONFLICT DO NOTHING", (context.saga_id, step, context.phase)
            )
        else:
            transaction.execute(statement, (context.saga_id, step, context.phase))

    def number(context: Any) -> int:
        return int(context.saga_id.split("-")[1])

    def reserve(context: Any) -> None:
        record(context, "reserve", context.transaction)

    def charge(context: Any) -> None:
        if context.phase == "action" and number(context) % 7 == 0:
            raise RuntimeError("card declined")
        record(context, "charge")

    def ship(context: Any) -> None:
        record(context, "ship", context.transaction)
        if context.phase == "action" and number(context) % 5 == 0:
            raise RuntimeError("no carrier")

    once = saga_module.RetryPolicy(max_attempts=1, initial_backoff_s=0.0, max_backoff_s=0.0)
    steps = [
        saga_module.SagaStep("reserve", reserve, reserve, once, transactional=True),
        saga_module.SagaStep("charge", charge, charge, once),
        saga_module.SagaStep("ship", ship, ship, once, transactional=True),
    ]
    store = saga_module.PostgresSagaStore(dsn, lease_s=LEASE_S)
    saga = user_module.KillSaga(steps, store)
    ids = [f"order-{n}" for n in range(SAGAS)]
    random.Random(seed).shuffle(ids)
    busy = contextlib.suppress(saga_module.SagaBusyError)
    for saga_id in ids:
        with busy:  # the other worker drives it; recover() takes it if that one dies
            saga.run(saga_id, {})
    while store.pending():
        with busy:
            saga.recover()
        time.sleep(0.05)
    store.close()


if __name__ == "__main__":
    main()
