#!/usr/bin/env bash
# Issue 15, before and after "one path for every change", in one run on one machine, old build beside new, alternated:
#   - user actions through the REST API: the `items` mode of bench/Alliance.Live.Benchmarks (submissions, then
#     claim + complete pairs; actions/s, p50/p99, server CPU per action, action → hub push p50/p99), on PostgreSQL +
#     RabbitMQ + Redis and on the embedded defaults (SQLite, in-memory bus and jobs, no Redis);
#   - the workflow step benchmark, bench/Alliance.Benchmarks, on SQLite and PostgreSQL.
#
# usage (from the repository root; the real servers as infra/scripts/servers.sh starts them, ALLIANCE_TEST_* set):
#   git worktree add --detach /tmp/alliance-before c008ddf^     # the code before the one path
#   git worktree add --detach /tmp/alliance-after 4e65b91       # the one path, before later features (optional)
#   bench/one-path-before-after.sh /tmp/alliance-before [rounds=2] [clients=4] [seconds=15] [new tree=this one]
set -euo pipefail
old=$(cd "$1" && pwd)
rounds=${2:-2}
clients=${3:-4}
seconds=${4:-15}
here=$(cd "$(dirname "$0")/.." && pwd)
new=$(cd "${5:-$here}" && pwd)
: "${ALLIANCE_TEST_POSTGRES:?start the servers first (infra/scripts/servers.sh: servers_start)}"

build() { dotnet build -c Release -nologo -v q -clp:ErrorsOnly "$@"; }
for tree in "$old" "$new"; do
  build "$tree/src/Alliance.Server"
  [ "${STEPS:-1}" = 0 ] || build "$tree/bench/Alliance.Benchmarks"
done
build "$here/bench/Alliance.Live.Benchmarks"

live="$here/bench/Alliance.Live.Benchmarks/bin/Release/net10.0/Alliance.Live.Benchmarks.dll"
sqlite_db=/tmp/alliance-items-bench.db
embedded="Alliance__Database=Sqlite,Alliance__Sqlite=Data Source=$sqlite_db,Alliance__Bus=InMemory,Alliance__Jobs=InMemory,Alliance__Redis="
steps_pg="${ALLIANCE_TEST_POSTGRES/Database=postgres/Database=alliance_bench};Max Auto Prepare=50;Auto Prepare Min Usages=2"

for round in $(seq "$rounds"); do
  for build_name in old new; do
    tree=$old; [ "$build_name" = new ] && tree=$new
    dll="$tree/src/Alliance.Server/bin/Release/net10.0/Alliance.Server.dll"
    for stack in servers embedded; do
      rm -f "$sqlite_db" "$sqlite_db"-*
      env_arg="Alliance__Workflows=$tree/workflows"
      [ "$stack" = embedded ] && env_arg="$env_arg,$embedded"
      echo "==> round $round, $build_name ($(git -C "$tree" rev-parse --short HEAD)), items on $stack, load $(cut -d' ' -f1 /proc/loadavg)"
      dotnet "$live" items --clients "$clients" --seconds "$seconds" --server-dll "$dll" --server-env "$env_arg" 2>&1 \
        | grep -v '^\[server\]' | grep -E 'submissions|pairs|hub push'
    done
    [ "${STEPS:-1}" = 0 ] && continue   # STEPS=0: user actions only
    echo "==> round $round, $build_name, workflow steps, load $(cut -d' ' -f1 /proc/loadavg)"
    (cd "$tree" && dotnet "bench/Alliance.Benchmarks/bin/Release/net10.0/Alliance.Benchmarks.dll" --seconds 5 --warmup 2 \
      --workers 1,8 --measure raw,steps --postgres "$steps_pg") 2>&1 | grep -E '^(## |\| [a-z])'

  done
done
rm -f "$sqlite_db" "$sqlite_db"-*
