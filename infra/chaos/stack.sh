#!/usr/bin/env bash
# The chaos kit's stack and every single step of it, for a person or for the fault suite. See lib.sh for the settings.
#   stack.sh up | down                        own PostgreSQL, RabbitMQ and Redis (data in $CHAOS_DIR) / stop all, nodes included
#   stack.sh app-start N | app-kill N         start node N (Alliance.Server on $CHAOS_APP_PORT+N) / kill -9 it
#   stack.sh rabbit-kill | rabbit-start       kill -9 the broker / start it again (same data)
#   stack.sh redis-kill | redis-start
#   stack.sh pg-stop-immediate | pg-start
set -Eeuo pipefail
source "$(dirname "$0")/lib.sh"
case ${1:-} in
  up) chaos_up ;;
  down) chaos_down ;;
  app-start) chaos_app_start "${2:?node number}" ;;
  app-kill) chaos_app_kill "${2:?node number}" ;;
  rabbit-kill) chaos_rabbit_kill ;;
  rabbit-start) chaos_rabbit_start ;;
  redis-kill) chaos_redis_kill ;;
  redis-start) chaos_redis_start ;;
  pg-stop-immediate) chaos_pg_stop_immediate ;;
  pg-start) chaos_pg_start ;;
  *) sed -n '2,8p' "$0"; exit 2 ;;
esac
