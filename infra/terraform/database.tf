# PostgreSQL 16 for the four subgraphs (one database each, as locally), highly available across
# two zones, with point-in-time recovery: a recovery point of minutes, where the nightly pg_dump
# CronJob (infra/k8s/base/backups.yaml) gives a day.
resource "google_sql_database_instance" "main" {
  name             = "${var.name}-pg"
  region           = var.region
  database_version = "POSTGRES_16"

  deletion_protection = true

  settings {
    tier              = var.db_tier
    edition           = "ENTERPRISE"
    availability_type = "REGIONAL"

    disk_type             = "PD_SSD"
    disk_size             = var.db_disk_size_gb
    disk_autoresize       = true
    disk_autoresize_limit = var.db_disk_size_gb * 10

    # Refused by Google's API as well as by Terraform.
    deletion_protection_enabled = true

    backup_configuration {
      enabled                        = true
      start_time                     = "02:00"
      point_in_time_recovery_enabled = true
      # Write-ahead log kept for PITR: any second of the last 7 days can be restored.
      transaction_log_retention_days = 7
      backup_retention_settings {
        retained_backups = 7
        retention_unit   = "COUNT"
      }
    }

    ip_configuration {
      # Private address only, on the VPC's private service access range.
      ipv4_enabled    = false
      private_network = google_compute_network.main.id
      # TLS with a client certificate: what the Cloud SQL Auth Proxy presents; nothing else
      # gets in, even from inside the VPC.
      ssl_mode = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    }

    # Workloads sign in as their Google service account (iam.tf): no database password exists.
    database_flags {
      name  = "cloudsql.iam_authentication"
      value = "on"
    }
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_hostname"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    # Schema changes are logged; other statements are not (their parameters are users' data:
    # emails, titles watched). Slow queries show in Query Insights, normalised, without them.
    database_flags {
      name  = "log_statement"
      value = "ddl"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
    database_flags {
      name  = "log_min_error_statement"
      value = "error"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }

    insights_config {
      query_insights_enabled  = true
      record_application_tags = true
      record_client_address   = false
    }

    maintenance_window {
      day          = 7
      hour         = 3
      update_track = "stable"
    }
  }

  depends_on = [google_service_networking_connection.private_services]
}

# mediagateway_<subgraph>, the names the subgraphs derive from DATABASE_URL.
resource "google_sql_database" "subgraph" {
  for_each = var.subgraphs

  name     = "mediagateway_${each.key}"
  instance = google_sql_database_instance.main.name
}

# IAM database users: Cloud SQL's user name for a service account is its email without
# ".gserviceaccount.com". What each may do inside PostgreSQL is granted in SQL, not here
# (infra/README.md, "Terraform").
resource "google_sql_user" "workload" {
  for_each = local.database_clients

  name     = trimsuffix(google_service_account.workload[each.key].email, ".gserviceaccount.com")
  instance = google_sql_database_instance.main.name
  type     = "CLOUD_IAM_SERVICE_ACCOUNT"
}
