package io.kommander.bench.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Measures a disk's synced-write bandwidth: append blocks of a given size to a file in a folder on that disk, each
 * followed by {@code force(false)} (fdatasync), for a while; the result is bytes per second.
 */
public final class DiskSyncProbe {

    private DiskSyncProbe() {
    }

    /**
     * Measures the synced-write bandwidth in {@code dir}.
     *
     * @param blockBytes bytes per synced write
     * @param duration   how long to write
     * @return bytes per second
     */
    public static double bytesPerSecond(Path dir, int blockBytes, Duration duration) throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "sync-probe-", ".bin");
        ByteBuffer block = ByteBuffer.allocateDirect(blockBytes);
        long written = 0;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (System.nanoTime() < end) {
                block.clear();
                while (block.hasRemaining()) {
                    written += channel.write(block);
                }
                channel.force(false);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return written * 1e9 / (System.nanoTime() - start);
    }
}
