# The values of the mediagateway-secrets Secret (infra/k8s/base/secrets.yaml), kept in Secret
# Manager: created empty here, given a value by hand (`gcloud secrets versions add`), read by
# the External Secrets Operator as the external-secrets service account only.
resource "google_secret_manager_secret" "app" {
  for_each = toset(["redis-url", "router-secret", "database-url"])

  secret_id = "${var.name}-${each.key}"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_iam_member" "external_secrets" {
  for_each = google_secret_manager_secret.app

  secret_id = each.value.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.workload["external-secrets"].member
}
