# The release's images (subgraphs, router). Tags are immutable: a tag names one build forever,
# as the overlays' pinned tags assume.
resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = var.name
  format        = "DOCKER"
  description   = "Media Gateway container images"

  docker_config {
    immutable_tags = true
  }

  # Untagged layers (superseded builds) go after 30 days; tagged releases stay.
  cleanup_policy_dry_run = false
  cleanup_policies {
    id     = "delete-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "2592000s"
    }
  }

  depends_on = [google_project_service.apis]
}
