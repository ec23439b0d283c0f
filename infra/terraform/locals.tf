locals {
  # Workloads that reach PostgreSQL: each subgraph its own database, the migrate Job all of
  # them, the nightly pg_dump CronJob all of them (read only, granted in SQL).
  database_clients = setunion(var.subgraphs, ["migrate", "backups"])
  # Every workload gets its own Google identity, the router too (it touches no database);
  # Weaviate writes its backups to GCS (storage.tf), External Secrets reads Secret Manager
  # (secrets.tf) for the namespace's SecretStore.
  workloads = setunion(local.database_clients, ["router", "weaviate", "external-secrets"])

  workload_pool = "${var.project_id}.svc.id.goog"
}
