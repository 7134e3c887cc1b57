#!/usr/bin/env bash
# Modest load for a person watching a fault: submits deliberation items (大事共议) to 桂花社区's alliance as its
# secretary (demo data), one request after another, and prints per second how many answered what.
#   load.sh [seconds=60] [node=1]     e.g. ./load.sh 60 & ./fault.sh postgres
#   load.sh token | alliance          (helpers: a bearer token for the secretary; the alliance id)
# Check afterwards: items with title chaos-load-* in the database each have their route (wf_instances, correlation
# key = item id), GET /api/audit/verify (as wangjianguo) says intact, and the outboxes drain (see docs/reliability.md).
set -Eeuo pipefail
source "$(dirname "$0")/lib.sh"
# 桂花社区区域化党建联盟: DemoRegion.CommunityAlliance(1), a name-based id; read it from the running node.
alliance() {
  curl -fsS -H "Authorization: Bearer $(token)" "$(chaos_app_url "${node:-1}")/api/alliances" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("items", d) if isinstance(d, dict) else d; print(next(a["id"] for a in d if a["name"].startswith("桂花社区")))'
}
token() { curl -fsS -H 'Content-Type: application/json' -d '{"userName":"zhaolihua","password":"Alliance#2026"}' "$(chaos_app_url "${node:-1}")/api/auth/token" | grep -o '"accessToken":"[^"]*' | cut -d'"' -f4; }
case ${1:-} in
  token) token; exit ;;
  alliance) alliance; exit ;;
esac
seconds=${1:-60} node=${2:-1}
tok=$(token); all=$(alliance); url="$(chaos_app_url "$node")/api/items"; end=$((SECONDS + seconds)); n=0
declare -A counts; second=$SECONDS
while ((SECONDS < end)); do
  n=$((n + 1))
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 15 -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"deliberation\",\"title\":\"chaos-load-$$-$n\",\"description\":\"chaos\",\"category\":\"chaos\",\"allianceId\":\"$all\"}" "$url" || true)
  counts[$code]=$((${counts[$code]:-0} + 1))
  if ((SECONDS != second)); then
    line=""; for c in "${!counts[@]}"; do line+=" $c×${counts[$c]}"; done
    printf '[load %(%H:%M:%S)T]%s\n' -1 "$line"; counts=(); second=$SECONDS
  fi
done
