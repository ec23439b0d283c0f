#!/bin/sh
# Restore one subgraph's dump into a database, replacing what it holds (the runbook is in
# infra/README.md). The target must exist; stop the subgraph's pods first.
#   restore.sh /backups/users-20261203T021700Z.dump postgres://host/mediagateway_users
set -eu
dump=${1:?dump file}
target=${2:?target database URL}
pg_restore --clean --if-exists --no-owner --exit-on-error --single-transaction \
  --dbname "$target" "$dump"
echo "restore: $dump -> ${target%%\?*}"
