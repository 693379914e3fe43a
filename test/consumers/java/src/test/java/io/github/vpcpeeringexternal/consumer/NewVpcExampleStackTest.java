package io.github.vpcpeeringexternal.consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.jsii.JsiiException;

/**
 * Consumer test: rebuilds the example stack in Java with the built jar, checks that the template equals the TypeScript
 * example's (test/consumers/reference.ts) and that bad input fails with an error that names the prop.
 */
class NewVpcExampleStackTest {
    @TempDir
    Path tmp;

    private static Path reference() {
        String fromEnv = System.getenv("CONSUMER_REFERENCE_TEMPLATE");
        return fromEnv != null && !fromEnv.isEmpty() ? Paths.get(fromEnv) : Paths.get("..", ".ci-work", "reference.json");
    }

    private Map<String, Object> synth(final String peeringId, final List<String> cidrs) {
        App app = new App(AppProps.builder().outdir(tmp.resolve("cdk.out").toString()).build());
        NewVpcExampleStack stack = new NewVpcExampleStack(app, "PeeringNewVpcExample", peeringId, cidrs);
        return Template.fromStack(stack).toJSON();
    }

    @Test
    void templateEqualsTypeScriptExample() throws Exception {
        Path ref = reference();
        assertTrue(Files.isRegularFile(ref), "no reference template at " + ref.toAbsolutePath()
                + ": run test/consumers/run.sh (or reference.ts)");
        Object expected = new ObjectMapper().readValue(ref.toFile(), Object.class);
        Map<String, Object> actual = synth(NewVpcExampleStack.PEERING_ID, NewVpcExampleStack.EXTERNAL_CIDR_BLOCKS);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(new File(tmp.toFile(), "java-template.json"), actual);

        List<String> differences = TemplateDiff.diff(expected, actual);
        assertTrue(differences.isEmpty(), () -> "the Java template differs from the TypeScript example's (" + ref
                + ") in " + differences.size() + " places:\n  "
                + String.join("\n  ", differences.subList(0, Math.min(60, differences.size()))));
        assertTrue(actual.toString().contains("AWS::EC2::NetworkAclEntry"), "no NetworkAclEntry in the template");
    }

    @Test
    void badPeeringIdNamesTheProp() {
        JsiiException e = assertThrows(JsiiException.class,
                () -> synth("abc", NewVpcExampleStack.EXTERNAL_CIDR_BLOCKS));
        assertTrue(String.valueOf(e.getMessage()).contains("vpcPeeringConnectionId"),
                () -> "the error should name vpcPeeringConnectionId: " + e);
    }

    @Test
    void anErrorShowsTheFixAsJavaWritesIt() {
        JsiiException e = assertThrows(JsiiException.class,
                () -> synth(NewVpcExampleStack.PEERING_ID, List.of()));
        assertTrue(String.valueOf(e.getMessage()).contains("e.g. .externalCidrBlocks(List.of(\"10.200.0.0/16\"))"),
                () -> "the error should show the builder call: " + e);
    }

    @Test
    void badCidrBlockNamesTheProp() {
        JsiiException e = assertThrows(JsiiException.class,
                () -> synth(NewVpcExampleStack.PEERING_ID, List.of("10.0.0.0/33")));
        assertTrue(String.valueOf(e.getMessage()).contains("externalCidrBlocks"),
                () -> "the error should name externalCidrBlocks: " + e);
    }
}
