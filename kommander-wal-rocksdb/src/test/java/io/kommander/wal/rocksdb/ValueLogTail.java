package io.kommander.wal.rocksdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

/**
 * Damages the end of a closed WAL's value log as a crash in the middle of an append leaves it: bytes that no
 * durable pointer refers to, torn or garbage, after the newest segment's last payload or in a new segment.
 */
final class ValueLogTail {

    /** The kinds of damage a crash can leave at the end of the value log. */
    enum Damage {
        /** A payload cut short: its RocksDB batch was never written. */
        TORN_APPEND,
        /** Random bytes where an unacknowledged append was going. */
        GARBAGE_APPEND,
        /** A new segment whose header was torn by the crash that created it. */
        TORN_NEW_SEGMENT,
        /** A new segment with a whole header and garbage after it. */
        GARBAGE_NEW_SEGMENT
    }

    private ValueLogTail() {
    }

    /** Applies {@code damage} to the value log in {@code folder}. */
    static void damage(Path folder, Damage damage, Random random) {
        try {
            List<Path> segments = segments(folder);
            if (segments.isEmpty()) {
                ValueLogSegment.create(folder, 1).close();
                segments = segments(folder);
            }
            long next = segments.isEmpty() ? 1
                    : ValueLogSegment.numberOf(segments.get(segments.size() - 1).getFileName().toString()) + 1;
            switch (damage) {
                case TORN_APPEND -> append(newest(segments), copyOfTail(newest(segments), 1 + random.nextInt(4000)));
                case GARBAGE_APPEND -> append(newest(segments), randomBytes(random, 1 + random.nextInt(30_000)));
                case TORN_NEW_SEGMENT -> Files.write(folder.resolve(ValueLogSegment.fileName(next)),
                        randomBytes(random, random.nextInt(ValueLogSegment.HEADER_BYTES)));
                case GARBAGE_NEW_SEGMENT -> {
                    ValueLogSegment.create(folder, next).close();
                    append(folder.resolve(ValueLogSegment.fileName(next)), randomBytes(random, 5000));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes past the header of every segment file in {@code folder}. */
    static long total(Path folder) {
        long bytes = 0;
        for (Path segment : segments(folder)) {
            try {
                // Records only: a segment prepared ahead of time (SpareSegment, created on a background thread
                // after open) holds just its header, and must not count as bytes recovery added.
                bytes += Math.max(0, Files.size(segment) - ValueLogSegment.HEADER_BYTES);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }

    private static List<Path> segments(Path folder) {
        try (var files = Files.list(folder)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest segment with a record in it: the one appends went to, not the one prepared ahead. */
    private static Path newest(List<Path> segments) throws IOException {
        for (int i = segments.size() - 1; i > 0; i--) {
            if (Files.size(segments.get(i)) > ValueLogSegment.HEADER_BYTES) {
                return segments.get(i);
            }
        }
        return segments.get(0);
    }

    private static byte[] copyOfTail(Path segment, int length) throws IOException {
        byte[] all = Files.readAllBytes(segment);
        int from = Math.max(ValueLogSegment.HEADER_BYTES, all.length - length);
        return java.util.Arrays.copyOfRange(all, from, all.length);
    }

    private static void append(Path segment, byte[] bytes) throws IOException {
        Files.write(segment, bytes, StandardOpenOption.APPEND);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
