# Weaviate's backups (its backup-gcs module, infra/k8s/base/weaviate-backup.yaml): one bucket,
# private, each backup deleted 7 days after it was written.
resource "google_storage_bucket" "weaviate_backups" {
  name     = "${var.project_id}-${var.name}-weaviate-backups"
  location = var.region
  labels   = var.labels

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  # A deleted backup (by the lifecycle rule below, or by anyone with Weaviate's rights) stays
  # recoverable as a noncurrent version for 7 more days.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = 7
    }
    action {
      type = "Delete"
    }
  }
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.apis]
}

# Weaviate writes, lists and reads its backups; nothing else in the project.
resource "google_storage_bucket_iam_member" "weaviate_backups" {
  bucket = google_storage_bucket.weaviate_backups.name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.workload["weaviate"].member
}
