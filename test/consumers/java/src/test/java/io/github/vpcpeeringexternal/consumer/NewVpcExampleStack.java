package io.github.vpcpeeringexternal.consumer;

import io.github.vpcpeeringexternal.VpcPeeringExternal;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.AclTraffic;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/** The Java twin of NewVpcExampleStack (example/stacks.ts); the peering id and CIDR blocks can be swapped for the error tests. */
public class NewVpcExampleStack extends Stack {
    public static final String PEERING_ID = "pcx-0123456789abcdef0";
    public static final List<String> EXTERNAL_CIDR_BLOCKS = List.of("10.200.0.0/16");

    public final VpcPeeringExternal peering;

    public NewVpcExampleStack(final Construct scope, final String id) {
        this(scope, id, PEERING_ID, EXTERNAL_CIDR_BLOCKS);
    }

    public NewVpcExampleStack(final Construct scope, final String id, final String vpcPeeringConnectionId,
                              final List<String> externalCidrBlocks) {
        super(scope, id);

        Vpc vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr("10.0.0.0/16"))
                .maxAzs(2)
                .natGateways(1)
                .flowLogs(Map.of("all", FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(
                                LogGroup.Builder.create(this, "FlowLogs").retention(RetentionDays.ONE_MONTH).build()))
                        .build()))
                .build();

        this.peering = VpcPeeringExternal.Builder.create(this, "Elasticsearch")
                .vpc(vpc)
                .vpcPeeringConnectionId(vpcPeeringConnectionId)
                .externalCidrBlocks(externalCidrBlocks)
                .allowOutbound(List.of(AclTraffic.tcpPort(443), AclTraffic.tcpPort(9200)))
                .build();
    }
}
