package io.kommander.wal.rocksdb;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a class of the test classpath in a child JVM, as a separate process would use the WAL. */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Starts {@code main} with {@code args}; its stdout is the returned process's input stream, its stderr goes
     * to {@code stderr} for diagnostics. The child's temporary folder is next to {@code stderr} (in the test's
     * folder): RocksDB extracts its 17 MB native library there, and a killed child never deletes it.
     */
    static Process start(Class<?> main, Path stderr, String... args) throws IOException {
        Path temp = java.nio.file.Files.createDirectories(stderr.resolveSibling("child-tmp"));
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + temp, "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }
}
