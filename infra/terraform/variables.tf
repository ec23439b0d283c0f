variable "project_id" {
  description = "The GCP project everything is created in."
  type        = string
}

variable "region" {
  description = "Region of the cluster, the database, Redis and the image repository."
  type        = string
  default     = "europe-west1"
}

variable "zones" {
  description = "Zones of var.region the nodes run in; Redis uses the first two (primary, replica)."
  type        = list(string)
  default     = ["europe-west1-b", "europe-west1-c", "europe-west1-d"]

  # Production runs three pods a service, one a zone (infra/k8s/overlays/prod).
  validation {
    condition     = length(var.zones) >= 3 && alltrue([for zone in var.zones : startswith(zone, "${var.region}-")])
    error_message = "Give at least three zones, all in var.region."
  }
}

variable "name" {
  description = "Prefix of every resource's name; service account ids add \"-external-secrets\" (at most 30 characters)."
  type        = string
  default     = "mediagateway"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.name))
    error_message = "Lower-case letters, digits and dashes, at most 12 characters, starting with a letter."
  }
}

variable "namespace" {
  description = "Kubernetes namespace of the workloads (infra/k8s/base: mediagateway; the dev overlay: mediagateway-dev)."
  type        = string
  default     = "mediagateway"
}

variable "subgraphs" {
  description = "The subgraphs: each gets a database, a Google service account and a Workload Identity binding."
  type        = set(string)
  default     = ["content", "users", "recommendations", "playback"]
}

variable "labels" {
  description = "Labels put on every resource that takes them."
  type        = map(string)
  default     = { app = "mediagateway" }
}

variable "subnet_cidr" {
  description = "Primary range of the cluster's subnet (nodes)."
  type        = string
  default     = "10.10.0.0/20"
}

variable "pods_cidr" {
  description = "Secondary range for pod addresses."
  type        = string
  default     = "10.20.0.0/14"
}

variable "services_cidr" {
  description = "Secondary range for Service (cluster IP) addresses."
  type        = string
  default     = "10.24.0.0/20"
}

variable "master_cidr" {
  description = "The /28 the GKE control plane's private endpoint takes."
  type        = string
  default     = "172.16.0.0/28"
}

variable "private_services_prefix_length" {
  description = "Size of the range peered to Google's managed services (Cloud SQL, Memorystore)."
  type        = number
  default     = 16
}

variable "master_authorized_networks" {
  description = "Networks allowed to reach the control plane's public endpoint (none: only from inside the VPC)."
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  default = []
}

variable "node_machine_type" {
  description = "Machine type of the cluster's nodes."
  type        = string
  default     = "e2-standard-4"
}

variable "node_min_per_zone" {
  description = "Fewest nodes in each zone."
  type        = number
  default     = 1
}

variable "node_max_per_zone" {
  description = "Most nodes in each zone (the autoscaler's ceiling)."
  type        = number
  default     = 10
}

variable "db_tier" {
  description = "Cloud SQL machine tier (db-custom-<vCPUs>-<MiB>)."
  type        = string
  default     = "db-custom-4-16384"
}

variable "db_disk_size_gb" {
  description = "Initial database disk size; it grows by itself up to ten times this."
  type        = number
  default     = 100
}

variable "redis_memory_size_gb" {
  description = "Memorystore capacity: events are kept up to 1M entries a stream (infra/README.md)."
  type        = number
  default     = 5
}
