# A reproduction of the resources Gruntwork's vpc-peering-external module creates, from its documentation (the module's
# source is not public): one route per (route table, external CIDR block), an egress allow and an ingress allow for the
# replies in every NACL with access, and an ingress and an egress deny in every NACL. Like the module, everything is
# counted by list position and numbered `start + 5 x position`. The documentation shows one CIDR block; with several,
# the position runs over (NACL, CIDR block) pairs, NACL-major. The module has no outputs.

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

locals {
  cidr_count = length(var.external_vpc_cidr_blocks)
}

resource "aws_route" "external" {
  count                     = length(var.internal_vpc_route_table_ids) * local.cidr_count
  route_table_id            = var.internal_vpc_route_table_ids[floor(count.index / local.cidr_count)]
  destination_cidr_block    = var.external_vpc_cidr_blocks[count.index % local.cidr_count]
  vpc_peering_connection_id = var.vpc_peering_connection_id
}

resource "aws_network_acl_rule" "allow_outbound" {
  count          = length(var.network_acl_ids_with_external_vpc_access) * local.cidr_count
  network_acl_id = var.network_acl_ids_with_external_vpc_access[floor(count.index / local.cidr_count)]
  egress         = true
  rule_number    = var.egress_starting_rule_number + 5 * count.index
  rule_action    = "allow"
  protocol       = var.protocol
  from_port      = var.outbound_from_port
  to_port        = var.outbound_to_port
  cidr_block     = var.external_vpc_cidr_blocks[count.index % local.cidr_count]
}

resource "aws_network_acl_rule" "allow_inbound_return_traffic" {
  count          = length(var.network_acl_ids_with_external_vpc_access) * local.cidr_count
  network_acl_id = var.network_acl_ids_with_external_vpc_access[floor(count.index / local.cidr_count)]
  egress         = false
  rule_number    = var.ingress_starting_rule_number + 5 * count.index
  rule_action    = "allow"
  protocol       = var.protocol
  from_port      = var.ephemeral_from_port
  to_port        = var.ephemeral_to_port
  cidr_block     = var.external_vpc_cidr_blocks[count.index % local.cidr_count]
}

resource "aws_network_acl_rule" "deny_outbound" {
  count          = var.enable_blanket_deny ? length(var.all_network_acl_ids) * local.cidr_count : 0
  network_acl_id = var.all_network_acl_ids[floor(count.index / local.cidr_count)]
  egress         = true
  rule_number    = var.egress_high_starting_rule_number + 5 * count.index
  rule_action    = "deny"
  protocol       = "-1"
  from_port      = 0
  to_port        = 0
  cidr_block     = var.external_vpc_cidr_blocks[count.index % local.cidr_count]
}

resource "aws_network_acl_rule" "deny_inbound" {
  count          = var.enable_blanket_deny ? length(var.all_network_acl_ids) * local.cidr_count : 0
  network_acl_id = var.all_network_acl_ids[floor(count.index / local.cidr_count)]
  egress         = false
  rule_number    = var.ingress_high_starting_rule_number + 5 * count.index
  rule_action    = "deny"
  protocol       = "-1"
  from_port      = 0
  to_port        = 0
  cidr_block     = var.external_vpc_cidr_blocks[count.index % local.cidr_count]
}
