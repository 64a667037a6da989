package io.kommander.internal.metrics;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Micrometer is optional: a node built without a meter registry loads and runs on a class path without it. The
 * test's own class path, less Micrometer's jars, becomes a class loader of its own (whose parent sees only the
 * JDK), and {@link WithoutMicrometer} runs a cluster in it.
 */
class NoMicrometerTest {

    /** Micrometer's jars and the ones only it brings. */
    private static final List<String> MICROMETER_JARS = List.of("micrometer-", "HdrHistogram-", "LatencyUtils-");

    @Test
    void aNodeWithoutARegistryRunsOnAClassPathWithoutMicrometer() throws Exception {
        List<URL> withoutMicrometer = new ArrayList<>();
        for (String entry : testClassPath()) {
            String name = new File(entry).getName();
            if (MICROMETER_JARS.stream().noneMatch(name::startsWith)) {
                withoutMicrometer.add(url(entry));
            }
        }
        try (URLClassLoader loader = new URLClassLoader(withoutMicrometer.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            @SuppressWarnings("unchecked")
            Callable<List<String>> run = (Callable<List<String>>) loader.loadClass(WithoutMicrometer.class.getName())
                    .getConstructor().newInstance();
            List<String> seen = run.call();
            assertThat(seen).containsExactly("no micrometer",
                    "node 0 partition 1: 5", "node 0 partition 2: 5",
                    "node 1 partition 1: 5", "node 1 partition 2: 5",
                    "node 2 partition 1: 5", "node 2 partition 2: 5");
        }
    }

    /** Surefire runs tests from a manifest-only jar and names the real class path in a property of its own. */
    private static String[] testClassPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assertThat(path).as("the test class path").contains("micrometer-core");
        return path.split(File.pathSeparator);
    }

    private static URL url(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }
}
