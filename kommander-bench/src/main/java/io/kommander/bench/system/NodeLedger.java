package io.kommander.bench.system;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one node delivered, per partition (partitions are numbered 0..P-1 in the harness whatever the system's own
 * numbering). Thread-safe.
 */
public final class NodeLedger {

    private final List<PartitionLedger> partitions;

    /** A ledger for {@code partitions} partitions. */
    public NodeLedger(int partitions) {
        List<PartitionLedger> list = new ArrayList<>(partitions);
        for (int i = 0; i < partitions; i++) {
            list.add(new PartitionLedger());
        }
        this.partitions = Collections.unmodifiableList(list);
    }

    /** A node's ledger made of the given partition ledgers (a copy received from another process). */
    public NodeLedger(List<PartitionLedger> partitions) {
        this.partitions = List.copyOf(partitions);
    }

    /** The ledger of partition {@code p} (0-based). */
    public PartitionLedger partition(int p) {
        return partitions.get(p);
    }

    /** The number of partitions. */
    public int partitionCount() {
        return partitions.size();
    }

    /** Records a delivered payload of partition {@code p}: its id is read from the payload; others are ignored. */
    public void deliver(int p, byte[] payload) {
        deliver(p, ByteBuffer.wrap(payload));
    }

    /** As {@link #deliver(int, byte[])}, reading the payload from the buffer's position (not moved). */
    public void deliver(int p, ByteBuffer payload) {
        if (Payloads.isBenchPayload(payload)) {
            partitions.get(p).record(Payloads.id(payload));
        }
    }

    /** Entries delivered over all partitions. */
    public long total() {
        long total = 0;
        for (PartitionLedger ledger : partitions) {
            total += ledger.count();
        }
        return total;
    }

    /** Forgets everything (the node restarts and replays its log). */
    public void reset() {
        partitions.forEach(PartitionLedger::reset);
    }
}
