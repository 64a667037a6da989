package io.kommander.bench.capacity;

import java.util.function.ToDoubleFunction;

/**
 * One figure the {@code capacity} run compares between cluster sizes, per node: a count over the window divided by
 * the writes acknowledged in it (a node's share of each write's cost), or, for {@link #PARTITIONS_LED}, the count
 * itself. The four measures are judged; the others are shown to explain them.
 */
public enum Measure {
    /** CPU time of the node's process per write, in microseconds. */
    CPU("cpu_us_per_write", "CPU us/write", true, true, w -> w.cpuNanos() / 1e3),
    /** Time the node's JIT compilers spent per write, in microseconds: CPU a warm process no longer spends. */
    JIT("jit_us_per_write", "JIT us/write", true, false, w -> w.jitMillis() * 1e3),
    /** Time the node's garbage collectors spent per write, in microseconds. */
    GC("gc_us_per_write", "GC us/write", true, false, w -> w.gcMillis() * 1e3),
    /** Bytes the node's WAL made durable per write. */
    SYNCED_BYTES("synced_bytes_per_write", "synced B/write", true, true, NodeWindow::syncedBytes),
    /** Raft messages the node sent per write. */
    MESSAGES("messages_per_write", "messages/write", true, true, NodeWindow::messagesSent),
    /** Frames (batches of messages to one peer) the node wrote per write. */
    FRAMES("frames_per_write", "frames/write", true, false, NodeWindow::framesSent),
    /** Bytes the node wrote to its peers per write. */
    TRANSPORT_BYTES("sent_bytes_per_write", "sent B/write", true, false, NodeWindow::transportBytesSent),
    /** Syncs (group commits) of the node's WAL per write. */
    WAL_WRITES("wal_writes_per_write", "syncs/write", true, false, NodeWindow::walWrites),
    /** User partitions the node leads. */
    PARTITIONS_LED("partitions_led", "partitions led", false, true, NodeWindow::partitionsLed);

    private final String jsonName;
    private final String label;
    private final boolean perWrite;
    private final boolean judged;
    private final ToDoubleFunction<NodeWindow> value;

    Measure(String jsonName, String label, boolean perWrite, boolean judged, ToDoubleFunction<NodeWindow> value) {
        this.jsonName = jsonName;
        this.label = label;
        this.perWrite = perWrite;
        this.judged = judged;
        this.value = value;
    }

    /** The node's share: its count over the window divided by {@code acknowledged} writes, or the count. */
    public double share(NodeWindow window, long acknowledged) {
        double count = value.applyAsDouble(window);
        return perWrite ? count / Math.max(1, acknowledged) : count;
    }

    /** Whether the issue asks this share to halve (the others explain). */
    public boolean judged() {
        return judged;
    }

    /** The key in the JSON report. */
    public String jsonName() {
        return jsonName;
    }

    /** The column heading in the table. */
    public String label() {
        return label;
    }
}
