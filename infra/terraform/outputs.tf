output "cluster_name" {
  description = "The GKE cluster: gcloud container clusters get-credentials <name> --region <region>."
  value       = google_container_cluster.main.name
}

output "workload_identity_pool" {
  description = "The cluster's Workload Identity pool."
  value       = local.workload_pool
}

output "workload_service_accounts" {
  description = "Google service account email per workload: the iam.gke.io/gcp-service-account annotation of the Kubernetes service account of that name."
  value       = { for name, account in google_service_account.workload : name => account.email }
}

output "database_connection_name" {
  description = "Cloud SQL instance connection name, for the Cloud SQL Auth Proxy."
  value       = google_sql_database_instance.main.connection_name
}

output "database_private_ip" {
  description = "The database's private address on the VPC."
  value       = google_sql_database_instance.main.private_ip_address
}

output "database_users" {
  description = "IAM database user per workload (the user part of DATABASE_URL, with --auto-iam-authn)."
  value       = { for name, user in google_sql_user.workload : name => user.name }
}

output "redis_host" {
  description = "Memorystore's private address."
  value       = google_redis_instance.main.host
}

output "redis_port" {
  description = "Memorystore's port (TLS: rediss://)."
  value       = google_redis_instance.main.port
}

output "redis_auth_string" {
  description = "Memorystore's AUTH string, for the REDIS_URL of the mediagateway-secrets Secret."
  value       = google_redis_instance.main.auth_string
  sensitive   = true
}

output "redis_ca_certificates" {
  description = "CAs that sign Memorystore's TLS certificate (clients verify the server with them)."
  value       = [for cert in google_redis_instance.main.server_ca_certs : cert.cert]
}

output "image_repository" {
  description = "Where releases push images: <region>-docker.pkg.dev/<project>/<repository>."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "network" {
  description = "The VPC's id."
  value       = google_compute_network.main.id
}

output "weaviate_backup_bucket" {
  description = "Where Weaviate's backups go (the WEAVIATE_BACKUP_BUCKET of the gcp ConfigMap)."
  value       = google_storage_bucket.weaviate_backups.name
}

output "secret_ids" {
  description = "Secret Manager secrets behind mediagateway-secrets: give each a value with gcloud secrets versions add."
  value       = { for key, secret in google_secret_manager_secret.app : key => secret.secret_id }
}
