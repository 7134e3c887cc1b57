#!/usr/bin/env bash
# The one test command. It installs what is missing (apt), builds once, and runs the whole suite twice:
#   pass 1 "embedded": SQLite, in-memory bus, in-memory Hangfire, in-process SignalR;
#   pass 2 "servers":  PostgreSQL, RabbitMQ and Redis started here on 127.0.0.1 (data in a temporary folder);
#   then the fault suite (tests/Alliance.Faults.Tests), also in the real-server pass, on its own: it starts its own
#   PostgreSQL, RabbitMQ, Redis and server nodes on other ports (infra/chaos) and kills them, so it never shares a
#   server or the CPU with the other tests. It cannot run in the embedded pass, which leaves it out.
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

faults=tests/Alliance.Faults.Tests
not_faults="FullyQualifiedName!~Alliance.Faults.Tests"

run_pass() { # name profile what-to-test [dotnet test options...]
  local name=$1 profile=$2; shift 2
  say "test pass '$name'"
  set +e
  ALLIANCE_TEST_PROFILE=$profile dotnet test "$@" -c Release --no-build -nologo \
    --logger "console;verbosity=minimal" --logger "trx;LogFilePrefix=$name" --results-directory "$logs/$name" 2>&1 \
    | tee "$logs/$name.log" | { grep -E --line-buffered '^\s+(Failed|Skipped) |^(Passed|Failed)!|error [A-Z]+[0-9]+|Error Message|^\s+at |Assert\.' || true; }
  local rc=${PIPESTATUS[0]}
  set -e
  ((rc == 0)) || status=1
}

cleanup() { servers_stop || true; }
trap cleanup EXIT

run_pass embedded embedded Alliance.sln --filter "$not_faults"
echo "(The fault suite, $faults, runs only in the real-server pass: it starts and kills real servers.)"

servers_ran=false
if $servers_possible; then
  say "starting PostgreSQL, RabbitMQ and Redis on 127.0.0.1"
  if servers_start; then
    run_pass servers servers Alliance.sln --filter "$not_faults"
    servers_ran=true
  else
    echo "The real servers could not be started; see the messages above."
    status=1
  fi
  servers_stop
  if $servers_ran; then
    ALLIANCE_FAULTS_REPORT="$logs/faults-report.md" run_pass faults servers "$faults"
    if grep -qE '^(Passed|Failed)!' "$logs/faults.log"; then cat "$logs/faults-report.md" 2>/dev/null || true; else echo "The fault suite did not run."; status=1; fi
  fi
fi

# ---------------------------------------------------------------- summary
say "summary"
passed=0 failed=0 skipped=0
for pass in embedded servers faults; do
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
