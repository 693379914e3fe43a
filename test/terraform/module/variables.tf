# The inputs of Gruntwork's vpc-peering-external module (v0.29.0), as its published reference pages document them (the
# README's "Coming from Terraform" maps each to props). Rule numbers have no default here: we could confirm none.

variable "vpc_peering_connection_id" {
  description = "The id of the VPC peering connection the 3rd party requested and you accepted."
  type        = string
}

variable "internal_vpc_route_table_ids" {
  description = "The route tables of your VPC that get a route to the external VPC."
  type        = list(string)
}

variable "external_vpc_cidr_blocks" {
  description = "Every CIDR block of the external VPC."
  type        = list(string)
}

variable "network_acl_ids_with_external_vpc_access" {
  description = "The NACLs (of the private app subnets) that get the allow rules."
  type        = list(string)
}

variable "all_network_acl_ids" {
  description = "Every NACL of your VPC: each gets the blanket deny rules."
  type        = list(string)
}

variable "protocol" {
  description = "The one protocol your subnets may use towards the external VPC (tcp, udp, icmp or a number)."
  type        = string
}

variable "outbound_from_port" {
  description = "The first port your subnets may open towards the external VPC."
  type        = number
}

variable "outbound_to_port" {
  description = "The last port your subnets may open towards the external VPC."
  type        = number
}

variable "ephemeral_from_port" {
  description = "The first port of the return traffic's range."
  type        = number
  default     = 1024
}

variable "ephemeral_to_port" {
  description = "The last port of the return traffic's range."
  type        = number
  default     = 65535
}

variable "egress_starting_rule_number" {
  description = "The rule number of the first egress allow rule; the next ones follow in steps of 5."
  type        = number
}

variable "ingress_starting_rule_number" {
  description = "The rule number of the first ingress allow rule; the next ones follow in steps of 5."
  type        = number
}

variable "egress_high_starting_rule_number" {
  description = "The rule number of the first egress deny rule (higher than the allow rules); steps of 5."
  type        = number
}

variable "ingress_high_starting_rule_number" {
  description = "The rule number of the first ingress deny rule (higher than the allow rules); steps of 5."
  type        = number
}

variable "enable_blanket_deny" {
  description = "Whether every NACL in all_network_acl_ids denies all other traffic to and from the external VPC."
  type        = bool
  default     = true
}
