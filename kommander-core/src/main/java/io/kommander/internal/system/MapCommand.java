package io.kommander.internal.system;

import io.kommander.PartitionRange;
import io.kommander.internal.partition.ReservedTypes;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One change of the partition map, as written in a system partition entry of type {@link #TYPE}. Its encoding: a
 * format byte, the kind, the partition id, a flag byte (1 if a range follows) and the range's two ends, big-endian.
 *
 * @param kind      what changes
 * @param partition the partition concerned: for {@link Kind#CREATE}, the id the new partition gets; for
 *                  {@link Kind#SPLIT} and {@link Kind#FINISH_SPLIT}, the source; for {@link Kind#MERGE} and
 *                  {@link Kind#FINISH_MERGE}, the survivor
 * @param range     for {@link Kind#CREATE}, the range it takes, or null for an unrouted partition; for
 *                  {@link Kind#SPLIT}, the upper part of the source's range that moves to the new partition; for
 *                  {@link Kind#MERGE}, the adjacent partition's whole range (which names it); else null
 */
public record MapCommand(Kind kind, int partition, PartitionRange range) {

    /** The type string of partition map entries on the system partition. */
    public static final String TYPE = ReservedTypes.PREFIX + "system.pmap";

    private static final byte FORMAT = 1;

    /** What a map command does. */
    public enum Kind {
        /** A new partition, ACTIVE, on every member. */
        CREATE,
        /** An ACTIVE partition starts its removal: it takes no new writes. */
        DRAIN,
        /** A DRAINING partition is gone: every node closes it and deletes its data. */
        REMOVE,
        /**
         * An ACTIVE routed partition starts to split: it and a new partition (the next unused id, owning the upper
         * part of its range, opened on every member) become SPLITTING.
         */
        SPLIT,
        /** A split whose new half holds its seed ends: both halves ACTIVE, ranges divided, generations bumped. */
        FINISH_SPLIT,
        /**
         * Two ACTIVE neighbours start to merge: the survivor becomes MERGING and the adjacent partition (the one
         * owning exactly the command's range) DRAINING, each one generation on.
         */
        MERGE,
        /**
         * A merge whose survivor holds the adjacent's state ends: the survivor ACTIVE with both ranges, the adjacent
         * REMOVED, each one generation on.
         */
        FINISH_MERGE
    }

    /** Canonical constructor. */
    public MapCommand {
        Objects.requireNonNull(kind, "kind");
    }

    /** The entry's payload. */
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + 4 + 1 + (range == null ? 0 : 16)).put(FORMAT)
                .put((byte) kind.ordinal()).putInt(partition).put((byte) (range == null ? 0 : 1));
        if (range != null) {
            out.putLong(range.first()).putLong(range.last());
        }
        return out.array();
    }

    /**
     * Reads {@link #encode()}'s bytes.
     *
     * @throws IllegalArgumentException if they are not a map command of a known format
     */
    public static MapCommand decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT) {
                throw new IllegalArgumentException("unknown partition map command format");
            }
            int kind = in.get();
            if (kind < 0 || kind >= Kind.values().length) {
                throw new IllegalArgumentException("unknown partition map command kind " + kind);
            }
            int partition = in.getInt();
            byte routed = in.get();
            if (routed != 0 && routed != 1) {
                throw new IllegalArgumentException("bad range flag " + routed);
            }
            PartitionRange range = routed == 1 ? new PartitionRange(in.getLong(), in.getLong()) : null;
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes after a partition map command");
            }
            return new MapCommand(Kind.values()[kind], partition, range);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated partition map command", e);
        }
    }
}
