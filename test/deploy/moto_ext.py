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

* creates and updates run in dependency order; a change of a create-only property replaces the resource
  (new one first, the old one is deleted in the cleanup phase, after everything else succeeded);
* removed resources are deleted last, in reverse dependency order;
* a failure during an update rolls back (created resources deleted, in-place changes reverted, the previous
  template kept) and leaves the stack in ``UPDATE_ROLLBACK_COMPLETE`` with the error as the resource's
  ``UPDATE_FAILED`` reason; a failed create leaves ``ROLLBACK_COMPLETE`` — as AWS does, the API call itself succeeds.

Call ``apply()`` once, in the process that runs moto (``server.py`` does). It refuses any moto but the pinned one.
"""
from __future__ import annotations

import copy
import json
import logging
import os
import re
from typing import Any

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
# AWS::EC2::Subnet docs), Subnet.SubnetId, VPC.Ipv6CidrBlocks
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
# Dependency order
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


def dependency_order(resources: dict[str, Any]) -> list[str]:
    """Logical ids, every resource after everything it references (Ref, GetAtt, Sub, DependsOn); stable."""
    names = set(resources)
    deps: dict[str, set[str]] = {}
    for lid, body in resources.items():
        d = _references(body.get("Properties", {}), names)
        depends_on = body.get("DependsOn", [])
        d |= {x for x in ([depends_on] if isinstance(depends_on, str) else depends_on) if x in names}
        d |= _references(body.get("Condition", {}), names)
        deps[lid] = d - {lid}
    order: list[str] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(lid: str) -> None:
        if lid in done:
            return
        if lid in visiting:
            raise parsing.ValidationError(message=f"Circular dependency between resources: {lid}")
        visiting.add(lid)
        for dep in sorted(deps[lid], key=list(resources).index):
            visit(dep)
        visiting.discard(lid)
        done.add(lid)
        order.append(lid)

    for lid in resources:
        visit(lid)
    return order


# ---------------------------------------------------------------------------------------------------------------------
# ResourceMap / Stack: AWS's update order, rollback, delete order
# ---------------------------------------------------------------------------------------------------------------------


class StackOperationFailed(Exception):
    def __init__(self, logical_id: str, resource_type: str, cause: BaseException):
        super().__init__(f"{logical_id} ({resource_type}): {_error_text(cause)}")
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.cause = cause


def _delete_quietly(rmap: Any, resource: Any, resource_json: dict[str, Any], what: str) -> None:
    try:
        rmap._delete_resource(resource, resource_json)
    except Exception as e:  # noqa: BLE001 - rollback/cleanup keeps going, as CloudFormation does
        log.warning("moto_ext: %s of %s failed: %s", what, getattr(resource, "logical_resource_id", "?"), e)


def _resource_map_create(self: Any, template: dict[str, Any]) -> bool:
    """moto's create, in dependency order; a failure deletes what was created and raises StackOperationFailed."""
    self._template = template
    self._resource_json_map = template["Resources"]
    self.tags.update({
        "aws:cloudformation:stack-name": self["AWS::StackName"],
        "aws:cloudformation:stack-id": self["AWS::StackId"],
    })
    before = set(self._parsed_resources)
    for lid in dependency_order(self._resource_json_map):
        try:
            instance = self[lid]
            if isinstance(instance, parsing.TaggedEC2Resource):
                self.tags["aws:cloudformation:logical-id"] = lid
                _backend(self._account_id, self._region_name).create_tags([instance.physical_resource_id], self.tags)
        except Exception as e:
            created = [k for k in self._ext_creation_order if k not in before and k in self._parsed_resources]
            for done in reversed(created):
                _delete_quietly(self, self._parsed_resources.pop(done), self._resource_json_map[done], "rollback")
            raise StackOperationFailed(lid, self._resource_json_map[lid]["Type"], e) from e
    return True


def _resource_map_update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
    """AWS's order: creates and updates (replacements created new) first, in dependency order; deletions last."""
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

    created_before = len(self._ext_creation_order)
    replaced: list[tuple[str, Any, dict[str, Any]]] = []  # (logical id, old resource, old json) for cleanup
    in_place: list[tuple[str, Any, dict[str, Any]]] = []  # (logical id, resource, old props) for rollback
    try:
        for lid in dependency_order(self._resource_json_map):
            try:
                if lid in diff["Add"]:
                    _ = self[lid]
                elif lid in diff["Modify"]:
                    original = self._parsed_resources.get(lid)
                    if original is None or isinstance(original, str):
                        _ = self[lid]  # never created (condition, unsupported type): create it now
                        continue
                    old_props = copy.deepcopy(getattr(original, "props", None))
                    changed = parsing.parse_and_update_resource(
                        lid, self._resource_json_map[lid], self, self._account_id, self._region_name
                    )
                    if changed is None:
                        log.warning("moto_ext: moto cannot update %s (%s): kept as is", lid,
                                    self._resource_json_map[lid]["Type"])
                        continue
                    self._parsed_resources[lid] = changed
                    if getattr(changed, "ext_replaces", None) is original:
                        replaced.append((lid, original, old["json"][lid]))
                    elif getattr(changed, "ext_model", False):
                        in_place.append((lid, changed, old_props))
            except Exception as e:
                raise StackOperationFailed(lid, self._resource_json_map[lid]["Type"], e) from e
    except StackOperationFailed:
        # roll back: new resources and replacements go, in-place changes are reverted, the old template stays
        for lid in reversed(self._ext_creation_order[created_before:]):
            res = self._parsed_resources.get(lid)
            if res is not None and lid not in old["parsed"]:
                _delete_quietly(self, res, self._resource_json_map[lid], "rollback")
        for lid, original, old_json in reversed(replaced):
            _delete_quietly(self, self._parsed_resources[lid], self._resource_json_map[lid], "rollback")
        for lid, resource, old_props in reversed(in_place):
            try:
                resource._update_in_place(old_props)
                resource.props = old_props
            except Exception as e:  # noqa: BLE001
                log.warning("moto_ext: rollback of %s failed: %s", lid, e)
        self._parsed_resources.clear()
        self._parsed_resources.update(old["parsed"])
        self._template, self._resource_json_map, self.input_parameters = old["template"], old["json"], old["params"]
        self.load_mapping()
        self.load_parameters()
        self.load_conditions()
        raise

    # cleanup: replaced resources, then removed ones, dependents before what they depend on
    for lid, original, old_json in reversed(replaced):
        _delete_quietly(self, original, old_json, "cleanup")
    for lid in reversed(dependency_order(old["json"])):
        if lid in diff["Remove"] and lid in self._parsed_resources:
            resource = self._parsed_resources.pop(lid)
            if resource is not None and not isinstance(resource, str):
                _delete_quietly(self, resource, old["json"][lid], "cleanup")


def _resource_map_delete(self: Any) -> None:
    """Delete in reverse dependency order; our resource types must go, moto's own may fail (logged)."""
    failures = []
    for lid in reversed(dependency_order(self._resource_json_map)):
        body = self._resource_json_map[lid]
        if body.get("DeletionPolicy") == "Retain":
            continue
        resource = self._parsed_resources.get(lid)
        if resource is None or isinstance(resource, str):
            continue
        try:
            self._delete_resource(resource, body)
            self._parsed_resources.pop(lid)
        except Exception as e:  # noqa: BLE001
            if getattr(resource, "ext_model", False):
                failures.append(f"{lid}: {_error_text(e)}")
            else:
                log.warning("moto_ext: moto could not delete %s (%s): %s", lid, body["Type"], e)
    if failures:
        raise parsing.ValidationError(message="DELETE_FAILED: " + "; ".join(failures))


def _resource_event(stack: Any, logical_id: str, resource_type: str, status: str, reason: str | None) -> None:
    stack.events.append(cfn_models.Event(
        stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
        physical_resource_id="", resource_type=resource_type, resource_status=status,
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
    try:
        self.resource_map.create(self.template_dict)
    except StackOperationFailed as e:
        self.resource_map._ext_frozen = True
        self.output_map = parsing.OutputMap(self.resource_map, {"Resources": {}}, self.stack_id)  # no outputs
        _resource_event(self, e.logical_id, e.resource_type, "CREATE_FAILED", _error_text(e.cause))
        self._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=f"The following resource(s) failed to "
                                                                           f"create: [{e.logical_id}]. {e}")
        self.status = "ROLLBACK_COMPLETE"
        self._add_stack_event("ROLLBACK_COMPLETE")
        return
    self.mark_creation_complete()


def _stack_update(self: Any, template: str, role_arn: str | None = None, parameters: dict[str, Any] | None = None,
                  tags: dict[str, str] | None = None) -> None:
    self._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")
    old_template, old_dict = self.template, self.template_dict
    self.template = template
    self._parse_template()
    try:
        self.resource_map.update(self.template_dict, parameters)
    except StackOperationFailed as e:
        self.template, self.template_dict = old_template, old_dict
        _resource_event(self, e.logical_id, e.resource_type, "UPDATE_FAILED", _error_text(e.cause))
        self._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS",
                              resource_status_reason=f"The following resource(s) failed to update: [{e.logical_id}]. {e}")
        self.status = "UPDATE_ROLLBACK_COMPLETE"
        self._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
        return
    self.output_map = self._create_output_map()
    self._add_stack_event("UPDATE_COMPLETE")
    self.status = "UPDATE_COMPLETE"
    self.role_arn = role_arn
    if parameters:
        self.parameters = parameters
    if tags is not None:
        self.tags = tags


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
    stock_resolve = cfn_models.CloudFormationBackend._resolve_update_parameters

    def _resolve_update_parameters(self: Any, instance: Any, incoming_params: list[dict[str, Any]]) -> dict[str, Any]:
        return stock_resolve(self, instance, _previous_defaults(instance, incoming_params))

    cfn_models.CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters  # type: ignore
    _patch_attributes()
    _APPLIED = True


def describe() -> str:
    return json.dumps({"moto": moto.__version__, "models": [m.cloudformation_type() for m in EXT_MODELS]})
