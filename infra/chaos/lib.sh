# shellcheck shell=bash
# The chaos kit's own PostgreSQL, RabbitMQ and Redis (never the shared ones: other ports, its own data folder) and
# Alliance.Server nodes, with the faults to inject into them. Sourced by the scripts beside it and driven by the
# fault suite (tests/Alliance.Faults.Tests). Settings (environment, with defaults):
#
#   CHAOS_DIR              /tmp/alliance-chaos    data, logs and pid files of everything started here
#   (The ports lie below Linux's ephemeral range, 32768–60999: a node restarted after a kill once found its port taken
#   by some process's outgoing connection, "address already in use", when they were 57xxx.)
#   CHAOS_PG_PORT          27432                  PostgreSQL (user alliance / alliance, database alliance_chaos)
#   CHAOS_REDIS_PORT       27379                  Redis
#   CHAOS_RABBIT_PORT      27672                  RabbitMQ AMQP (guest / guest)
#   CHAOS_RABBIT_API_PORT  27673                  RabbitMQ management API
#   CHAOS_RABBIT_DIST_PORT 27674                  RabbitMQ Erlang distribution port
#   CHAOS_RABBIT_NODE      alliance-chaos@localhost
#   CHAOS_APP_PORT         27080                  node N listens on CHAOS_APP_PORT + N (N = 1, 2, ...)
#   CHAOS_SERVER_DLL       src/Alliance.Server/bin/Release/net10.0/Alliance.Server.dll (build the solution first)
#   CHAOS_COMPOSE          unset; 1 = inject the faults into the docker compose stack instead (services postgres,
#                          rabbitmq, redis, alliance-1, alliance-2; through nginx on :8080). Not run in CI here.

CHAOS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHAOS_DIR=${CHAOS_DIR:-/tmp/alliance-chaos}
CHAOS_PG_PORT=${CHAOS_PG_PORT:-27432}
CHAOS_REDIS_PORT=${CHAOS_REDIS_PORT:-27379}
CHAOS_RABBIT_PORT=${CHAOS_RABBIT_PORT:-27672}
CHAOS_RABBIT_API_PORT=${CHAOS_RABBIT_API_PORT:-27673}
CHAOS_RABBIT_DIST_PORT=${CHAOS_RABBIT_DIST_PORT:-27674}
CHAOS_RABBIT_NODE=${CHAOS_RABBIT_NODE:-alliance-chaos@localhost}
CHAOS_APP_PORT=${CHAOS_APP_PORT:-27080}
CHAOS_SERVER_DLL=${CHAOS_SERVER_DLL:-$CHAOS_ROOT/src/Alliance.Server/bin/Release/net10.0/Alliance.Server.dll}
CHAOS_DATABASE=alliance_chaos

chaos_log() { printf '[chaos %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

_chaos_as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
_chaos_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
_chaos_wait() { # what seconds command...
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { chaos_log "$what did not answer within ${seconds}s"; return 1; }
    sleep 0.2
  done
}
_chaos_kill9() { # pid-file what
  local pid; pid=$(head -1 "$1" 2>/dev/null) || true
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; chaos_log "kill -9 $2 (pid $pid)"; else chaos_log "$2 is not running"; fi
}

# ------------------------------------------------------------------ PostgreSQL
chaos_pg_ready() { "$(_chaos_pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$CHAOS_PG_PORT"; }
chaos_pg_start() {
  local bin data=$CHAOS_DIR/pg; bin=$(_chaos_pg_bin)
  if [[ ! -f $data/PG_VERSION ]]; then
    mkdir -p "$data" && echo alliance >"$CHAOS_DIR/pgpass"
    [[ $(id -u) -eq 0 ]] && chown -R postgres "$data" "$CHAOS_DIR/pgpass"
    _chaos_as_postgres "$bin/initdb" -D "$data" -U alliance --pwfile="$CHAOS_DIR/pgpass" --auth=scram-sha-256 -E UTF8 --no-locale >"$CHAOS_DIR/pg-init.log" 2>&1 \
      || { cat "$CHAOS_DIR/pg-init.log" >&2; return 1; }
  fi
  _chaos_as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $CHAOS_PG_PORT -c unix_socket_directories=$data -c max_connections=200 -c fsync=on" >/dev/null \
    || { tail -20 "$data/server.log" >&2; return 1; }
  chaos_log "PostgreSQL up on 127.0.0.1:$CHAOS_PG_PORT"
}
# The fault: an immediate shutdown (no checkpoint, every connection cut), as a crash would; recovery replays the WAL.
chaos_pg_stop_immediate() { _chaos_as_postgres "$(_chaos_pg_bin)/pg_ctl" -D "$CHAOS_DIR/pg" -m immediate -w stop >/dev/null && chaos_log "PostgreSQL stopped (immediate)"; }
chaos_pg_stop() { _chaos_as_postgres "$(_chaos_pg_bin)/pg_ctl" -D "$CHAOS_DIR/pg" -m fast -w stop >/dev/null 2>&1 || true; }

# ------------------------------------------------------------------ Redis
chaos_redis_ready() { [[ $(redis-cli -h 127.0.0.1 -p "$CHAOS_REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
chaos_redis_start() {
  mkdir -p "$CHAOS_DIR/redis"
  redis-server --bind 127.0.0.1 --port "$CHAOS_REDIS_PORT" --dir "$CHAOS_DIR/redis" --save '' --appendonly no \
    --daemonize yes --pidfile "$CHAOS_DIR/redis/redis.pid" --logfile "$CHAOS_DIR/redis/redis.log"
  _chaos_wait Redis 30 chaos_redis_ready && chaos_log "Redis up on 127.0.0.1:$CHAOS_REDIS_PORT"
}
chaos_redis_kill() { _chaos_kill9 "$CHAOS_DIR/redis/redis.pid" Redis; rm -f "$CHAOS_DIR/redis/redis.pid"; }

# ------------------------------------------------------------------ RabbitMQ
_chaos_rabbit_env() {
  export HOME="$CHAOS_DIR/rabbit"
  export RABBITMQ_NODENAME="$CHAOS_RABBIT_NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$CHAOS_RABBIT_PORT"
  export RABBITMQ_DIST_PORT="$CHAOS_RABBIT_DIST_PORT" RABBITMQ_MNESIA_BASE="$CHAOS_DIR/rabbit/mnesia" RABBITMQ_LOG_BASE="$CHAOS_DIR/rabbit/log"
  export RABBITMQ_CONFIG_FILE="$CHAOS_DIR/rabbit/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$CHAOS_DIR/rabbit/enabled_plugins"
  export RABBITMQ_PID_FILE="$CHAOS_DIR/rabbit/rabbit.pid" ERL_EPMD_ADDRESS=127.0.0.1
  # On 2 cores the Erlang schedulers would otherwise busy-wait and take CPU from the app.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none"
}
chaos_rabbit_ready() { curl -fsS -u guest:guest "http://127.0.0.1:$CHAOS_RABBIT_API_PORT/api/overview" -o /dev/null 2>/dev/null; }
chaos_rabbit_start() {
  mkdir -p "$CHAOS_DIR/rabbit/log"
  echo '[rabbitmq_management].' >"$CHAOS_DIR/rabbit/enabled_plugins"
  printf 'management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = %s\nloopback_users.guest = true\n' "$CHAOS_RABBIT_API_PORT" >"$CHAOS_DIR/rabbit/rabbitmq.conf"
  rm -f "$CHAOS_DIR/rabbit/rabbit.pid"
  ( _chaos_rabbit_env; setsid /usr/lib/rabbitmq/bin/rabbitmq-server >>"$CHAOS_DIR/rabbit/console.log" 2>&1 & )
  _chaos_wait RabbitMQ 180 chaos_rabbit_ready || { tail -30 "$CHAOS_DIR/rabbit/console.log" >&2; return 1; }
  chaos_log "RabbitMQ up on 127.0.0.1:$CHAOS_RABBIT_PORT (management :$CHAOS_RABBIT_API_PORT)"
}
# The fault: SIGKILL to the broker's Erlang VM (its pid file), no clean shutdown of queues or connections.
chaos_rabbit_kill() { _chaos_kill9 "$CHAOS_DIR/rabbit/rabbit.pid" RabbitMQ; }
chaos_rabbit_stop() { ( _chaos_rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl stop "$RABBITMQ_PID_FILE" >/dev/null 2>&1 ) || chaos_rabbit_kill; }

# ------------------------------------------------------------------ Alliance.Server nodes
chaos_app_url() { echo "http://127.0.0.1:$((CHAOS_APP_PORT + $1))"; }
chaos_app_ready() { curl -fsS -m 2 "$(chaos_app_url "$1")/health/ready" -o /dev/null 2>/dev/null; }
chaos_app_start() { # node number
  local n=$1
  [[ -f $CHAOS_SERVER_DLL ]] || { chaos_log "no $CHAOS_SERVER_DLL: build the solution first (dotnet build Alliance.sln -c Release)"; return 1; }
  (
    export ASPNETCORE_ENVIRONMENT=Production
    export Alliance__Database=Postgres Alliance__Bus=RabbitMq Alliance__Jobs=PostgreSql Alliance__DemoData=true
    export Alliance__Postgres="Host=127.0.0.1;Port=$CHAOS_PG_PORT;Username=alliance;Password=alliance;Database=$CHAOS_DATABASE;Maximum Pool Size=40"
    export Alliance__RabbitMq="amqp://guest:guest@127.0.0.1:$CHAOS_RABBIT_PORT/"
    export Alliance__Redis="127.0.0.1:$CHAOS_REDIS_PORT,abortConnect=false"
    export Alliance__Workflows="$CHAOS_ROOT/workflows"
    cd "$(dirname "$CHAOS_SERVER_DLL")" || exit 1
    setsid dotnet "$CHAOS_SERVER_DLL" --urls "$(chaos_app_url "$n")" >>"$CHAOS_DIR/app-$n.log" 2>&1 &
    echo $! >"$CHAOS_DIR/app-$n.pid"
  )
  _chaos_wait "node $n" 180 chaos_app_ready "$n" || { tail -40 "$CHAOS_DIR/app-$n.log" >&2; return 1; }
  chaos_log "node $n up on $(chaos_app_url "$n") (pid $(cat "$CHAOS_DIR/app-$n.pid"))"
}
chaos_app_kill() { _chaos_kill9 "$CHAOS_DIR/app-$1.pid" "node $1"; rm -f "$CHAOS_DIR/app-$1.pid"; }

# ------------------------------------------------------------------ the compose stack (CHAOS_COMPOSE=1)
if [[ ${CHAOS_COMPOSE:-} == 1 ]]; then
  _chaos_compose() { docker compose -f "$CHAOS_ROOT/docker-compose.yml" "$@"; }
  chaos_app_url() { echo "http://127.0.0.1:8080"; }
  chaos_rabbit_kill() { _chaos_compose kill -s SIGKILL rabbitmq && chaos_log "kill -9 rabbitmq"; }
  chaos_rabbit_start() { _chaos_compose start rabbitmq && chaos_log "rabbitmq started"; }
  chaos_redis_kill() { _chaos_compose kill -s SIGKILL redis && chaos_log "kill -9 redis"; }
  chaos_redis_start() { _chaos_compose start redis && chaos_log "redis started"; }
  # SIGQUIT to the postmaster is PostgreSQL's immediate shutdown.
  chaos_pg_stop_immediate() { _chaos_compose kill -s SIGQUIT postgres && chaos_log "postgres stopped (immediate)"; }
  chaos_pg_start() { _chaos_compose start postgres && chaos_log "postgres started"; }
  chaos_app_kill() { _chaos_compose kill -s SIGKILL "alliance-$1" && chaos_log "kill -9 alliance-$1"; }
  chaos_app_start() { _chaos_compose start "alliance-$1" && chaos_log "alliance-$1 started"; }
  chaos_up() { _chaos_compose up -d --wait; }
  chaos_down() { _chaos_compose down; }
fi

# ------------------------------------------------------------------ the whole stack
chaos_up() {
  mkdir -p "$CHAOS_DIR" && chmod 755 "$CHAOS_DIR"
  chaos_pg_start && chaos_redis_start && chaos_rabbit_start || return 1
  PGPASSWORD=alliance "$(_chaos_pg_bin)/psql" -h 127.0.0.1 -p "$CHAOS_PG_PORT" -U alliance -d postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname = '$CHAOS_DATABASE'" | grep -q 1 \
    || PGPASSWORD=alliance "$(_chaos_pg_bin)/psql" -h 127.0.0.1 -p "$CHAOS_PG_PORT" -U alliance -d postgres -qc "CREATE DATABASE $CHAOS_DATABASE" >/dev/null
}
chaos_down() {
  local f
  for f in "$CHAOS_DIR"/app-*.pid; do [[ -f $f ]] && { _chaos_kill9 "$f" "$(basename "$f" .pid)"; rm -f "$f"; }; done
  [[ -f $CHAOS_DIR/rabbit/rabbit.pid ]] && chaos_rabbit_stop
  [[ -f $CHAOS_DIR/redis/redis.pid ]] && { redis-cli -h 127.0.0.1 -p "$CHAOS_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || chaos_redis_kill; }
  [[ -f $CHAOS_DIR/pg/postmaster.pid ]] && chaos_pg_stop
  chaos_log "stack down"
}
