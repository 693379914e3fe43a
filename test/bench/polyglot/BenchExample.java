import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcpeeringexternal.consumer.NewVpcExampleStack;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * The bench's Java app (test/bench/polyglot.ts runs it): synthesizes the example stack with the consumers'
 * NewVpcExampleStack (test/consumers/java), prints FIRST after the first synth, writes that template to args[0], then
 * synthesizes args[1] more times and prints their durations in ms as {"warm": [...]}.
 */
public class BenchExample {
    private static CloudAssembly synth(final Path outdir) {
        App app = new App(AppProps.builder()
                .outdir(outdir.toString())
                .analyticsReporting(false)
                .build());
        new NewVpcExampleStack(app, "PeeringNewVpcExample");
        return app.synth();
    }

    private static void remove(final Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public static void main(final String[] args) throws Exception {
        Path outdir = Files.createTempDirectory("cdk-vpe-bench-java");
        CloudAssembly first = synth(outdir);
        System.out.println("FIRST");
        System.out.flush();
        new ObjectMapper().writeValue(new File(args[0]), first.getStackByName("PeeringNewVpcExample").getTemplate());
        remove(outdir);
        List<Double> warm = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[1]); i++) {
            outdir = Files.createTempDirectory("cdk-vpe-bench-java");
            System.gc();
            long start = System.nanoTime();
            synth(outdir);
            warm.add((System.nanoTime() - start) / 1e6);
            remove(outdir);
        }
        System.out.println("{\"warm\": " + warm + "}");
    }
}
