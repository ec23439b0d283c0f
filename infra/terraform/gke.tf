# A regional cluster: the control plane and the nodes in every zone of var.zones, so a zone's
# loss leaves two thirds of the pods (infra/k8s/overlays/prod spreads them over zones).
resource "google_container_cluster" "main" {
  name     = var.name
  location = var.region
  # Nodes only in the chosen zones (the region may have more).
  node_locations = var.zones

  network    = google_compute_network.main.id
  subnetwork = google_compute_subnetwork.gke.id

  # Node pools are managed below, each replaceable without recreating the cluster.
  remove_default_node_pool = true
  initial_node_count       = 1

  deletion_protection = true
  resource_labels     = var.labels

  # Clients authenticate with Google identities (gcloud), never with a cluster certificate.
  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }

  # The Kubernetes minor the manifests are validated against (tests/infra: 1.33).
  release_channel {
    channel = "REGULAR"
  }

  networking_mode = "VPC_NATIVE"
  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  # Dataplane V2 enforces the NetworkPolicies of infra/k8s (subgraphs only from the router).
  datapath_provider = "ADVANCED_DATAPATH"

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = var.master_cidr
    master_global_access_config {
      enabled = false
    }
  }

  # The public endpoint answers only these networks (none by default: from inside the VPC).
  master_authorized_networks_config {
    gcp_public_cidrs_access_enabled = false
    dynamic "cidr_blocks" {
      for_each = var.master_authorized_networks
      content {
        cidr_block   = cidr_blocks.value.cidr_block
        display_name = cidr_blocks.value.display_name
      }
    }
  }

  # Pods act as their own Google service account (iam.tf), never as the node's.
  workload_identity_config {
    workload_pool = local.workload_pool
  }

  enable_shielded_nodes       = true
  enable_intranode_visibility = true

  # The project's Binary Authorization policy decides which images may run (its default
  # allows all; a release pipeline that signs images tightens it without touching this).
  binary_authorization {
    evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE"
  }

  addons_config {
    http_load_balancing {
      disabled = false
    }
    horizontal_pod_autoscaling {
      disabled = false
    }
  }

  logging_config {
    enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"]
  }
  monitoring_config {
    enable_components = ["SYSTEM_COMPONENTS"]
  }

  # Upgrades at night in the region's week-end, not in the evening's viewing peak.
  maintenance_policy {
    recurring_window {
      start_time = "2026-01-03T02:00:00Z"
      end_time   = "2026-01-03T06:00:00Z"
      recurrence = "FREQ=WEEKLY;BYDAY=SA,SU"
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_container_node_pool" "default" {
  name     = "default"
  cluster  = google_container_cluster.main.id
  location = var.region

  # Per zone: a regional pool has this many nodes in each of var.zones.
  autoscaling {
    min_node_count  = var.node_min_per_zone
    max_node_count  = var.node_max_per_zone
    location_policy = "BALANCED"
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  upgrade_settings {
    strategy        = "SURGE"
    max_surge       = 1
    max_unavailable = 0
  }

  node_config {
    machine_type = var.node_machine_type
    image_type   = "COS_CONTAINERD"
    disk_type    = "pd-balanced"
    disk_size_gb = 100

    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    # The GKE metadata server: pods see their Workload Identity, never the node's token.
    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }

    metadata = {
      disable-legacy-endpoints = "true"
    }
  }
}
