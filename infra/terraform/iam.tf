# One Google service account per workload, bound to its Kubernetes service account (the same
# name, in var.namespace) through Workload Identity: no key is ever created or stored.
resource "google_service_account" "workload" {
  for_each = local.workloads

  account_id   = "${var.name}-${each.key}"
  display_name = "Media Gateway ${each.key}"
}

resource "google_service_account_iam_member" "workload_identity" {
  for_each = local.workloads

  service_account_id = google_service_account.workload[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.workload_pool}[${var.namespace}/${each.key}]"

  # The identity pool exists once the cluster does.
  depends_on = [google_container_cluster.main]
}

# Connect through the Cloud SQL Auth Proxy and sign in as an IAM user, on this instance only.
resource "google_project_iam_member" "cloudsql_client" {
  for_each = local.database_clients

  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = google_service_account.workload[each.key].member

  condition {
    title      = "only-${google_sql_database_instance.main.name}"
    expression = "resource.name == 'projects/${var.project_id}/instances/${google_sql_database_instance.main.name}'"
  }
}

resource "google_project_iam_member" "cloudsql_instance_user" {
  for_each = local.database_clients

  project = var.project_id
  role    = "roles/cloudsql.instanceUser"
  member  = google_service_account.workload[each.key].member

  condition {
    title      = "only-${google_sql_database_instance.main.name}"
    expression = "resource.name == 'projects/${var.project_id}/instances/${google_sql_database_instance.main.name}'"
  }
}

# The nodes' own identity: logs, metrics and pulling images, nothing else (not the Compute
# Engine default account, which is Editor).
resource "google_service_account" "nodes" {
  account_id   = "${var.name}-nodes"
  display_name = "Media Gateway GKE nodes"
}

resource "google_project_iam_member" "nodes" {
  project = var.project_id
  role    = "roles/container.defaultNodeServiceAccount"
  member  = google_service_account.nodes.member
}

resource "google_artifact_registry_repository_iam_member" "nodes_pull" {
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.reader"
  member     = google_service_account.nodes.member
}
