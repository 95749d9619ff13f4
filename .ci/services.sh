# Sourced by .ci/run (and by developers: `source .ci/services.sh && services_start`).
# Starts a throw-away PostgreSQL and Redis on 127.0.0.1 for the tests that need a real
# server, and exports where they listen:
#   DISTADVISOR_TEST_POSTGRES_DSN   e.g. postgresql://distadvisor@127.0.0.1:55432/distadvisor
#   DISTADVISOR_TEST_REDIS_URL      e.g. redis://127.0.0.1:56379/0
# Data lives in a temporary folder; services_stop (also run on exit) stops both.
# Ports may be set with DISTADVISOR_PG_PORT and DISTADVISOR_REDIS_PORT.

services_install() {
  local need=()
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need+=(postgresql); fi
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]}"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
  fi
}

services_start() {
  services_install
  SERVICES_DIR="$(mktemp -d)"
  chmod 755 "$SERVICES_DIR"
  local pg_port="${DISTADVISOR_PG_PORT:-55432}" redis_port="${DISTADVISOR_REDIS_PORT:-56379}"
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  # PostgreSQL refuses to run as root: run it as an unprivileged user that owns the data.
  local run_as=()
  if [ "$(id -u)" = 0 ]; then
    id distadvisor-ci >/dev/null 2>&1 || useradd --system --no-create-home distadvisor-ci
    run_as=(runuser -u distadvisor-ci --)
    chown distadvisor-ci "$SERVICES_DIR"
  fi
  "${run_as[@]}" "$bin/initdb" -D "$SERVICES_DIR/pg" -U distadvisor --auth=trust -E UTF8 >/dev/null
  "${run_as[@]}" "$bin/pg_ctl" -D "$SERVICES_DIR/pg" -l "$SERVICES_DIR/pg.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $SERVICES_DIR -c fsync=off -c max_connections=200" start >/dev/null
  "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U distadvisor distadvisor
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --daemonize yes --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log" \
    --dir "$SERVICES_DIR"
  for _ in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export DISTADVISOR_TEST_POSTGRES_DSN="postgresql://distadvisor@127.0.0.1:$pg_port/distadvisor"
  export DISTADVISOR_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/0"
  SERVICES_PG_BIN="$bin"
  SERVICES_RUN_AS=("${run_as[@]}")
  echo "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
}

services_stop() {
  [ -n "${SERVICES_DIR:-}" ] || return 0
  "${SERVICES_RUN_AS[@]}" "$SERVICES_PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
  if [ -f "$SERVICES_DIR/redis.pid" ]; then kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$SERVICES_DIR"
  SERVICES_DIR=""
}
