package io.kommander.bench.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A scratch folder for one benchmark trial, on the disk named by system property {@code kommander.bench.dir}
 * (default: the temp folder), deleted afterwards. Both benchmarks use it so they sync to the same disk.
 */
final class BenchFolder {

    private BenchFolder() {
    }

    static Path create(String prefix) {
        try {
            Path parent = Path.of(System.getProperty("kommander.bench.dir", System.getProperty("java.io.tmpdir")));
            return Files.createTempDirectory(Files.createDirectories(parent), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
