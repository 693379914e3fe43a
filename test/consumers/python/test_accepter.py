"""Consumer test: PeeringConnectionAccepter, ExpectedRequester and SaasPeeringPreset from the built wheel.

The accepter's custom resource and its least-privilege statement synthesize from Python (the handler's code ships in
the package: the CDK stages it as the function's asset), and a preset's traffic feeds ``allow_outbound``.
"""
from aws_cdk import App, Stack, assertions
from aws_cdk import aws_ec2 as ec2

from cdk_vpc_peering_external import (
    ConfluentCloudPresetOptions, ExpectedRequester, PeeringConnectionAccepter, SaasPeeringPreset, VpcPeeringExternal,
)

PCX = "pcx-0123456789abcdef0"


def statements(template: dict) -> list:
    return [s for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"
            for p in r["Properties"].get("Policies", []) for s in p["PolicyDocument"]["Statement"]]


def test_accepter_with_expected_requester_and_dns(tmp_path):
    app = App(outdir=str(tmp_path / "cdk.out"))
    stack = Stack(app, "AccepterStack")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    accepter = PeeringConnectionAccepter(stack, "Accepter",
        vpc=vpc,
        vpc_peering_connection_id=PCX,
        expected_requester=ExpectedRequester(account_id="111122223333", vpc_id="vpc-0fedcba9876543210"),
        allow_dns_resolution_from_remote_vpc=True,
    )
    template = assertions.Template.from_stack(stack)
    template.has_resource_properties("Custom::VpcPeeringAcceptance", {
        "VpcPeeringConnectionId": PCX, "Accept": "true", "ExpectedRequesterAccountId": "111122223333",
    })
    template.resource_count_is("Custom::VpcPeeringDnsResolution", 1)
    assert accepter.dns_resolution is not None
    assert accepter.vpc_peering_connection_id == PCX
    accept = [s for s in statements(template.to_json()) if s["Action"] == "ec2:AcceptVpcPeeringConnection"]
    assert len(accept) == 1 and accept[0]["Resource"] != "*"
    assert set(accept[0]["Condition"]) == {"ArnEquals", "ArnLike"}


def test_presets_feed_allow_outbound(tmp_path):
    app = App(outdir=str(tmp_path / "cdk.out"))
    stack = Stack(app, "PresetStack")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    confluent = SaasPeeringPreset.confluent_cloud(
        allow_managed_connectors_inbound=[ec2.AclTraffic.tcp_port(5432)])
    assert confluent.vendor == "Confluent Cloud"
    assert [t.to_traffic_config().port_range.from_ for t in confluent.allow_outbound] == [9092, 443]
    assert [t.to_traffic_config().port_range.from_ for t in confluent.allow_inbound] == [5432]
    atlas = SaasPeeringPreset.mongo_db_atlas()
    VpcPeeringExternal(stack, "Atlas",
        vpc=vpc,
        vpc_peering_connection_id=PCX,
        external_cidr_blocks=["192.168.248.0/21"],
        allow_outbound=atlas.allow_outbound,
    )
    assertions.Template.from_stack(stack).has_resource_properties("AWS::EC2::NetworkAclEntry", {
        "Egress": True, "RuleAction": "allow", "Protocol": 6, "PortRange": {"From": 27015, "To": 27017},
    })
    assert isinstance(ConfluentCloudPresetOptions(), ConfluentCloudPresetOptions)
    assert SaasPeeringPreset.redis_cloud().allow_outbound[0].to_traffic_config().port_range.to == 19999
