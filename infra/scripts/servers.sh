# shellcheck shell=bash
# Starts PostgreSQL, RabbitMQ (with its management API) and Redis on 127.0.0.1, each with its data in a
# temporary folder, and stops again only what it started. Sourced by test.sh and the benchmarks.
#
#   servers_start   -> exports ALLIANCE_TEST_POSTGRES, ALLIANCE_TEST_RABBITMQ, ALLIANCE_TEST_RABBITMQ_API, ALLIANCE_TEST_REDIS
#   servers_stop
#
# A server already answering on its port (a previous run, or one a developer keeps running) is reused.

ALLIANCE_PG_PORT=${ALLIANCE_PG_PORT:-55432}
ALLIANCE_REDIS_PORT=${ALLIANCE_REDIS_PORT:-56379}
ALLIANCE_RABBIT_PORT=${ALLIANCE_RABBIT_PORT:-55672}
ALLIANCE_RABBIT_API_PORT=${ALLIANCE_RABBIT_API_PORT:-55673}
ALLIANCE_RABBIT_DIST_PORT=${ALLIANCE_RABBIT_DIST_PORT:-55674}
ALLIANCE_RABBIT_NODE=${ALLIANCE_RABBIT_NODE:-alliance-test@localhost}

_servers_dir=""
_started=()

_log() { printf '[servers] %s\n' "$*"; }

_as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

_rabbit_env() {
  export HOME="$_servers_dir/rabbit"
  export RABBITMQ_NODENAME="$ALLIANCE_RABBIT_NODE"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$ALLIANCE_RABBIT_PORT"
  export RABBITMQ_DIST_PORT="$ALLIANCE_RABBIT_DIST_PORT"
  export RABBITMQ_MNESIA_BASE="$_servers_dir/rabbit/mnesia"
  export RABBITMQ_LOG_BASE="$_servers_dir/rabbit/log"
  export RABBITMQ_CONFIG_FILE="$_servers_dir/rabbit/rabbitmq"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$_servers_dir/rabbit/enabled_plugins"
  export RABBITMQ_PID_FILE="$_servers_dir/rabbit/rabbit.pid"
  export ERL_EPMD_ADDRESS=127.0.0.1
  # On 2 cores the Erlang schedulers would otherwise busy-wait and take CPU from the app.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none"
}

_wait_for() { # description, seconds, command...
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then _log "$what did not come up within ${seconds}s"; return 1; fi
    sleep 0.5
  done
}

_pg_ready() { "$(_pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$ALLIANCE_PG_PORT"; }
_redis_ready() { [[ $(redis-cli -h 127.0.0.1 -p "$ALLIANCE_REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
_rabbit_ready() { curl -fsS -u guest:guest "http://127.0.0.1:$ALLIANCE_RABBIT_API_PORT/api/overview" -o /dev/null 2>/dev/null; }

_start_postgres() {
  if _pg_ready; then _log "PostgreSQL already answers on 127.0.0.1:$ALLIANCE_PG_PORT; reusing it"; return; fi
  local bin; bin=$(_pg_bin)
  local data="$_servers_dir/pg"
  mkdir -p "$data" && echo alliance >"$_servers_dir/pgpass" && chmod 644 "$_servers_dir/pgpass"
  [[ $(id -u) -eq 0 ]] && chown -R postgres "$data" "$_servers_dir/pgpass"
  _as_postgres "$bin/initdb" -D "$data" -U alliance --pwfile="$_servers_dir/pgpass" --auth=scram-sha-256 -E UTF8 --no-locale >"$_servers_dir/pg-init.log" 2>&1 \
    || { cat "$_servers_dir/pg-init.log"; return 1; }
  _as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $ALLIANCE_PG_PORT -c unix_socket_directories=$data -c max_connections=400" >/dev/null \
    || { cat "$data/server.log"; return 1; }
  _started+=(postgres)
  _log "PostgreSQL started on 127.0.0.1:$ALLIANCE_PG_PORT (data in $data)"
}

_start_redis() {
  if _redis_ready; then _log "Redis already answers on 127.0.0.1:$ALLIANCE_REDIS_PORT; reusing it"; return; fi
  mkdir -p "$_servers_dir/redis"
  redis-server --bind 127.0.0.1 --port "$ALLIANCE_REDIS_PORT" --dir "$_servers_dir/redis" --save '' --appendonly no \
    --daemonize yes --pidfile "$_servers_dir/redis/redis.pid" --logfile "$_servers_dir/redis/redis.log"
  _wait_for Redis 30 _redis_ready || return 1
  _started+=(redis)
  _log "Redis started on 127.0.0.1:$ALLIANCE_REDIS_PORT"
}

_start_rabbit() {
  if _rabbit_ready; then _log "RabbitMQ already answers on 127.0.0.1:$ALLIANCE_RABBIT_PORT; reusing it"; return; fi
  mkdir -p "$_servers_dir/rabbit/log"
  echo '[rabbitmq_management].' >"$_servers_dir/rabbit/enabled_plugins"
  cat >"$_servers_dir/rabbit/rabbitmq.conf" <<CONF
management.tcp.ip = 127.0.0.1
management.tcp.port = $ALLIANCE_RABBIT_API_PORT
loopback_users.guest = true
CONF
  pgrep -x epmd >/dev/null || _started+=(epmd)
  ( _rabbit_env; setsid /usr/lib/rabbitmq/bin/rabbitmq-server >"$_servers_dir/rabbit/console.log" 2>&1 & )
  _started+=(rabbit)
  _wait_for RabbitMQ 120 _rabbit_ready || { tail -30 "$_servers_dir/rabbit/console.log"; return 1; }
  _log "RabbitMQ started on 127.0.0.1:$ALLIANCE_RABBIT_PORT (management API on :$ALLIANCE_RABBIT_API_PORT)"
}

servers_start() {
  _servers_dir=$(mktemp -d /tmp/alliance-servers.XXXXXX)
  chmod 755 "$_servers_dir"
  _start_postgres && _start_redis && _start_rabbit || return 1
  export ALLIANCE_TEST_POSTGRES="Host=127.0.0.1;Port=$ALLIANCE_PG_PORT;Username=alliance;Password=alliance;Database=postgres;Maximum Pool Size=30"
  export ALLIANCE_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$ALLIANCE_RABBIT_PORT/"
  export ALLIANCE_TEST_RABBITMQ_API="http://127.0.0.1:$ALLIANCE_RABBIT_API_PORT/"
  export ALLIANCE_TEST_REDIS="127.0.0.1:$ALLIANCE_REDIS_PORT"
}

servers_stop() {
  [[ -n $_servers_dir ]] || return 0
  local i s
  for ((i = ${#_started[@]} - 1; i >= 0; i--)); do
    s=${_started[i]}
    case $s in
      postgres) _as_postgres "$(_pg_bin)/pg_ctl" -D "$_servers_dir/pg" -m fast -w stop >/dev/null 2>&1 || true ;;
      redis) redis-cli -h 127.0.0.1 -p "$ALLIANCE_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true ;;
      rabbit) ( _rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl stop "$RABBITMQ_PID_FILE" >/dev/null 2>&1 ) || pkill -f "$_servers_dir/rabbit" || true ;;
      epmd) epmd -kill >/dev/null 2>&1 || true ;;
    esac
  done
  _log "stopped what this run started (${_started[*]:-nothing})"
  rm -rf "$_servers_dir"
  _servers_dir=""
  _started=()
}
