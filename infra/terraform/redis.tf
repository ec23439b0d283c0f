# Memorystore for the event streams, pub/sub and rate limits: a replica in another zone that
# takes over automatically, private address only, TLS and AUTH.
resource "google_redis_instance" "main" {
  name           = "${var.name}-redis"
  region         = var.region
  tier           = "STANDARD_HA"
  memory_size_gb = var.redis_memory_size_gb
  redis_version  = "REDIS_7_2"

  location_id             = var.zones[0]
  alternative_location_id = var.zones[1]

  authorized_network = google_compute_network.main.id
  connect_mode       = "PRIVATE_SERVICE_ACCESS"
  reserved_ip_range  = google_compute_global_address.private_services.name

  auth_enabled            = true
  transit_encryption_mode = "SERVER_AUTHENTICATION"

  # Streams carry facts between subgraphs and the users outbox: evicting them would lose
  # events, so a full instance refuses writes (and alerts) instead.
  redis_configs = {
    maxmemory-policy = "noeviction"
  }

  # A failover keeps the replica's data; snapshots bring streams back after losing both.
  persistence_config {
    persistence_mode    = "RDB"
    rdb_snapshot_period = "ONE_HOUR"
  }

  maintenance_policy {
    weekly_maintenance_window {
      day = "SUNDAY"
      start_time {
        hours   = 3
        minutes = 0
      }
    }
  }

  depends_on = [google_service_networking_connection.private_services]
}
