package io.kommander.bench.wal;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Extra JMH result columns of the WAL write benchmarks: JMH reports each field as a rate per second, so
 * {@code entries} is entries/s and {@code bytes} is payload bytes/s (divide by 10^6 for MB/s).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class WriteCounters {
    /** Entries made durable. */
    public long entries;
    /** Payload bytes made durable (entry data only, no headers). */
    public long bytes;

    /** Counts restart with every iteration, as the primary score does. */
    @Setup(Level.Iteration)
    public void reset() {
        entries = 0;
        bytes = 0;
    }

    void add(int entryCount, int entryBytes) {
        entries += entryCount;
        bytes += (long) entryCount * entryBytes;
    }
}
