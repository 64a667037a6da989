package io.kommander.internal.partition;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every interaction script in {@code src/test/resources/interaction} (see docs/testing.md): each command's
 * output must equal the output written under it. With {@code -Dinteraction.rewrite=true} the scripts' expected
 * outputs are replaced by the actual ones instead (review the change with {@code git diff}).
 */
class InteractionTest {

    private static final Path SCRIPTS = Path.of(System.getProperty("basedir", "."))
            .resolve("src/test/resources/interaction");
    private static final boolean REWRITE = Boolean.getBoolean("interaction.rewrite");

    static List<String> scripts() throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(SCRIPTS)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt")).sorted().toList();
        }
        assertThat(names).as("interaction scripts in " + SCRIPTS.toAbsolutePath()).isNotEmpty();
        return names;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void script(String name) throws IOException {
        Path file = SCRIPTS.resolve(name);
        String text = Files.readString(file);
        InteractionScript script = InteractionScript.parse(text);
        Interaction interaction = new Interaction();
        List<String> outputs = new ArrayList<>();
        for (InteractionScript.Case c : script.cases()) {
            String actual = interaction.run(c.command(), c.line());
            if (!REWRITE && !actual.equals(c.expected())) {
                throw new AssertionFailedError(name + ":" + c.line() + ": " + c.command()
                        + "\n--- expected\n+++ actual\n" + LineDiff.of(c.expected(), actual)
                        + "\n(if the new output is right: -Dinteraction.rewrite=true, then review git diff)",
                        c.expected(), actual);
            }
            outputs.add(actual);
        }
        if (REWRITE) {
            String rewritten = script.render(outputs);
            if (!rewritten.equals(text)) {
                Files.writeString(file, rewritten);
                System.out.println("interaction: rewrote " + file);
            }
        }
    }
}
