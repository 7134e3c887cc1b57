#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migration sets.
# Usage: infra/scripts/add-migration.sh <Name>
set -euo pipefail
name=${1:?usage: add-migration.sh <MigrationName>}
cd "$(dirname "$0")/../.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" \
    --project src/Alliance.Server --startup-project src/Alliance.Server \
    --context "${provider}AllianceDbContext" --output-dir "Migrations/$provider" --no-build
done
