"""Diagrams of the resilience scaffolds, drawn from their options: what a call goes
through, with the numbers the options chose."""

from __future__ import annotations

from collections.abc import Mapping

from . import canvas

# Attempts drawn one per row; later ones are summarised in a single row.
_MAX_ROWS = 5


def _seconds(value: object) -> str:
    number = float(str(value))
    return f"{number:g} s"


def retry(options: Mapping[str, object], *, width: int) -> str:
    """A call's attempts and the waits between them, and what ends the retries early."""
    attempts = int(str(options["max_attempts"]))
    base = float(str(options["base_delay"]))
    cap = float(str(options["max_delay"]))
    full = options["jitter"] == "full"
    out = ["call(func)", "  |"]
    for attempt in range(1, min(attempts, _MAX_ROWS) + 1):
        if attempt == attempts:
            out.append(f"  attempt {attempt} --retryable error--> raise the last error")
            break
        if full:
            wait = f"wait random 0 .. {min(cap, base * 2 ** (attempt - 1)):g} s"
        elif attempt == 1:
            wait = f"wait random {base:g} .. {min(cap, 3 * base):g} s"
        else:
            wait = f"wait random {base:g} .. 3 x previous wait (<= {cap:g} s)"
        out += [f"  attempt {attempt} --retryable error--> {wait}", "  |"]
    else:
        out.append(f"  ... up to attempt {attempts}, waits capped at {cap:g} s")
    out += ["", "  any attempt --success--> its result; any other error --> raised at once", ""]
    stops = [
        "a wait would end after the deadline (remaining() tells the callee)",
        f"the error's Retry-After is over max_delay ({cap:g} s)",
    ]
    if float(str(options["budget_ratio"])) > 0:
        stops.insert(
            0,
            f"retries in the last {options['budget_window']} s would exceed "
            f"{float(str(options['budget_ratio'])):g} x calls + "
            f"{options['min_retries']}",
        )
    out += canvas.wrap("Retries stop early when:", width)
    for stop in stops:
        out += canvas.wrap(stop, width, "  - ", "    ")
    timeout = float(str(options["timeout"]))
    if timeout > 0:
        out += [
            "",
            *canvas.wrap(
                f"Each call has a deadline {_seconds(timeout)} from its start, "
                "or the caller's, if earlier.",
                width,
            ),
        ]
    return canvas.finish(out, width)


def timeout(options: Mapping[str, object], *, width: int) -> str:
    """How a call's deadline is the earlier of the caller's and the hop's own."""
    seconds = _seconds(options["timeout"])
    bar = 44
    own = max(len(seconds) + 12, bar // 2)
    out = [
        "caller's deadline (scope)  |" + "-" * bar + "|",
        "this hop's timeout         |" + f" {seconds} ".center(own, "-") + "|",
        "the call runs with         |" + " the earlier ".center(own, "-") + "|",
        "",
        *canvas.wrap(
            "Inside the call, remaining() and current().timeout(cap) give what "
            "is left, for the callee's own socket and HTTP timeouts; a deeper "
            "hop can only shorten the deadline, never extend it.",
            width,
        ),
    ]
    return canvas.finish(out, width)


def bulkhead(class_name: str, options: Mapping[str, object], *, width: int) -> str:
    """One compartment per dependency, each with its slots and its wait queue."""
    deps = options["dependencies"]
    assert isinstance(deps, tuple)
    slots, queue = options["max_concurrent"], options["max_queue"]
    wait = _seconds(options["queue_timeout"])
    names = canvas.abbreviate(deps or (class_name,), width - 40, canvas.charset(True))
    out = ["caller threads / tasks", "  |"]
    for name in deps or (class_name,):
        out.append(
            f"  +--> [<= {queue} wait <= {wait}] -> [<= {slots} run] --> {names.shown[name]}"
        )
    out += [
        "",
        *canvas.wrap(
            "A call that finds every slot taken waits in the queue; with the "
            "queue full, or after the wait, it is rejected with "
            "BulkheadFullError (counted) and never made. A slow dependency "
            "fills only its own compartment.",
            width,
        ),
        *names.lines(width),
    ]
    return canvas.finish(out, width)


def rate_limiter(options: Mapping[str, object], *, width: int) -> str:
    """A key's bucket: how much it admits at once, how fast it refills, what a
    refused request gets."""
    burst, rate = options["burst"], float(str(options["rate"]))
    where = (
        "one bucket per key in Redis, shared by every process"
        if options["backend"] == "redis"
        else f"one bucket per key, at most {options['max_keys']} keys in this process"
    )
    out = [
        f"request(key) --> [ up to {burst} at once, refilled {rate:g}/s ] --> admitted",
        "                     |",
        "                     | empty",
        "                     v",
        "                  refused: acquire() raises RateLimitedError(retry_after),",
        "                           try_acquire() returns False, wait() sleeps",
        "",
        *canvas.wrap(f"{options['algorithm']}: {where}.", width),
    ]
    return canvas.finish(out, width)


def idempotency(options: Mapping[str, object], *, width: int) -> str:
    """What run(key, request, func) does with each state a key can be in."""
    wait = float(str(options["wait"]))
    busy = (
        f"wait <= {wait:g} s, then RequestInProgressError"
        if wait
        else "RequestInProgressError (retry later)"
    )
    out = [
        "run(key, request, func)",
        "  |",
        "  +-- key new, expired, or its marker older than the lease",
        "  |     --> mark in progress --> func() --> store the result, return it",
        "  |                                  +--> func raises: release the key",
        "  +-- same request, done         --> the stored result (func not run)",
        f"  +-- same request, in progress  --> {busy}",
        "  +-- different request          --> IdempotencyKeyReusedError",
        "",
        *canvas.wrap(
            f"Keys and results are kept {_seconds(options['ttl'])}; a marker "
            f"older than {_seconds(options['lease'])} is presumed abandoned.",
            width,
        ),
    ]
    return canvas.finish(out, width)


def outbox(options: Mapping[str, object], *, width: int) -> str:
    """The business write and its message in one transaction, and the relay."""
    relays = (
        "relays (FOR UPDATE SKIP LOCKED)"
        if options["store"] == "postgresql"
        else "relay (one per database)"
    )
    out = [
        "your transaction                        the outbox table",
        "  UPDATE orders ...        --commit-->  | id | message_id | aggregate | ...",
        "  enqueue(conn, ...)       (together)   |  pending until published    |",
        "                                                    |",
        f"                                      {relays}",
        f"                                        up to {options['batch_size']} per round, in "
        "order",
        "                                        per aggregate",
        "                                                    |",
        "                                                    v",
        "                                  publisher(message): Kafka, SNS, HTTP...",
        "",
        *canvas.wrap(
            "At least once: a message may be published again after a crash, "
            "with the same message_id for consumers to drop duplicates. A "
            "failed message holds back only its own aggregate.",
            width,
        ),
    ]
    return canvas.finish(out, width)


def cache_aside(options: Mapping[str, object], *, width: int) -> str:
    """A read: hit, or one load per key whatever the number of callers."""
    ttl = float(str(options["ttl"]))
    low = ttl * (1 - float(str(options["jitter"])))
    negative = float(str(options["negative_ttl"]))
    out = [
        "get(key, loader)",
        "  |",
        "  +-- fresh entry ----------------------------> its value (a hit)",
        "  +-- miss, no load running for key -----------> loader() --> store, return",
        "  +-- miss, a load is running for key ---------> wait for that load's result",
        "",
        *canvas.wrap(
            f"Values live {low:g} .. {ttl:g} s (jittered); "
            + (
                f"None (not found) lives {negative:g} s; "
                if negative
                else "None (not found) is not cached; "
            )
            + "loader errors are never cached; invalidate(key) after a write. "
            f"Default backend: LRU of {options['max_entries']} entries.",
            width,
        ),
    ]
    return canvas.finish(out, width)
