#!/usr/bin/env bash
# One fault, injected and healed, against the chaos stack (./stack.sh up; ./stack.sh app-start 1) or, with
# CHAOS_COMPOSE=1, the compose stack. Drive load meanwhile with ./load.sh in another terminal.
#   fault.sh rabbitmq [seconds=10]   kill -9 RabbitMQ, wait, start it again
#   fault.sh app [node=1]            kill -9 node N, start it again at once (restart takes ~15 s here)
#   fault.sh node [node=2]           kill -9 node N and leave it down (the other node carries the load)
#   fault.sh redis [seconds=20]      kill -9 Redis, wait, start it again
#   fault.sh postgres [seconds=5]    pg_ctl stop -m immediate, wait, start it again
#   fault.sh abandon [seconds=10]    clients that give up mid-request (curl --max-time 0.01-0.4 s) on node 1
# Every step is logged with its time, so that recovery can be read off the server logs ($CHAOS_DIR/app-N.log).
set -Eeuo pipefail
source "$(dirname "$0")/lib.sh"
case ${1:-} in
  rabbitmq) chaos_rabbit_kill; sleep "${2:-10}"; chaos_rabbit_start ;;
  app) chaos_app_kill "${2:-1}"; chaos_app_start "${2:-1}" ;;
  node) chaos_app_kill "${2:-2}" ;;
  redis) chaos_redis_kill; sleep "${2:-20}"; chaos_redis_start ;;
  postgres) chaos_pg_stop_immediate; sleep "${2:-5}"; chaos_pg_start ;;
  abandon)
    token=$("$(dirname "$0")/load.sh" token)
    end=$((SECONDS + ${2:-10})); given_up=0
    while ((SECONDS < end)); do
      curl -s -o /dev/null -m "0.$(printf '%02d' $((RANDOM % 40 + 1)))" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"kind\":\"deliberation\",\"title\":\"abandon-$RANDOM$RANDOM\",\"description\":\"chaos\",\"category\":\"chaos\",\"allianceId\":\"$("$(dirname "$0")/load.sh" alliance)\"}" \
        "$(chaos_app_url 1)/api/items" || given_up=$((given_up + 1))
    done
    chaos_log "$given_up requests given up mid-way" ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
