package io.github.vpcpeeringexternal.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vpcpeeringexternal.PeeringWarnings;
import io.github.vpcpeeringexternal.VpcPeeringExternal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.AclPortRange;
import software.amazon.awscdk.services.ec2.AclTraffic;
import software.amazon.awscdk.services.ec2.Vpc;

/** A CfnParameter token crosses the jsii boundary as the peering id; the construct's properties are readable. */
class TokenAndPropertiesTest {
    @TempDir
    Path tmp;

    @Test
    void tokenPeeringIdAndPublicProperties() {
        App app = new App(AppProps.builder().outdir(tmp.resolve("cdk.out").toString()).build());
        Stack stack = new Stack(app, "TokenStack");
        String peeringId = CfnParameter.Builder.create(stack, "PeeringId").build().getValueAsString();
        Vpc vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(2).build();
        VpcPeeringExternal peering = VpcPeeringExternal.Builder.create(stack, "Peering")
                .vpc(vpc)
                .vpcPeeringConnectionId(peeringId)
                .externalCidrBlocks(List.of("10.200.0.0/16"))
                .allowOutbound(List.of(AclTraffic.tcpPort(443)))
                .ephemeralPortRange(AclPortRange.builder().from(32768).to(60999).build())
                .build();

        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::EC2::Route", Map.of("VpcPeeringConnectionId", Map.of("Ref", "PeeringId")));
        template.hasResourceProperties("AWS::EC2::NetworkAclEntry", Map.of("PortRange", Map.of("From", 32768, "To", 60999)));
        assertEquals(2, peering.getRoutes().size(), "one route per private subnet's route table");
        assertEquals(template.findResources("AWS::EC2::NetworkAclEntry").size(), peering.getNetworkAclEntries().size());
        assertTrue(PeeringWarnings.SHADOWED_BY_LOWER_RULE.startsWith("cdk-vpc-peering-external:"));
    }
}
