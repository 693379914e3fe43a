package io.github.vpcpeeringexternal.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.vpcpeeringexternal.ConfluentCloudPresetOptions;
import io.github.vpcpeeringexternal.ExpectedRequester;
import io.github.vpcpeeringexternal.PeeringConnectionAccepter;
import io.github.vpcpeeringexternal.SaasPeeringPreset;
import io.github.vpcpeeringexternal.VpcPeeringExternal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.AclTraffic;
import software.amazon.awscdk.services.ec2.Vpc;

/** PeeringConnectionAccepter, ExpectedRequester and SaasPeeringPreset from the built jar. */
class AccepterAndPresetsTest {
    private static final String PCX = "pcx-0123456789abcdef0";

    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void accepterWithExpectedRequesterAndDns() {
        App app = new App(AppProps.builder().outdir(tmp.resolve("cdk.out").toString()).build());
        Stack stack = new Stack(app, "AccepterStack");
        Vpc vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(2).build();
        PeeringConnectionAccepter accepter = PeeringConnectionAccepter.Builder.create(stack, "Accepter")
                .vpc(vpc)
                .vpcPeeringConnectionId(PCX)
                .expectedRequester(ExpectedRequester.builder().accountId("111122223333").build())
                .allowDnsResolutionFromRemoteVpc(true)
                .build();

        Template template = Template.fromStack(stack);
        template.hasResourceProperties("Custom::VpcPeeringAcceptance",
                Map.of("VpcPeeringConnectionId", PCX, "Accept", "true", "ExpectedRequesterAccountId", "111122223333"));
        template.resourceCountIs("Custom::VpcPeeringDnsResolution", 1);
        assertNotNull(accepter.getDnsResolution());
        Map<String, Map<String, Object>> roles = template.findResources("AWS::IAM::Role");
        assertEquals(1, roles.size());
        Map<String, Object> role = roles.values().iterator().next();
        List<Map<String, Object>> policies = (List<Map<String, Object>>) ((Map<String, Object>) role.get("Properties")).get("Policies");
        List<Map<String, Object>> statements = (List<Map<String, Object>>) ((Map<String, Object>) policies.get(0).get("PolicyDocument")).get("Statement");
        Map<String, Object> accept = statements.stream()
                .filter(s -> "ec2:AcceptVpcPeeringConnection".equals(s.get("Action"))).findFirst().orElseThrow();
        assertNotEquals("*", accept.get("Resource"));
        assertEquals(2, ((Map<String, Object>) accept.get("Condition")).size(), "ArnEquals AccepterVpc, ArnLike RequesterVpc");
    }

    @Test
    void presetsFeedAllowOutbound() {
        App app = new App(AppProps.builder().outdir(tmp.resolve("cdk.out").toString()).build());
        Stack stack = new Stack(app, "PresetStack");
        Vpc vpc = Vpc.Builder.create(stack, "Vpc").maxAzs(2).build();
        SaasPeeringPreset confluent = SaasPeeringPreset.confluentCloud(ConfluentCloudPresetOptions.builder()
                .allowManagedConnectorsInbound(List.of(AclTraffic.tcpPort(5432)))
                .build());
        assertEquals("Confluent Cloud", confluent.getVendor());
        assertEquals(2, confluent.getAllowOutbound().size());
        assertEquals(5432, confluent.getAllowInbound().get(0).toTrafficConfig().getPortRange().getFrom());
        VpcPeeringExternal.Builder.create(stack, "Redis")
                .vpc(vpc)
                .vpcPeeringConnectionId(PCX)
                .externalCidrBlocks(List.of("192.168.0.0/24"))
                .allowOutbound(SaasPeeringPreset.redisCloud().getAllowOutbound())
                .build();
        Template.fromStack(stack).hasResourceProperties("AWS::EC2::NetworkAclEntry",
                Map.of("Egress", true, "RuleAction", "allow", "PortRange", Map.of("From", 10000, "To", 19999)));
    }
}
