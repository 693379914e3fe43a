"""The bench's Python app (test/bench/polyglot.ts runs it): the example stack (example/stacks.ts, NewVpcExampleStack,
as test/consumers/python/test_example.py writes it) synthesized with the built wheel. Prints FIRST after the first synth,
writes that template to argv[1], then synthesizes argv[2] more times and prints their durations in ms as
{"warm": [...]}. The stack is written out here rather than imported from the consumer test, whose module imports pytest.
"""
import gc
import json
import shutil
import sys
import tempfile
import time

from aws_cdk import App, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_vpc_peering_external import VpcPeeringExternal


class NewVpcExampleStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        vpc = ec2.Vpc(self, "Vpc",
            ip_addresses=ec2.IpAddresses.cidr("10.0.0.0/16"),
            max_azs=2,
            nat_gateways=1,
            flow_logs={
                "all": ec2.FlowLogOptions(
                    destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                        logs.LogGroup(self, "FlowLogs", retention=logs.RetentionDays.ONE_MONTH),
                    ),
                ),
            },
        )
        VpcPeeringExternal(self, "Elasticsearch",
            vpc=vpc,
            vpc_peering_connection_id="pcx-0123456789abcdef0",
            external_cidr_blocks=["10.200.0.0/16"],
            allow_outbound=[ec2.AclTraffic.tcp_port(443), ec2.AclTraffic.tcp_port(9200)],
        )


def synth(outdir):
    app = App(outdir=outdir, analytics_reporting=False)
    NewVpcExampleStack(app, "PeeringNewVpcExample")
    return app.synth()


outdir = tempfile.mkdtemp(prefix="cdk-vpe-bench-python")
first = synth(outdir)
print("FIRST", flush=True)
with open(sys.argv[1], "w") as f:
    json.dump(first.get_stack_by_name("PeeringNewVpcExample").template, f)
shutil.rmtree(outdir)
warm = []
for _ in range(int(sys.argv[2])):
    outdir = tempfile.mkdtemp(prefix="cdk-vpe-bench-python")
    gc.collect()
    start = time.perf_counter()
    synth(outdir)
    warm.append((time.perf_counter() - start) * 1000)
    shutil.rmtree(outdir)
print(json.dumps({"warm": warm}), flush=True)
