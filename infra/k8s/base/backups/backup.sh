#!/bin/sh
# Dump each subgraph's database (custom format) into BACKUP_DIR, then drop dumps older than
# RETENTION_DAYS. Databases are named as the services name them: DATABASE_URL's database with
# `_content`, `_users`, ... appended (subgraphs/common/settings.py), query string kept.
#   DATABASE_URL=postgres://host/mediagateway BACKUP_DIR=/backups backup.sh
set -eu
: "${DATABASE_URL:?}" "${BACKUP_DIR:?}"
retention=${RETENTION_DAYS:-14}
stamp=${BACKUP_STAMP:-$(date -u +%Y%m%dT%H%M%SZ)}
base=${DATABASE_URL%%\?*}
query=${DATABASE_URL#"$base"}
for db in content users recommendations playback; do
  out="$BACKUP_DIR/$db-$stamp.dump"
  pg_dump --format=custom --no-owner "${base}_${db}${query}" > "$out.partial"
  mv "$out.partial" "$out"  # a dump is complete or absent, never half-written
  echo "backup: $db -> $out ($(wc -c < "$out") bytes)"
done
find "$BACKUP_DIR" -name '*.dump' -mtime "+$retention" -delete
