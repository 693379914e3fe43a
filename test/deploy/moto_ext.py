"""A small, pinned extension of moto's CloudFormation layer for the deploy test (issue 5).

Stock moto 5.2.5 (checked in its source, ``moto/cloudformation/parsing.py`` and ``moto/ec2/models``):

* ``AWS::EC2::NetworkAcl``, ``AWS::EC2::NetworkAclEntry`` and ``AWS::EC2::SubnetNetworkAclAssociation`` have no
  CloudFormation model: ``resource_class_from_type`` logs "No Moto CloudFormation support" and the stack still
  reports CREATE_COMPLETE without them.
* ``Route.create_from_cloudformation_json`` passes only ``DestinationCidrBlock``: IPv6 routes are created without a
  destination. ``Route`` has neither an update nor a delete: ``parse_and_update_resource`` returns ``None`` (and
  the resource map forgets the route), and deleting the stack leaves every route behind.
* ``ResourceMap.update`` deletes removed resources *first*, then creates added ones, then modifies; a failure
  raises out of the API call and leaves half an update behind. AWS creates new and replacement resources first,
  deletes old ones last (cleanup), and rolls a failed update back.
* The EC2 backend does enforce ``NetworkAclEntryAlreadyExists`` and ``RouteAlreadyExists`` (IPv4 only: a second IPv6
  route silently overwrites the first, so this module checks IPv6 itself).

* ``UpdateStack`` with ``UsePreviousValue`` for a parameter the stack took from its Default (the CDK CLI does this
  for ``BootstrapVersion``) raises a ``KeyError`` (HTTP 500): moto looks only among values passed explicitly.

This module registers real models for those types, built on moto's own EC2 backend calls, and replaces the update,
create-rollback and delete order of ``ResourceMap`` / ``Stack`` (and takes a defaulted parameter's previous value from
the previous template):

* creates and updates run in an order the dependencies allow: without a seed the template's (deterministic), with
  one a random linear extension of the dependency graph, which covers every interleaving CloudFormation's parallel
  work can produce; a change of a create-only property replaces the resource (new one first, the old one is deleted
  in the cleanup phase, after everything else succeeded);
* removed resources are deleted last, dependents first (per the old template), in such an order too;
* a failure during an update rolls back as AWS does: in-place changes are reverted first, then what the update
  created is deleted (each dependents first), the previous template is kept, and the stack ends in
  ``UPDATE_ROLLBACK_COMPLETE`` with the error as the resource's ``UPDATE_FAILED`` reason; a failed create deletes
  what it created and ends in ``ROLLBACK_COMPLETE`` — as on AWS, the API call itself succeeds;
* every resource action is a stack event; a test-only endpoint (``/moto-ext/``) sets the seed, arms faults (a named
  resource failing its create, update or delete) and returns the trail of snapshots: the NACLs, routes and peering
  connections of the stack's VPCs after every EC2 call made for CloudFormation (custom resources' calls included).

Call ``apply()`` once, in the process that runs moto (``server.py`` does). It refuses any moto but the pinned one.
"""
from __future__ import annotations

import bisect
import contextlib
import copy
import functools
import inspect
import json
import logging
import os
import random
import re
import threading
from typing import Any, Iterator
from urllib.parse import parse_qs

import moto

PINNED_MOTO_VERSION = "5.2.5"

if moto.__version__ != PINNED_MOTO_VERSION:  # fail loudly: every patch below is written against this version
    raise RuntimeError(
        f"moto_ext is written against moto=={PINNED_MOTO_VERSION}, found moto=={moto.__version__}: "
        "re-check the traps listed in test/deploy/moto_ext.py against the new source, then update the pin"
    )

from moto.cloudformation import models as cfn_models  # noqa: E402
from moto.cloudformation import parsing  # noqa: E402
from moto.core.common_models import CloudFormationModel  # noqa: E402
from moto.ec2.exceptions import EC2ClientError, RouteAlreadyExistsError  # noqa: E402
from moto.ec2.models import ec2_backends  # noqa: E402
from moto.ec2.models.subnets import Subnet  # noqa: E402
from moto.ec2.models.vpcs import VPC  # noqa: E402

log = logging.getLogger("moto_ext")

_APPLIED = False

# moto's model metaclass files every model under the service named by the 2nd part of its module name
_MODEL_MODULE = "moto.ec2.moto_ext"


class Ec2Error(EC2ClientError):
    """An EC2 error with AWS's code and message."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)


def _backend(account_id: str, region_name: str) -> Any:
    return ec2_backends[account_id][region_name]


def _error_text(e: BaseException) -> str:
    code = getattr(e, "code", None) or type(e).__name__
    message = getattr(e, "message", None) or str(e)
    return f"{code}: {message}"


def _bool(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


# ---------------------------------------------------------------------------------------------------------------------
# Resource models
# ---------------------------------------------------------------------------------------------------------------------


class _ExtModel(CloudFormationModel):
    __module__ = _MODEL_MODULE
    """Common base: keeps the cleaned properties; subclasses implement _create / _update_in_place / _delete."""

    #: properties whose change replaces the resource (the CloudFormation schema's createOnlyProperties)
    CREATE_ONLY: tuple[str, ...] = ()
    ext_model = True

    def __init__(self, account_id: str, region_name: str, props: dict[str, Any]):
        self.account_id = account_id
        self.region_name = region_name
        self.props = copy.deepcopy(props)
        self.id = ""

    @property
    def backend(self) -> Any:
        return _backend(self.account_id, self.region_name)

    @property
    def physical_resource_id(self) -> str:
        return self.id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    #: the one `Fn::GetAtt` attribute the type has, which is its physical id ("" for none)
    ID_ATTRIBUTE = ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return bool(cls.ID_ATTRIBUTE) and attr == cls.ID_ATTRIBUTE

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if self.ID_ATTRIBUTE and attribute_name == self.ID_ATTRIBUTE:
            return self.id
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    def is_created(self) -> bool:
        return True

    # --- CloudFormationModel hooks -----------------------------------------------------------------------------------
    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "_ExtModel":
        resource = cls(account_id, region_name, cloudformation_json.get("Properties") or {})
        resource._create()
        return resource

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[override]
        cls, original_resource: "_ExtModel", new_resource_name: str, cloudformation_json: Any,
        account_id: str, region_name: str,
    ) -> "_ExtModel":
        new_props = cloudformation_json.get("Properties") or {}
        if any(original_resource.props.get(p) != new_props.get(p) for p in cls.CREATE_ONLY):
            replacement = cls(account_id, region_name, new_props)
            replacement._create()  # the old one stays until the cleanup phase, as on AWS
            replacement.ext_replaces = original_resource  # type: ignore[attr-defined]
            return replacement
        original_resource._update_in_place(new_props)
        original_resource.props = copy.deepcopy(new_props)
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        raise NotImplementedError("ext models are deleted through their delete() method")

    def delete(self, account_id: str, region_name: str) -> None:
        self._delete()

    # --- to implement ------------------------------------------------------------------------------------------------
    def _create(self) -> None:
        raise NotImplementedError

    def _update_in_place(self, new_props: dict[str, Any]) -> None:
        raise NotImplementedError

    def _delete(self) -> None:
        raise NotImplementedError


class CfnNetworkAcl(_ExtModel):
    __module__ = _MODEL_MODULE
    CREATE_ONLY = ("VpcId",)
    ID_ATTRIBUTE = "Id"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::NetworkAcl"

    def _create(self) -> None:
        acl = self.backend.create_network_acl(self.props["VpcId"], tags=self.props.get("Tags") or [])
        self.id = acl.id

    def _update_in_place(self, new_props: dict[str, Any]) -> None:
        acl = self.backend.get_network_acl(self.id)
        for tag in new_props.get("Tags") or []:
            acl.add_tag(tag["Key"], tag["Value"])

    def _delete(self) -> None:
        if self.id in self.backend.network_acls:
            self.backend.delete_network_acl(self.id)


def _validate_entry(props: dict[str, Any]) -> None:
    """The checks EC2's CreateNetworkAclEntry makes and moto does not."""
    for required in ("NetworkAclId", "RuleNumber", "Protocol", "RuleAction"):
        if props.get(required) in (None, ""):
            raise Ec2Error("MissingParameter", f"The request must contain the parameter {required}")
    rule = int(props["RuleNumber"])
    if not 1 <= rule <= 32766:
        raise Ec2Error("InvalidParameterValue", f"Value ({rule}) for parameter ruleNumber is invalid.")
    if str(props["RuleAction"]).lower() not in ("allow", "deny"):
        raise Ec2Error("InvalidParameterValue", f"Invalid value '{props['RuleAction']}' for ruleAction.")
    if bool(props.get("CidrBlock")) == bool(props.get("Ipv6CidrBlock")):
        raise Ec2Error("InvalidParameterCombination", "Exactly one of CidrBlock and Ipv6CidrBlock is required.")
    protocol = str(props["Protocol"])
    if protocol in ("6", "17"):
        port_range = props.get("PortRange") or {}
        if port_range.get("From") is None or port_range.get("To") is None:
            raise Ec2Error("InvalidParameterValue", "TCP/UDP rules require a PortRange with From and To.")
        if not 0 <= int(port_range["From"]) <= int(port_range["To"]) <= 65535:
            raise Ec2Error("InvalidParameterValue", f"Invalid port range {port_range}.")
    if protocol in ("1", "58"):
        icmp = props.get("Icmp") or {}
        if icmp.get("Type") is None or icmp.get("Code") is None:
            raise Ec2Error("InvalidParameterValue", "ICMP rules require Icmp with Type and Code.")


class CfnNetworkAclEntry(_ExtModel):
    __module__ = _MODEL_MODULE
    # AWS::EC2::NetworkAclEntry createOnlyProperties
    CREATE_ONLY = ("NetworkAclId", "RuleNumber", "Egress")
    ID_ATTRIBUTE = "Id"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::NetworkAclEntry"

    @staticmethod
    def _args(props: dict[str, Any]) -> dict[str, Any]:
        port_range = props.get("PortRange") or {}
        icmp = props.get("Icmp") or {}
        return dict(
            network_acl_id=props["NetworkAclId"],
            rule_number=int(props["RuleNumber"]),
            protocol=str(props["Protocol"]),
            rule_action=str(props["RuleAction"]).lower(),
            egress=_bool(props.get("Egress", False)),
            cidr_block=props.get("CidrBlock"),
            icmp_code=None if icmp.get("Code") is None else int(icmp["Code"]),
            icmp_type=None if icmp.get("Type") is None else int(icmp["Type"]),
            port_range_from=None if port_range.get("From") is None else int(port_range["From"]),
            port_range_to=None if port_range.get("To") is None else int(port_range["To"]),
            ipv6_cidr_block=props.get("Ipv6CidrBlock"),
        )

    def _key(self) -> tuple[str, bool, int]:
        a = self._args(self.props)
        return a["network_acl_id"], a["egress"], a["rule_number"]

    def _create(self) -> None:
        _validate_entry(self.props)
        self.backend.create_network_acl_entry(**self._args(self.props))  # raises NetworkAclEntryAlreadyExists
        acl_id, egress, rule = self._key()
        self.id = f"{acl_id}|{'egress' if egress else 'ingress'}|{rule}"

    def _update_in_place(self, new_props: dict[str, Any]) -> None:
        _validate_entry(new_props)
        self.backend.replace_network_acl_entry(**self._args(new_props))

    def _delete(self) -> None:
        acl_id, egress, rule = self._key()
        acl = self.backend.network_acls.get(acl_id)
        if acl is None:
            return  # the NACL is gone, and its entries with it
        if any(e.egress == egress and e.rule_number == rule for e in acl.network_acl_entries):
            self.backend.delete_network_acl_entry(acl_id, rule, egress)


def _subnet_association(backend: Any, subnet_id: str) -> tuple[Any, str]:
    for acl in backend.network_acls.values():
        for assoc_id, assoc in acl._associations.items():
            if assoc.subnet_id == subnet_id:
                return acl, assoc_id
    raise Ec2Error("InvalidSubnetID.NotFound", f"The subnet ID '{subnet_id}' has no network ACL association")


class CfnSubnetNetworkAclAssociation(_ExtModel):
    __module__ = _MODEL_MODULE
    CREATE_ONLY = ("SubnetId", "NetworkAclId")
    ID_ATTRIBUTE = "AssociationId"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::SubnetNetworkAclAssociation"

    def _create(self) -> None:
        self.backend.get_subnet(self.props["SubnetId"])
        self.backend.get_network_acl(self.props["NetworkAclId"])
        _, assoc_id = _subnet_association(self.backend, self.props["SubnetId"])
        self.id = self.backend.replace_network_acl_association(assoc_id, self.props["NetworkAclId"]).id

    def _update_in_place(self, new_props: dict[str, Any]) -> None:
        pass  # every property is create-only

    def _delete(self) -> None:
        # AWS: removing the association puts the subnet back on the VPC's *default* NACL.
        for acl in list(self.backend.network_acls.values()):
            if self.id in acl._associations:
                subnet = self.backend.get_subnet(acl._associations[self.id].subnet_id)
                default = next(a for a in self.backend.network_acls.values() if a.default and a.vpc_id == subnet.vpc_id)
                self.backend.replace_network_acl_association(self.id, default.id)
                return
        # already replaced by a newer association (a replacement of this resource): nothing to undo


_ROUTE_DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")


class CfnRoute(_ExtModel):
    __module__ = _MODEL_MODULE
    # AWS::EC2::Route createOnlyProperties
    CREATE_ONLY = ("RouteTableId",) + _ROUTE_DESTINATIONS

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::Route"


    def _destination(self, props: dict[str, Any]) -> tuple[str, str]:
        given = [(p, props[p]) for p in _ROUTE_DESTINATIONS if props.get(p)]
        if len(given) != 1:
            raise Ec2Error("InvalidParameterCombination", f"A route needs exactly one destination, got {given}")
        return given[0]

    def _targets(self, props: dict[str, Any]) -> dict[str, Any]:
        return dict(
            gateway_id=props.get("GatewayId"),
            instance_id=props.get("InstanceId"),
            nat_gateway_id=props.get("NatGatewayId"),
            egress_only_igw_id=props.get("EgressOnlyInternetGatewayId"),
            transit_gateway_id=props.get("TransitGatewayId"),
            interface_id=props.get("NetworkInterfaceId"),
            vpc_peering_connection_id=props.get("VpcPeeringConnectionId"),
        )

    def _create(self) -> None:
        prop, dest = self._destination(self.props)
        table = self.backend.get_route_table(self.props["RouteTableId"])
        if prop == "DestinationIpv6CidrBlock" and any(
            r.destination_ipv6_cidr_block == dest for r in table._routes.values()
        ):
            raise RouteAlreadyExistsError(dest)  # moto checks IPv4 only
        if prop == "DestinationPrefixListId" and any(
            r.destination_prefix_list_id == dest for r in table._routes.values()
        ):
            raise RouteAlreadyExistsError(dest)
        self.backend.create_route(
            route_table_id=self.props["RouteTableId"],
            destination_cidr_block=self.props.get("DestinationCidrBlock"),
            destination_ipv6_cidr_block=self.props.get("DestinationIpv6CidrBlock"),
            destination_prefix_list_id=self.props.get("DestinationPrefixListId"),
            carrier_gateway_id=self.props.get("CarrierGatewayId"),
            vpc_endpoint_id=self.props.get("VpcEndpointId"),
            **self._targets(self.props),
        )
        self.id = f"{self.props['RouteTableId']}|{dest}"

    def _update_in_place(self, new_props: dict[str, Any]) -> None:
        # only the target changed (the destination and table are create-only)
        self.backend.replace_route(
            route_table_id=new_props["RouteTableId"],
            destination_cidr_block=new_props.get("DestinationCidrBlock"),
            destination_ipv6_cidr_block=new_props.get("DestinationIpv6CidrBlock"),
            destination_prefix_list_id=new_props.get("DestinationPrefixListId"),
            **self._targets(new_props),
        )

    def _delete(self) -> None:
        table = self.backend.route_tables.get(self.props["RouteTableId"])
        if table is None:
            return
        prop, dest = self._destination(self.props)
        if not any(
            dest in (r.destination_cidr_block, r.destination_ipv6_cidr_block, r.destination_prefix_list_id)
            for r in table._routes.values()
        ):
            return
        self.backend.delete_route(
            self.props["RouteTableId"],
            self.props.get("DestinationCidrBlock"),
            destination_ipv6_cidr_block=self.props.get("DestinationIpv6CidrBlock"),
            destination_prefix_list_id=self.props.get("DestinationPrefixListId"),
        )


EXT_MODELS = (CfnNetworkAcl, CfnNetworkAclEntry, CfnSubnetNetworkAclAssociation, CfnRoute)


# ---------------------------------------------------------------------------------------------------------------------
# Attributes stock moto lacks: VPC.DefaultNetworkAcl, Subnet.NetworkAclAssociationId (the *NACL id*, per the
# AWS::EC2::Subnet docs), Subnet.SubnetId, VPC.Ipv6CidrBlocks; and every CIDR block of both sides of a peering
# connection in DescribeVpcPeeringConnections
# ---------------------------------------------------------------------------------------------------------------------


def _patch_attributes() -> None:
    vpc_get, subnet_get = VPC.get_cfn_attribute, Subnet.get_cfn_attribute

    def vpc_get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "DefaultNetworkAcl":
            return next(a.id for a in self.ec2_backend.network_acls.values() if a.default and a.vpc_id == self.id)
        if attribute_name == "Ipv6CidrBlocks":
            return [c["cidr_block"] for c in self.get_cidr_block_association_set(ipv6=True)]
        return vpc_get(self, attribute_name)

    def subnet_get_cfn_attribute(self: Any, attribute_name: str) -> Any:
        if attribute_name == "NetworkAclAssociationId":
            acl, _ = _subnet_association(self.ec2_backend, self.id)
            return acl.id
        if attribute_name == "SubnetId":
            return self.id
        if attribute_name == "AvailabilityZone":
            return self.availability_zone
        return subnet_get(self, attribute_name)

    VPC.get_cfn_attribute = vpc_get_cfn_attribute  # type: ignore[method-assign]
    Subnet.get_cfn_attribute = subnet_get_cfn_attribute  # type: ignore[method-assign]

    # DescribeVpcPeeringConnections: stock moto gives each side's primary CidrBlock only; AWS also lists every block,
    # secondary and IPv6 ones included (CidrBlockSet, Ipv6CidrBlockSet), which the accepter checks.
    from moto.ec2.models.vpc_peering_connections import VPCPeeringConnection

    def blocks_of(info: dict[str, Any], vpc: Any) -> dict[str, Any]:
        return {
            **info,
            "CidrBlockSet": [{"CidrBlock": c} for c in _associated_blocks(vpc, ipv6=False)],
            "Ipv6CidrBlockSet": [{"Ipv6CidrBlock": c} for c in _associated_blocks(vpc, ipv6=True)],
        }

    stock_requester, stock_accepter = VPCPeeringConnection.requester_vpc_info, VPCPeeringConnection.accepter_vpc_info
    VPCPeeringConnection.requester_vpc_info = property(  # type: ignore[assignment,method-assign]
        lambda self: blocks_of(stock_requester.fget(self), self.vpc))
    VPCPeeringConnection.accepter_vpc_info = property(  # type: ignore[assignment,method-assign]
        lambda self: blocks_of(stock_accepter.fget(self), self.peer_vpc))


# ---------------------------------------------------------------------------------------------------------------------
# Custom resources backed by Node.js functions (the CDK's CustomResourceProvider), run with node instead of a container
# ---------------------------------------------------------------------------------------------------------------------
#
# Stock moto runs a custom resource's function in a Docker container and waits for its cfnresponse; there are no
# containers here. This model runs the function's own code with the local `node` instead, synchronously, against this
# moto server: the code is the zip moto's Lambda holds (the asset the test uploaded, as `cdk deploy` would), the
# credentials are those of the function's role (moto's STS, so the calls land in the role's account), and the event is
# the one CloudFormation sends (Create / Update with OldResourceProperties / Delete with the PhysicalResourceId).
# For a CDK provider (handler `__entrypoint__.handler`) the test stands in for the CDK's entrypoint, which only
# reports the user handler's result to the ResponseURL: it calls `index.handler` and reports the result itself.
# A thrown error fails the resource with CloudFormation's wording; a changed PhysicalResourceId on an update is a
# replacement (the old id gets its Delete in the cleanup phase), as on AWS.

#: the server's own endpoint, set by server.start(): the functions call it back
SELF_ENDPOINT: str | None = None
#: the repository's node_modules: the AWS SDK for JavaScript v3, which the Lambda runtime would provide
NODE_MODULES = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "node_modules"))
NODE_TIMEOUT_SECONDS = 120

_NODE_RUNNER = """
const [dir, moduleName, fnName, eventJson] = process.argv.slice(1);
Promise.resolve()
  .then(() => require(require('path').join(dir, moduleName))[fnName](JSON.parse(eventJson), {}))
  .then(r => process.stdout.write(JSON.stringify(r ?? {})),
        e => { process.stderr.write(String((e && e.message) || e)); process.exit(1); });
"""


class CustomResourceFailed(Exception):
    """The function of a custom resource failed (its message is the resource's failure reason)."""


class CfnNodeCustomResource(_ExtModel):
    """`Custom::*` and `AWS::CloudFormation::CustomResource` whose ServiceToken is a Node.js function in moto."""

    __module__ = _MODEL_MODULE

    def __init__(self, account_id: str, region_name: str, props: dict[str, Any], resource_type: str = "",
                 logical_id: str = "", stack_id: str = ""):
        super().__init__(account_id, region_name, props)
        self.resource_type, self.logical_id, self.stack_id = resource_type, logical_id, stack_id
        self.data: dict[str, Any] = {}

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudFormation::CustomResource"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True  # whatever the function returns in Data

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name in self.data:
            return self.data[attribute_name]
        raise parsing.ValidationError(message=f"CustomResource attribute error: Vendor response doesn't contain "
                                              f"{attribute_name} attribute in object {self.logical_id}")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[override]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "CfnNodeCustomResource":
        resource = cls(account_id, region_name, cloudformation_json.get("Properties") or {},
                       kwargs["ResourceType"], kwargs["LogicalId"], kwargs["StackId"])
        resource._create()
        return resource

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[override]
        cls, original_resource: "CfnNodeCustomResource", new_resource_name: str, cloudformation_json: Any,
        account_id: str, region_name: str,
    ) -> "CfnNodeCustomResource":
        new_props = cloudformation_json.get("Properties") or {}
        o = original_resource
        result = o._invoke("Update", new_props, old_props=o.props, physical_id=o.id)
        new_id = result.get("PhysicalResourceId") or o.id
        if new_id != o.id:
            replacement = cls(account_id, region_name, new_props, o.resource_type, o.logical_id, o.stack_id)
            replacement.id, replacement.data = new_id, dict(result.get("Data") or {})
            replacement.ext_replaces = o  # type: ignore[attr-defined]  # the old id's Delete comes in the cleanup
            return replacement
        o.data = dict(result.get("Data") or {})
        o.props = copy.deepcopy(new_props)
        return o

    def _create(self) -> None:
        import uuid

        result = self._invoke("Create", self.props)
        self.id = result.get("PhysicalResourceId") or f"{self.logical_id}-{uuid.uuid4().hex[:12]}"
        self.data = dict(result.get("Data") or {})

    def _update_in_place(self, new_props: dict[str, Any]) -> None:  # rollback of an update: Update back
        result = self._invoke("Update", new_props, old_props=self.props, physical_id=self.id)
        self.data = dict(result.get("Data") or {})

    def _delete(self) -> None:
        self._invoke("Delete", self.props, physical_id=self.id)

    def _invoke(self, request_type: str, props: dict[str, Any], old_props: dict[str, Any] | None = None,
                physical_id: str | None = None) -> dict[str, Any]:
        import io
        import shutil
        import subprocess
        import tempfile
        import uuid
        import zipfile

        from moto.awslambda.utils import get_backend as get_lambda_backend
        from moto.sts.models import sts_backends

        if SELF_ENDPOINT is None:
            raise RuntimeError("moto_ext.SELF_ENDPOINT is not set: start the server with server.start()")
        fn = get_lambda_backend(self.account_id, self.region_name).get_function(props["ServiceToken"])
        if not fn.code_bytes:
            raise RuntimeError(f"function {fn.function_name} has no code: upload its asset before the deploy")
        module_name, _, fn_name = (fn.handler or "index.handler").rpartition(".")
        if module_name == "__entrypoint__":
            module_name = "index"  # the CDK's entrypoint only reports index.handler's result: this model does
        event = {
            "RequestType": request_type, "ServiceToken": props["ServiceToken"],
            "ResponseURL": "http://127.0.0.1:9/unused", "StackId": self.stack_id, "RequestId": str(uuid.uuid4()),
            "LogicalResourceId": self.logical_id, "ResourceType": self.resource_type,
            "ResourceProperties": props,
        }
        if old_props is not None:
            event["OldResourceProperties"] = old_props
        if physical_id:
            event["PhysicalResourceId"] = physical_id
        session = sts_backends[self.account_id]["aws"].assume_role(
            region_name=self.region_name, role_session_name=fn.function_name[:64], role_arn=fn.role,
            policy="", duration=900, external_id="")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NODE_PATH": NODE_MODULES,
            **{k: str(v) for k, v in (fn.environment_vars or {}).items()},
            "AWS_ENDPOINT_URL": SELF_ENDPOINT, "AWS_REGION": self.region_name, "AWS_DEFAULT_REGION": self.region_name,
            "AWS_ACCESS_KEY_ID": session.access_key_id, "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
            "AWS_SESSION_TOKEN": session.session_token, "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
        }
        code_dir = tempfile.mkdtemp(prefix="moto-ext-fn-")
        try:
            zipfile.ZipFile(io.BytesIO(fn.code_bytes)).extractall(code_dir)
            proc = subprocess.run(["node", "-e", _NODE_RUNNER, code_dir, module_name, fn_name, json.dumps(event)],
                                  env=env, capture_output=True, text=True, timeout=NODE_TIMEOUT_SECONDS)
        finally:
            shutil.rmtree(code_dir, ignore_errors=True)
        log.info("moto_ext: %s %s %s -> rc %s %s %s", request_type, self.resource_type, self.logical_id,
                 proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
        if proc.returncode != 0:
            raise CustomResourceFailed(f"Received response status [FAILED] from custom resource. Message returned: "
                                       f"{proc.stderr.strip()[-1000:]}")
        return json.loads(proc.stdout or "{}")


def _is_custom_resource_type(resource_type: str) -> bool:
    return resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource"


# ---------------------------------------------------------------------------------------------------------------------
# Dependencies, and the order CloudFormation may take: a random linear extension of the dependency graph
# ---------------------------------------------------------------------------------------------------------------------


def _references(node: Any, names: set[str]) -> set[str]:
    found: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            for k, v in n.items():
                if k == "Ref" and isinstance(v, str) and v in names:
                    found.add(v)
                elif k == "Fn::GetAtt":
                    target = v[0] if isinstance(v, list) else str(v).split(".")[0]
                    if target in names:
                        found.add(target)
                elif k == "Fn::Sub":
                    text = v[0] if isinstance(v, list) else v
                    for ref in re.findall(r"\$\{([^!}][^}]*)\}", text):
                        if ref.split(".")[0] in names:
                            found.add(ref.split(".")[0])
                    if isinstance(v, list):
                        walk(v[1])
                else:
                    walk(v)
        elif isinstance(n, list):
            for item in n:
                walk(item)

    walk(node)
    return found


def dependencies(resources: dict[str, Any]) -> dict[str, set[str]]:
    """What each resource waits for: the resources it references (Ref, GetAtt, Sub) or names in DependsOn."""
    names = set(resources)
    deps: dict[str, set[str]] = {}
    for lid, body in resources.items():
        d = _references(body.get("Properties", {}), names)
        depends_on = body.get("DependsOn", [])
        d |= {x for x in ([depends_on] if isinstance(depends_on, str) else depends_on) if x in names}
        deps[lid] = d - {lid}
    return deps


def dependency_order(resources: dict[str, Any]) -> list[str]:
    """Logical ids, every resource after everything it references (Ref, GetAtt, Sub, DependsOn); stable: the order
    without a seed."""
    deps = dependencies(resources)
    position = {lid: i for i, lid in enumerate(resources)}
    order: list[str] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(lid: str) -> None:
        if lid in done:
            return
        if lid in visiting:
            raise parsing.ValidationError(message=f"Circular dependency between resources: {lid}")
        visiting.add(lid)
        for dep in sorted(deps[lid], key=position.__getitem__):
            visit(dep)
        visiting.discard(lid)
        done.add(lid)
        order.append(lid)

    for lid in resources:
        visit(lid)
    return order


def schedule(nodes: Any, resources: dict[str, Any], rng: random.Random | None, reverse: bool = False) -> list[str]:
    """One order in which CloudFormation may process `nodes` (logical ids of `resources`): each after the nodes among
    them it depends on, or, with `reverse` (deletions), after the nodes among them that depend on it. Dependencies on
    resources outside `nodes` are already met.

    Without `rng`, the order of `dependency_order` (deterministic). With one, each step picks uniformly among the
    nodes whose prerequisites are done: a random linear extension of the dependency graph, which covers every
    interleaving CloudFormation's parallel work can produce (each EC2 call being atomic), and one seed reproduces it.
    """
    wanted = [n for n in dict.fromkeys(nodes) if n in resources]
    nodeset = set(wanted)
    stable = dependency_order(resources)
    rank = {lid: i for i, lid in enumerate(reversed(stable) if reverse else stable)}
    deps = dependencies(resources)
    waits: dict[str, set[str]] = {n: set() for n in wanted}
    for n in wanted:
        for d in deps[n] & nodeset:
            (waits[d] if reverse else waits[n]).add(n if reverse else d)
    unblocks: dict[str, list[str]] = {n: [] for n in wanted}
    for n, ws in waits.items():
        for w in ws:
            unblocks[w].append(n)
    key = rank.__getitem__
    ready = sorted((n for n in wanted if not waits[n]), key=key)
    order: list[str] = []
    while ready:
        n = ready.pop(rng.randrange(len(ready)) if rng else 0)
        order.append(n)
        for m in unblocks[n]:
            waits[m].discard(n)
            if not waits[m]:
                bisect.insort(ready, m, key=key)
    assert len(order) == len(wanted), "the dependency graph has a cycle"
    return order


# ---------------------------------------------------------------------------------------------------------------------
# What tests control (seed, faults) and read (the trail of EC2 snapshots): the /moto-ext/ endpoint
# ---------------------------------------------------------------------------------------------------------------------
#
# A test-only HTTP endpoint on the moto server (loopback only, like the server), JSON in and out:
#
#   GET  /moto-ext/config                 {"seed": n | null, "recordTrail": bool}
#   POST /moto-ext/config                 set either or both; "seed": null is the deterministic order
#   GET  /moto-ext/faults                 the faults armed and not yet taken by an operation
#   POST /moto-ext/faults                 {"faults": [{"logicalId", "action": "create"|"update"|"delete",
#                                          "stackName"?, "message"?}]}: armed for the next stack operation
#   DELETE /moto-ext/faults               disarm all
#   GET  /moto-ext/trail[?stackName=S]    {"snapshots": [...]}, oldest first
#   DELETE /moto-ext/trail                forget the trail
#
# The seed (also `MOTO_EXT_SEED` in the server's environment, the default for a run) seeds every later stack
# operation afresh: `random.Random(seed)` for each create, update and delete, so one seed and one change give one
# order. Faults are taken by the next create/update/delete of a stack (of `stackName`, when given): each fires once,
# when that operation first tries that action on that resource ("update" covers in-place updates, replacements and
# the reverting of a rollback), and fails it as the resource's handler would, before any call to EC2.

_CONTROL_LOCK = threading.RLock()
_OPERATION_LOCK = threading.RLock()


class _Control:
    def __init__(self) -> None:
        seed = os.environ.get("MOTO_EXT_SEED", "")
        self.seed: int | None = int(seed) if seed.strip() else None
        self.record_trail = False
        self.faults: list[dict[str, Any]] = []
        self.trail: list[dict[str, Any]] = []

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        with _CONTROL_LOCK:
            if path == "/moto-ext/config":
                if method == "POST":
                    if "seed" in body:
                        self.seed = None if body["seed"] is None else int(body["seed"])
                    if "recordTrail" in body:
                        self.record_trail = bool(body["recordTrail"])
                return 200, {"seed": self.seed, "recordTrail": self.record_trail}
            if path == "/moto-ext/faults":
                if method == "POST":
                    for f in body.get("faults", []):
                        if f.get("action") not in ("create", "update", "delete") or not f.get("logicalId"):
                            return 400, {"error": f"a fault needs a logicalId and an action create|update|delete: {f}"}
                        self.faults.append({k: f[k] for k in ("logicalId", "action", "stackName", "message") if k in f})
                elif method == "DELETE":
                    self.faults.clear()
                return 200, {"faults": self.faults}
            if path == "/moto-ext/trail":
                if method == "DELETE":
                    self.trail.clear()
                    return 200, {"snapshots": []}
                stack = (query.get("stackName") or [None])[0]
                return 200, {"snapshots": [s for s in self.trail if stack is None or s["stackName"] == stack]}
        return 404, {"error": f"no such control path: {method} {path}"}

    def take_faults(self, stack_name: str) -> list[dict[str, Any]]:
        with _CONTROL_LOCK:
            taken = [f for f in self.faults if f.get("stackName") in (None, stack_name)]
            self.faults = [f for f in self.faults if f not in taken]
            return taken


CONTROL = _Control()


def _control_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw) if raw else {}
        status, out = CONTROL.handle(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""),
                                     parse_qs(environ.get("QUERY_STRING", "")), body)
    except (ValueError, TypeError, AttributeError) as e:
        status, out = 400, {"error": str(e)}
    data = json.dumps(out).encode()
    start_response(f"{status} {'OK' if status == 200 else 'Error'}",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


class InjectedFault(Exception):
    """A failure a test asked for (POST /moto-ext/faults)."""

    code = "InjectedFault"


# ---------------------------------------------------------------------------------------------------------------------
# Snapshots: the EC2 state of the stack's VPCs after every state-changing EC2 call made for CloudFormation
# ---------------------------------------------------------------------------------------------------------------------
#
# Every call below, made while a stack operation runs (by a resource model, or by a custom resource's function calling
# back into this server), is followed by a snapshot: the touched VPCs are read again, the others shared with the
# previous snapshot. A call made inside another (moto's ReplaceNetworkAclEntry deletes and creates) is part of it.
# When the operation ends, its snapshots keep the VPCs the stack has touched in any operation, and the peering
# connections with a side among them.

_RECORDED_CALLS = {
    "create_network_acl": "CreateNetworkAcl",
    "delete_network_acl": "DeleteNetworkAcl",
    "create_network_acl_entry": "CreateNetworkAclEntry",
    "replace_network_acl_entry": "ReplaceNetworkAclEntry",
    "delete_network_acl_entry": "DeleteNetworkAclEntry",
    "replace_network_acl_association": "ReplaceNetworkAclAssociation",
    "associate_default_network_acl_with_subnet": "CreateSubnet",  # a new subnet lands on the default NACL
    "create_route": "CreateRoute",
    "replace_route": "ReplaceRoute",
    "delete_route": "DeleteRoute",
    "accept_vpc_peering_connection": "AcceptVpcPeeringConnection",
    "reject_vpc_peering_connection": "RejectVpcPeeringConnection",
    "modify_vpc_peering_connection_options": "ModifyVpcPeeringConnectionOptions",
    "delete_vpc_peering_connection": "DeleteVpcPeeringConnection",
}

_IN_RECORDED_CALL = threading.local()


def _acl_json(acl: Any) -> dict[str, Any]:
    """A NACL as DescribeNetworkAcls shows it."""
    entries = []
    for e in sorted(acl.network_acl_entries, key=lambda e: (bool(e.egress), int(e.rule_number))):
        out: dict[str, Any] = {"RuleNumber": int(e.rule_number), "Protocol": str(e.protocol),
                               "RuleAction": e.rule_action, "Egress": bool(e.egress)}
        if e.cidr_block:
            out["CidrBlock"] = e.cidr_block
        if e.ipv6_cidr_block:
            out["Ipv6CidrBlock"] = e.ipv6_cidr_block
        if e.port_range_from is not None:
            out["PortRange"] = {"From": int(e.port_range_from), "To": int(e.port_range_to)}
        if e.icmp_type is not None:
            out["IcmpTypeCode"] = {"Type": int(e.icmp_type), "Code": int(e.icmp_code)}
        entries.append(out)
    return {
        "NetworkAclId": acl.id, "VpcId": acl.vpc_id, "IsDefault": bool(acl.default), "Entries": entries,
        "Associations": [{"NetworkAclAssociationId": k, "NetworkAclId": acl.id, "SubnetId": a.subnet_id}
                         for k, a in sorted(acl._associations.items(), key=lambda kv: kv[1].subnet_id)],
    }


def _route_table_json(table: Any) -> dict[str, Any]:
    routes = []
    for r in table._routes.values():
        out: dict[str, Any] = {}
        for key, value in (("DestinationCidrBlock", r.destination_cidr_block),
                           ("DestinationIpv6CidrBlock", r.destination_ipv6_cidr_block),
                           ("DestinationPrefixListId", getattr(r.destination_prefix_list, "id", None))):
            if value:
                out[key] = value
        if r.vpc_pcx is not None:
            out["VpcPeeringConnectionId"] = r.vpc_pcx.id
            out["State"] = "active" if r.vpc_pcx._status.code == "active" else "blackhole"
        elif r.local:
            out["GatewayId"] = "local"
        elif r.gateway is not None:
            out["GatewayId"] = r.gateway.id
        routes.append(out)
    return {"RouteTableId": table.id, "VpcId": table.vpc_id, "Routes": routes}


def _freeze_vpcs(backend: Any, only: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """vpc id → its NACLs and route tables (every VPC of the backend, or `only` those)."""
    out: dict[str, dict[str, Any]] = {v: {"networkAcls": [], "routeTables": []}
                                      for v in (only if only is not None else backend.vpcs)}
    for acl in backend.network_acls.values():
        if acl.vpc_id in out:
            out[acl.vpc_id]["networkAcls"].append(_acl_json(acl))
    for table in backend.route_tables.values():
        if table.vpc_id in out:
            out[table.vpc_id]["routeTables"].append(_route_table_json(table))
    for state in out.values():
        state["networkAcls"].sort(key=lambda a: a["NetworkAclId"])
        state["routeTables"].sort(key=lambda t: t["RouteTableId"])
    return out


def _associated_blocks(vpc: Any, ipv6: bool) -> list[str]:
    """The blocks of a VPC that are associated now (moto keeps disassociated ones in the set until the next association)."""
    return [c["cidr_block"] for c in vpc.get_cidr_block_association_set(ipv6=ipv6)
            if c["cidr_block_state"]["state"] == "associated"]


def _vpc_info(vpc: Any, options: dict[str, Any]) -> dict[str, Any]:
    return {
        "OwnerId": vpc.owner_id, "VpcId": vpc.id, "Region": vpc.region, "CidrBlock": vpc.cidr_block,
        "CidrBlockSet": [{"CidrBlock": c} for c in _associated_blocks(vpc, ipv6=False)],
        "Ipv6CidrBlockSet": [{"Ipv6CidrBlock": c} for c in _associated_blocks(vpc, ipv6=True)],
        "PeeringOptions": dict(options),
    }


def _pcx_json(pcx: Any) -> dict[str, Any]:
    """A peering connection as DescribeVpcPeeringConnections shows it (with every block of both VPCs)."""
    return {
        "VpcPeeringConnectionId": pcx.id, "Status": dict(pcx.status),
        "RequesterVpcInfo": _vpc_info(pcx.vpc, pcx.requester_options),
        "AccepterVpcInfo": _vpc_info(pcx.peer_vpc, pcx.accepter_options),
    }


def _touched(backend: Any, args: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The VPCs and peering connections a recorded call changes, from its arguments (read before the call)."""
    vpcs: set[str] = set()
    pcxs: set[str] = set()
    if args.get("vpc_id"):
        vpcs.add(args["vpc_id"])
    acl = backend.network_acls.get(args.get("network_acl_id") or "")
    if acl is not None:
        vpcs.add(acl.vpc_id)
    for acl in backend.network_acls.values():
        if args.get("association_id") in acl._associations:
            vpcs.add(acl.vpc_id)
    table = backend.route_tables.get(args.get("route_table_id") or "")
    if table is not None:
        vpcs.add(table.vpc_id)
    pcx = backend.vpc_pcxs.get(args.get("vpc_pcx_id") or "")
    if pcx is not None:
        pcxs.add(pcx.id)
        vpcs |= {v.id for v in (pcx.vpc, pcx.peer_vpc) if v.id in backend.vpcs}
    return vpcs, pcxs


def _recorded(name: str, original: Any) -> Any:
    """`original` (a method of moto's EC2 backend), followed by a snapshot when a stack operation records a trail."""
    signature = inspect.signature(original)

    @functools.wraps(original)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        op = _OPERATION
        if op is None or not op.recording or op.backend is not self or getattr(_IN_RECORDED_CALL, "active", False):
            return original(self, *args, **kwargs)
        vpcs, pcxs = _touched(self, signature.bind(self, *args, **kwargs).arguments)
        _IN_RECORDED_CALL.active = True
        try:
            result = original(self, *args, **kwargs)
        finally:
            _IN_RECORDED_CALL.active = False
        op.snapshot(_RECORDED_CALLS[name], vpcs, pcxs)
        return result

    return call


# ---------------------------------------------------------------------------------------------------------------------
# One stack operation: its order (seed), its faults, its events and its snapshots
# ---------------------------------------------------------------------------------------------------------------------

_OPERATION: "Operation | None" = None


class Operation:
    """A create, update or delete of one stack, from the first resource action to the last."""

    def __init__(self, kind: str, account_id: str, region_name: str, stack: Any = None):
        self.kind, self.stack = kind, stack
        self.stack_name = stack.name if stack is not None else "?"
        self.backend = _backend(account_id, region_name)
        with _CONTROL_LOCK:
            self.seed = CONTROL.seed
            self.recording = CONTROL.record_trail and stack is not None  # a change set's run records nothing
        self.faults = CONTROL.take_faults(self.stack_name)
        self.rng = random.Random(self.seed) if self.seed is not None else None
        self.phase, self.logical_id, self.action = "begin", None, None
        self.snapshots: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []
        self.touched: set[str] = set()
        if self.recording:
            self.vpcs = _freeze_vpcs(self.backend)
            self.pcxs = {p.id: _pcx_json(p) for p in self.backend.vpc_pcxs.values()}
            self._append("begin")

    def __enter__(self) -> "Operation":
        global _OPERATION
        _OPERATION_LOCK.acquire()
        self._outer = _OPERATION
        _OPERATION = self
        return self

    def __exit__(self, *exc: Any) -> None:
        global _OPERATION
        try:
            self._finish()
        finally:
            _OPERATION = self._outer
            _OPERATION_LOCK.release()

    def order(self, nodes: Any, resources: dict[str, Any], reverse: bool = False) -> list[str]:
        return schedule(nodes, resources, self.rng, reverse)

    # --- steps -------------------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def acting(self, phase: str, logical_id: str, action: str) -> Iterator[None]:
        """The resource action every EC2 call in the block is made for; an armed fault for it fails it first."""
        for f in self.faults:
            if f["logicalId"] == logical_id and f["action"] == action:
                self.faults.remove(f)
                raise InjectedFault(f.get("message") or f"Injected fault (moto_ext): the {action} of {logical_id} fails")
        self.phase, self.logical_id, self.action = phase, logical_id, action
        try:
            yield
        finally:
            self.logical_id = self.action = None

    def enter_phase(self, phase: str) -> None:
        self.phase, self.logical_id, self.action = phase, None, None

    def event(self, logical_id: str, resource_type: str, status: str, reason: str | None = None,
              physical_id: str = "") -> None:
        if self.stack is not None:
            _resource_event(self.stack, logical_id, resource_type, status, reason, physical_id)

    def stack_event(self, status: str, reason: str | None = None) -> None:
        if self.stack is not None:
            self.stack._add_stack_event(status, resource_status_reason=reason)
            # DescribeStacks shows it while the operation goes on, as on AWS (a custom resource's function reads it to
            # tell a rollback from a removal)
            self.stack.status = status

    # --- snapshots ---------------------------------------------------------------------------------------------------
    def snapshot(self, call: str, vpcs: set[str], pcxs: set[str]) -> None:
        with _CONTROL_LOCK:
            self.touched |= vpcs
            self.vpcs.update(_freeze_vpcs(self.backend, vpcs))
            for p in pcxs:
                self.pcxs[p] = _pcx_json(self.backend.vpc_pcxs[p])
            self._append(call)

    def _append(self, call: str) -> None:
        meta = {"phase": self.phase, "logicalId": self.logical_id, "action": self.action, "call": call}
        self.snapshots.append((meta, dict(self.vpcs), dict(self.pcxs)))

    def _finish(self) -> None:
        if not self.recording:
            return
        self.enter_phase("end")
        self._append("end")
        known = self.stack.__dict__.setdefault("_ext_vpcs", set()) if self.stack is not None else set()
        known |= self.touched
        involved = sorted(known)
        trail = []
        for meta, vpcs, pcxs in self.snapshots:
            text = f"{self.stack_name} {self.kind} {meta['phase']}"
            if meta["logicalId"]:
                text += f": {meta['action']} {meta['logicalId']}"
            if meta["call"] not in ("begin", "end"):
                text += f" ({meta['call']})"
            trail.append({
                "stackName": self.stack_name, "operation": self.kind, "seed": self.seed, **meta, "step": text,
                "networkAcls": [a for v in involved for a in vpcs.get(v, {}).get("networkAcls", [])],
                "routeTables": [t for v in involved for t in vpcs.get(v, {}).get("routeTables", [])],
                "vpcPeeringConnections": [p for p in pcxs.values() if p["RequesterVpcInfo"]["VpcId"] in known
                                          or p["AccepterVpcInfo"]["VpcId"] in known],
            })
        with _CONTROL_LOCK:
            CONTROL.trail.extend(trail)


def _current_operation(rmap: Any, kind: str) -> Operation:
    """The operation a Stack method started, or one of its own (a change set runs the resource map directly)."""
    return _OPERATION if _OPERATION is not None else Operation(kind, rmap._account_id, rmap._region_name)


# ---------------------------------------------------------------------------------------------------------------------
# ResourceMap / Stack: AWS's update order, rollback, delete order
# ---------------------------------------------------------------------------------------------------------------------


class StackOperationFailed(Exception):
    """A resource failed and the operation rolled back; `rollback_failed`: some of it could not be."""

    def __init__(self, logical_id: str, resource_type: str, cause: BaseException):
        super().__init__(f"{logical_id} ({resource_type}): {_error_text(cause)}")
        self.logical_id = logical_id
        self.rollback_failed = False


def _type_of(resource_json: dict[str, Any]) -> str:
    return resource_json.get("Type", "")


def _physical_id(resource: Any) -> str:
    return str(getattr(resource, "physical_resource_id", "") or "")


def _counts(resource: Any, error: BaseException) -> bool:
    """Whether a failed delete is a failure of the operation: for our models and injected faults. moto's own models
    fail where AWS would not (a VPC whose route tables moto cannot delete): logged only, as before."""
    return getattr(resource, "ext_model", False) or isinstance(error, InjectedFault)


def _delete_step(op: Operation, rmap: Any, phase: str, lid: str, resource: Any, resource_json: dict[str, Any]) -> bool:
    """Deletes one resource as a step of `phase`, with its events; a failure is an event, not an exception (cleanup
    and rollback carry on, as CloudFormation does). Returns whether it went."""
    try:
        with op.acting(phase, lid, "delete"):
            rmap._delete_resource(resource, resource_json)
    except Exception as e:  # noqa: BLE001
        log.warning("moto_ext: %s: delete of %s failed: %s", phase, lid, e)
        if not _counts(resource, e):
            return True
        op.event(lid, _type_of(resource_json), "DELETE_FAILED", _error_text(e), _physical_id(resource))
        return False
    op.event(lid, _type_of(resource_json), "DELETE_COMPLETE", None, _physical_id(resource))
    return True


def _resource_map_create(self: Any, template: dict[str, Any]) -> bool:
    """moto's create, in an order the dependencies allow; a failure deletes what was created (dependents first) and
    raises StackOperationFailed."""
    op = _current_operation(self, "create")
    self._template = template
    self._resource_json_map = template["Resources"]
    self.tags.update({
        "aws:cloudformation:stack-name": self["AWS::StackName"],
        "aws:cloudformation:stack-id": self["AWS::StackId"],
    })
    before = len(self._ext_creation_order)
    for lid in op.order(self._resource_json_map, self._resource_json_map):
        try:
            with op.acting("create", lid, "create"):
                instance = self[lid]
                if isinstance(instance, parsing.TaggedEC2Resource):
                    self.tags["aws:cloudformation:logical-id"] = lid
                    _backend(self._account_id, self._region_name).create_tags([instance.physical_resource_id],
                                                                             self.tags)
        except Exception as e:
            op.event(lid, _type_of(self._resource_json_map[lid]), "CREATE_FAILED", _error_text(e))
            op.stack_event("ROLLBACK_IN_PROGRESS", f"The following resource(s) failed to create: [{lid}]. "
                                                   "Rollback requested by user.")
            op.enter_phase("rollback")
            failed = StackOperationFailed(lid, _type_of(self._resource_json_map[lid]), e)
            created = [k for k in self._ext_creation_order[before:] if k in self._parsed_resources]
            for done in op.order(created, self._resource_json_map, reverse=True):
                if _delete_step(op, self, "rollback", done, self._parsed_resources[done], self._resource_json_map[done]):
                    self._parsed_resources.pop(done)
                else:
                    failed.rollback_failed = True
            raise failed from e
        op.event(lid, _type_of(self._resource_json_map[lid]), "CREATE_COMPLETE", None,
                 _physical_id(self._parsed_resources.get(lid)))
    return True


def _changed_closure(old_json: dict[str, Any], new_json: dict[str, Any], modified: set[str]) -> set[str]:
    """Unchanged resources that reference a modified one (or one of these): a replacement gives them new property
    values, so CloudFormation updates them; whether it does is decided when their turn comes."""
    names = set(new_json)
    refs = {lid: _references(body.get("Properties", {}), names) for lid, body in new_json.items()}
    maybe: set[str] = set()
    grew = True
    while grew:
        grew = False
        for lid in new_json:
            if lid in old_json and lid not in modified and lid not in maybe and refs[lid] & (modified | maybe):
                maybe.add(lid)
                grew = True
    return maybe


def _resolved_props(rmap: Any, lid: str) -> Any:
    parsed = parsing.parse_resource_and_generate_name(lid, copy.deepcopy(rmap._resource_json_map[lid]), rmap)
    return (parsed[1].get("Properties") or {}) if parsed else None


def _resource_map_update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
    """AWS's order: creates, replacements (new halves) and in-place updates first, each once what it depends on among
    them is done; then the cleanup deletes removed resources and old halves, dependents first. A failure rolls back:
    in-place changes are reverted (dependents first), then what the update created is deleted (dependents first)."""
    op = _current_operation(self, "update")
    diff = self.build_resource_diff(template, parameters)
    old = dict(
        template=self._template, json=self._resource_json_map, params=self.input_parameters,
        parsed=dict(self._parsed_resources),
    )

    self._template = template
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    self._resource_json_map = template["Resources"]
    new_json = self._resource_json_map

    added, modified = set(diff["Add"]), set(diff["Modify"])
    maybe = _changed_closure(old["json"], new_json, modified)
    created_before = len(self._ext_creation_order)
    replaced: dict[str, tuple[Any, Any]] = {}  # logical id -> (old resource, new resource): old deleted at cleanup
    in_place: dict[str, tuple[Any, Any]] = {}  # logical id -> (resource, old props): reverted on rollback
    failed: StackOperationFailed | None = None
    for lid in op.order(added | modified | maybe, new_json):
        rtype = _type_of(new_json[lid])
        try:
            if lid in added:
                with op.acting("update", lid, "create"):
                    _ = self[lid]
                op.event(lid, rtype, "CREATE_COMPLETE", None, _physical_id(self._parsed_resources.get(lid)))
                continue
            original = self._parsed_resources.get(lid)
            if original is None or isinstance(original, str):
                with op.acting("update", lid, "create"):
                    _ = self[lid]  # never created (condition, unsupported type): create it now
                continue
            ext = getattr(original, "ext_model", False)
            if ext and _resolved_props(self, lid) == original.props:
                if lid in modified:  # Metadata, DependsOn, …: nothing to call
                    op.event(lid, rtype, "UPDATE_COMPLETE", None, _physical_id(original))
                continue
            if not ext and lid not in modified:
                continue  # moto's own models keep no properties to compare: as before, unchanged
            old_props = copy.deepcopy(getattr(original, "props", None))
            with op.acting("update", lid, "update"):
                changed = parsing.parse_and_update_resource(lid, new_json[lid], self, self._account_id,
                                                            self._region_name)
            if changed is None:
                log.warning("moto_ext: moto cannot update %s (%s): kept as is", lid, rtype)
                continue
            self._parsed_resources[lid] = changed
            if getattr(changed, "ext_replaces", None) is original:
                replaced[lid] = (original, changed)
            elif getattr(changed, "ext_model", False):
                in_place[lid] = (changed, old_props)
            op.event(lid, rtype, "UPDATE_COMPLETE", None, _physical_id(changed))
        except Exception as e:
            failed = StackOperationFailed(lid, rtype, e)
            failed.__cause__ = e
            op.event(lid, rtype, "UPDATE_FAILED", _error_text(e))
            break

    if failed is not None:
        op.stack_event("UPDATE_ROLLBACK_IN_PROGRESS",
                       f"The following resource(s) failed to update: [{failed.logical_id}]. {failed}")
        rollback_failed = False
        # 1. in-place changes back to their previous properties, dependents first
        op.enter_phase("rollback")
        for lid in op.order(in_place, new_json, reverse=True):
            resource, old_props = in_place[lid]
            try:
                with op.acting("rollback", lid, "update"):
                    resource._update_in_place(old_props)
                resource.props = old_props
                op.event(lid, _type_of(old["json"][lid]), "UPDATE_COMPLETE", None, _physical_id(resource))
            except Exception as e:  # noqa: BLE001
                rollback_failed = True
                log.warning("moto_ext: rollback of %s failed: %s", lid, e)
                op.event(lid, _type_of(old["json"][lid]), "UPDATE_FAILED", _error_text(e), _physical_id(resource))
        # 2. what the update created (new resources, new halves of replacements), dependents first
        op.stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        op.enter_phase("rollback-cleanup")
        created = {k for k in self._ext_creation_order[created_before:]
                   if k in self._parsed_resources and k not in old["parsed"]}
        for lid in op.order(created | set(replaced), new_json, reverse=True):
            resource = replaced[lid][1] if lid in replaced else self._parsed_resources[lid]
            rollback_failed |= not _delete_step(op, self, "rollback-cleanup", lid, resource, new_json[lid])
        self._parsed_resources.clear()
        self._parsed_resources.update(old["parsed"])
        self._template, self._resource_json_map, self.input_parameters = old["template"], old["json"], old["params"]
        self.load_mapping()
        self.load_parameters()
        self.load_conditions()
        failed.rollback_failed = rollback_failed
        raise failed

    # cleanup: removed resources and old halves of replacements, dependents (in the old template) first
    op.stack_event("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    op.enter_phase("cleanup")
    removed = [lid for lid in diff["Remove"] if lid in self._parsed_resources]
    for lid in op.order(removed + list(replaced), old["json"], reverse=True):
        resource = replaced[lid][0] if lid in replaced else self._parsed_resources.pop(lid)
        if resource is not None and not isinstance(resource, str):
            _delete_step(op, self, "cleanup", lid, resource, old["json"][lid])


def _resource_map_delete(self: Any) -> None:
    """Delete in an order the dependencies allow (dependents first); moto's own types may fail (logged, as before),
    ours must go: a failure leaves them in the stack and raises."""
    op = _current_operation(self, "delete")
    failures = []
    present = [lid for lid, body in self._resource_json_map.items()
               if body.get("DeletionPolicy") != "Retain"
               and self._parsed_resources.get(lid) is not None and not isinstance(self._parsed_resources[lid], str)]
    deps = dependencies(self._resource_json_map)
    kept: set[str] = set()  # failed, or still needed by something that failed: they stay in the stack
    for lid in op.order(present, self._resource_json_map, reverse=True):
        body = self._resource_json_map[lid]
        resource = self._parsed_resources[lid]
        if any(lid in deps[k] for k in kept):
            kept.add(lid)
            continue
        try:
            with op.acting("delete", lid, "delete"):
                self._delete_resource(resource, body)
            self._parsed_resources.pop(lid)
            op.event(lid, _type_of(body), "DELETE_COMPLETE", None, _physical_id(resource))
        except Exception as e:  # noqa: BLE001
            if _counts(resource, e):
                kept.add(lid)
                failures.append(f"{lid}: {_error_text(e)}")
                op.event(lid, _type_of(body), "DELETE_FAILED", _error_text(e), _physical_id(resource))
            else:
                log.warning("moto_ext: moto could not delete %s (%s): %s", lid, body["Type"], e)
                self._parsed_resources.pop(lid)
    if failures:
        raise parsing.ValidationError(message="; ".join(failures))


def _resource_event(stack: Any, logical_id: str, resource_type: str, status: str, reason: str | None,
                    physical_id: str = "") -> None:
    stack.events.append(cfn_models.Event(
        stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
        physical_resource_id=physical_id, resource_type=resource_type, resource_status=status,
        resource_status_reason=reason, resource_properties=None,
    ))


def _resource_map_getitem(self: Any, key: str) -> Any:
    # moto's map is lazy: reading an Output of a rolled-back stack would create its resources again
    if self.__dict__.get("_ext_frozen") and key not in self._parsed_resources:
        raise KeyError(key)
    return _stock_getitem(self, key)


_stock_getitem = parsing.ResourceMap.__getitem__


def _stack_create_resources(self: Any) -> None:
    self.status = "CREATE_IN_PROGRESS"
    self.description = self.template_dict.get("Description")
    with Operation("create", self.account_id, self.region_name, self):
        try:
            self.resource_map.create(self.template_dict)
        except StackOperationFailed as e:
            self.resource_map._ext_frozen = True
            self.output_map = parsing.OutputMap(self.resource_map, {"Resources": {}}, self.stack_id)  # no outputs
            self.status = "ROLLBACK_FAILED" if e.rollback_failed else "ROLLBACK_COMPLETE"
            self._add_stack_event(self.status)
            return
    self.mark_creation_complete()


def _stack_update(self: Any, template: str, role_arn: str | None = None, parameters: dict[str, Any] | None = None,
                  tags: dict[str, str] | None = None) -> None:
    self._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")
    old_template, old_dict = self.template, self.template_dict
    self.template = template
    self._parse_template()
    with Operation("update", self.account_id, self.region_name, self):
        try:
            self.resource_map.update(self.template_dict, parameters)
        except StackOperationFailed as e:
            self.template, self.template_dict = old_template, old_dict
            self.status = "UPDATE_ROLLBACK_FAILED" if e.rollback_failed else "UPDATE_ROLLBACK_COMPLETE"
            self._add_stack_event(self.status)
            return
    self.output_map = self._create_output_map()
    self._add_stack_event("UPDATE_COMPLETE")
    self.status = "UPDATE_COMPLETE"
    self.role_arn = role_arn
    if parameters:
        self.parameters = parameters
    if tags is not None:
        self.tags = tags


def _stack_delete(self: Any) -> None:
    self._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
    with Operation("delete", self.account_id, self.region_name, self):
        try:
            self.resource_map.delete()
        except parsing.ValidationError as e:
            self.status = "DELETE_FAILED"
            self._add_stack_event("DELETE_FAILED", resource_status_reason=f"The following resource(s) failed to "
                                                                          f"delete: {e.message}")
            return
    self._add_stack_event("DELETE_COMPLETE")
    self.status = "DELETE_COMPLETE"


def _backend_delete_stack(self: Any, name_or_stack_id: str) -> None:
    """moto's DeleteStack, but a stack whose delete failed stays (DELETE_FAILED), to be deleted again."""
    stack = self.stacks.get(name_or_stack_id) or next(
        (s for s in self.stacks.values() if s.name == name_or_stack_id), None)
    if stack is None:
        return  # as on AWS: deleting a stack that does not exist succeeds
    export_names = [export.name for export in stack.exports]
    stack.delete()
    if stack.status == "DELETE_FAILED":
        return
    self.stacks.pop(stack.stack_id, None)
    self.deleted_stacks[stack.stack_id] = stack
    for export_name in export_names:
        self.exports.pop(export_name, None)


def _previous_defaults(instance: Any, incoming_params: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """UpdateStack with ``UsePreviousValue`` for a parameter the stack took from its Default (the CDK CLI sends that
    for ``BootstrapVersion``): stock moto looks the key up among the values passed explicitly before and raises a
    KeyError (HTTP 500). AWS uses the previous value, i.e. the previous template's Default (for an SSM-typed
    parameter the parameter *name*, resolved again)."""
    template = getattr(instance, "template_dict", None)
    if not isinstance(template, dict):
        return incoming_params
    out = []
    for p in incoming_params:
        key = p["ParameterKey"]
        if p.get("UsePreviousValue") and key not in instance.parameters:
            default = template.get("Parameters", {}).get(key, {}).get("Default")
            if default is None:
                raise cfn_models.ValidationError(
                    message=f"Invalid input for parameter key {key}. Cannot specify usePreviousValue as true "
                            "for a parameter key not in the previous template")
            p = {"ParameterKey": key, "ParameterValue": default}
        out.append(p)
    return out


def apply() -> None:
    """Install the extension into this process's moto. Idempotent."""
    global _APPLIED
    if _APPLIED:
        return

    # the resource models: get_model_map() is an lru_cache over CloudFormationModel.__subclasses__()
    for cache in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cache.cache_clear()
    stock_map = parsing.get_model_map

    def get_model_map() -> dict[str, type[CloudFormationModel]]:
        model_map = dict(stock_map())
        model_map.update({m.cloudformation_type(): m for m in EXT_MODELS})
        return model_map

    parsing.get_model_map = get_model_map  # type: ignore[assignment]
    stock_class_from_type = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> Any:
        if _is_custom_resource_type(resource_type):
            return CfnNodeCustomResource
        return stock_class_from_type(resource_type)

    parsing.resource_class_from_type = resource_class_from_type  # type: ignore[assignment]
    for model in EXT_MODELS:
        assert parsing.resource_class_from_type(model.cloudformation_type()) is model, model

    # record the creation order of every resource map (for rollback)
    stock_create = parsing.parse_and_create_resource

    def parse_and_create_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any,
                                  account_id: str, region_name: str) -> Any:
        resource = stock_create(logical_id, resource_json, resources_map, account_id, region_name)
        if resource is not None:
            resources_map._ext_creation_order.append(logical_id)
        return resource

    parsing.parse_and_create_resource = parse_and_create_resource  # type: ignore[assignment]
    parsing.ResourceMap._ext_creation_order = property(  # type: ignore[attr-defined]
        lambda self: self.__dict__.setdefault("_ext_order", [])
    )
    parsing.ResourceMap.__getitem__ = _resource_map_getitem  # type: ignore[method-assign]
    parsing.ResourceMap.create = _resource_map_create  # type: ignore[method-assign]
    parsing.ResourceMap.update = _resource_map_update  # type: ignore[method-assign]
    parsing.ResourceMap.delete = _resource_map_delete  # type: ignore[method-assign]
    cfn_models.Stack.create_resources = _stack_create_resources  # type: ignore[method-assign]
    cfn_models.Stack.update = _stack_update  # type: ignore[method-assign]
    cfn_models.Stack.delete = _stack_delete  # type: ignore[method-assign]
    cfn_models.CloudFormationBackend.delete_stack = _backend_delete_stack  # type: ignore[method-assign]

    # snapshots after the EC2 calls that change what traffic passes
    from moto.ec2.models import EC2Backend

    for name in _RECORDED_CALLS:
        setattr(EC2Backend, name, _recorded(name, getattr(EC2Backend, name)))

    # the test-only control endpoint
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    stock_call = DomainDispatcherApplication.__call__

    def dispatch(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO", "").startswith("/moto-ext/"):
            return _control_app(environ, start_response)
        return stock_call(self, environ, start_response)

    DomainDispatcherApplication.__call__ = dispatch  # type: ignore[method-assign]
    stock_resolve = cfn_models.CloudFormationBackend._resolve_update_parameters

    def _resolve_update_parameters(self: Any, instance: Any, incoming_params: list[dict[str, Any]]) -> dict[str, Any]:
        return stock_resolve(self, instance, _previous_defaults(instance, incoming_params))

    cfn_models.CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters  # type: ignore
    _patch_attributes()
    _APPLIED = True


def describe() -> str:
    return json.dumps({"moto": moto.__version__, "models": [m.cloudformation_type() for m in EXT_MODELS]})
