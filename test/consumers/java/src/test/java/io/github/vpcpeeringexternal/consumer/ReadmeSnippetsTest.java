package io.github.vpcpeeringexternal.consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.vpcpeeringexternal.consumer.readme.ReadmeSnippets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.constructs.Construct;

/**
 * The ```java blocks of README.md compile against the built jar (ReadmeSnippets is generated from them by run.sh)
 * and synthesize.
 */
class ReadmeSnippetsTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> readmeJavaSnippetsSynthesize() {
        List<Map.Entry<String, BiFunction<Construct, String, Stack>>> all = ReadmeSnippets.all();
        assertFalse(all.isEmpty(), "README.md has no ```java block");
        return all.stream().map(snippet -> DynamicTest.dynamicTest(snippet.getKey(), () -> {
            App app = new App(AppProps.builder().outdir(tmp.resolve(snippet.getKey()).toString()).build());
            Stack stack = snippet.getValue().apply(app, snippet.getKey());
            Template.fromStack(stack);
        }));
    }
}
