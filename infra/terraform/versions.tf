# Exact versions, like every other dependency of the project: a plan means the same on every
# machine, and an upgrade is a reviewed change to this file (and to .terraform.lock.hcl).
terraform {
  required_version = "1.11.4"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "7.15.0"
    }
  }

  # State lives in a versioned GCS bucket made outside this configuration (it cannot hold its
  # own state): terraform init -backend-config="bucket=<bucket>" -backend-config="prefix=<env>".
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = var.labels
}
