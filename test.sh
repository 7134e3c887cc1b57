#!/usr/bin/env bash
# The one test command. It installs what is missing (apt), builds once, and runs the whole suite twice:
#   pass 1 "embedded": SQLite, in-memory bus, in-memory Hangfire, in-process SignalR;
#   pass 2 "servers":  PostgreSQL, RabbitMQ and Redis started here on 127.0.0.1 (data in a temporary folder).
# It stops what it started, even on failure, and can be run again. In CI (CI=true) a real-server pass
# that cannot run is a failure.
set -Eeuo pipefail
cd "$(dirname "$0")"
source infra/scripts/servers.sh

in_ci() { [[ ${CI:-} == true || ${CI:-} == 1 ]]; }
say() { printf '\n==> %s\n' "$*"; }

# ---------------------------------------------------------------- what is missing
missing=()
[[ -n $(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null) ]] || missing+=(postgresql)
[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || missing+=(rabbitmq-server)
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server)
command -v curl >/dev/null || missing+=(curl)
servers_missing=${#missing[@]}
# The browser tests (tests/Alliance.Ui.Tests) drive Debian's chromium; Chinese needs a CJK font to render.
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v fc-list >/dev/null && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing+=(fonts-noto-cjk)
install_line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"

servers_possible=true
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    say "installing ${missing[*]} with sudo"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    ((servers_missing == 0)) || servers_possible=false
    say "missing: ${missing[*]}. Install them as root with:"
    echo "    sudo sh -c '$install_line'"
  fi
fi
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet on PATH)."; exit 1; }

# ---------------------------------------------------------------- build once
say "building (Release)"
dotnet build Alliance.sln -c Release -nologo -v q -clp:ErrorsOnly

logs=$(mktemp -d /tmp/alliance-test-logs.XXXXXX)
status=0

run_pass() { # name
  local name=$1
  say "test pass '$name'"
  set +e
  ALLIANCE_TEST_PROFILE=$name dotnet test Alliance.sln -c Release --no-build -nologo \
    --logger "console;verbosity=minimal" --logger "trx;LogFilePrefix=$name" --results-directory "$logs/$name" 2>&1 \
    | tee "$logs/$name.log" | { grep -E --line-buffered '^\s+(Failed|Skipped) |^(Passed|Failed)!|error [A-Z]+[0-9]+|Error Message|^\s+at |Assert\.' || true; }
  local rc=${PIPESTATUS[0]}
  set -e
  ((rc == 0)) || status=1
}

cleanup() { servers_stop || true; }
trap cleanup EXIT

run_pass embedded

servers_ran=false
if $servers_possible; then
  say "starting PostgreSQL, RabbitMQ and Redis on 127.0.0.1"
  if servers_start; then
    run_pass servers
    servers_ran=true
  else
    echo "The real servers could not be started; see the messages above."
    status=1
  fi
  servers_stop
fi

# ---------------------------------------------------------------- summary
say "summary"
passed=0 failed=0 skipped=0
for pass in embedded servers; do
  [[ -f $logs/$pass.log ]] || continue
  while read -r line; do
    echo "[$pass] $line"
    f=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$line"); p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line"); s=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  done < <(grep -E '^(Passed|Failed)! +- ' "$logs/$pass.log")
done
if ! $servers_ran; then
  echo "The real-server pass did NOT run: PostgreSQL, RabbitMQ and Redis were not available."
  if in_ci; then status=1; fi
fi
if ((passed == 0)); then echo "No test ran."; status=1; fi
if ((failed > 0)); then status=1; fi
echo "Logs and trx files: $logs"
echo "Total: $passed passed, $failed failed, $skipped skipped"
exit $status
