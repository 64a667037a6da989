package io.kommander.internal.system;

import io.kommander.PartitionRange;
import io.kommander.internal.partition.ReservedTypes;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One change of the partition map, as written in a system partition entry of type {@link #TYPE}. Its encoding: a
 * format byte ({@code 1}, or {@code 3} for a command that names its call; an entry of this type whose first byte is
 * {@code 2} is a {@link PlacementBatch}), the kind, the partition id, a flag byte (1 if a range follows) and the
 * range's two ends, big-endian; a {@link Kind#PLACE} then has its replicas and its leader preference, each a count
 * (2 bytes) of endpoints (2-byte length, UTF-8); format 3 ends with the call (2-byte length, UTF-8).
 *
 * @param kind      what changes
 * @param partition the partition concerned: for {@link Kind#CREATE}, the id the new partition gets; for
 *                  {@link Kind#SPLIT} and {@link Kind#FINISH_SPLIT}, the source; for {@link Kind#MERGE} and
 *                  {@link Kind#FINISH_MERGE} and {@link Kind#COLOCATE}, the survivor; for {@link Kind#REPLICATION}, the replication factor
 * @param range     for {@link Kind#CREATE}, the range it takes, or null for an unrouted partition; for
 *                  {@link Kind#SPLIT}, the upper part of the source's range that moves to the new partition; for
 *                  {@link Kind#MERGE} and {@link Kind#COLOCATE}, the adjacent partition's whole range (which names
 *                  it); else null
 * @param replicas         for {@link Kind#PLACE}, the members that host the partition from now on (empty: every
 *                         member); else empty
 * @param leaderPreference for {@link Kind#PLACE}, the members it would rather be led by; else empty
 * @param call             for a create, a split or a merge's first step, the caller's call that asked for it
 *                         ({@link MapCalls}), or null; null for every other kind
 */
public record MapCommand(Kind kind, int partition, PartitionRange range, List<String> replicas,
                         List<String> leaderPreference, String call) {

    /** The type string of partition map entries on the system partition. */
    public static final String TYPE = ReservedTypes.PREFIX + "system.pmap";

    private static final byte FORMAT = 1;
    /** The format of a command that names its call (a create since wire protocol 11, a split or merge since 12). */
    private static final byte FORMAT_WITH_CALL = 3;
    /** The longest call, in UTF-8 bytes (a node's endpoint and a call number). */
    static final int MAX_CALL_BYTES = 1024;

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
         * part of its range, placed on the source's replicas) become SPLITTING.
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
        FINISH_MERGE,
        /**
         * An ACTIVE partition's replicas and leader preference change (placement): its generation bumped if its
         * replicas change, kept if only its leader preference does.
         */
        PLACE,
        /**
         * The cluster's replication factor (in {@code partition}): the first one in partition 0's log counts, later
         * ones change nothing. Not part of the map itself.
         */
        REPLICATION,
        /**
         * A merge's first step when its two partitions live on different members: the adjacent partition (named by
         * the command's range) is placed on the survivor's replicas, its generation bumped, and stays ACTIVE. The
         * coordinator remembers the merge as pending until it begins ({@link #MERGE}) or either partition leaves
         * ACTIVE; the adjacent's leader asks for the MERGE once its configuration's voters are those replicas.
         */
        COLOCATE
    }

    /** The kinds a caller's call asks for, which name it. */
    private static final Set<Kind> CALLED = EnumSet.of(Kind.CREATE, Kind.SPLIT, Kind.MERGE,
            Kind.COLOCATE);

    /** Canonical constructor; copies the lists. */
    public MapCommand {
        Objects.requireNonNull(kind, "kind");
        replicas = List.copyOf(replicas);
        leaderPreference = List.copyOf(leaderPreference);
        if (call != null && (!CALLED.contains(kind) || call.isEmpty()
                || call.getBytes(StandardCharsets.UTF_8).length > MAX_CALL_BYTES)) {
            throw new IllegalArgumentException("only a create, split or merge names its call, of 1 to "
                    + MAX_CALL_BYTES + " bytes: " + kind + " " + call);
        }
    }

    /** A command that names no call. */
    public MapCommand(Kind kind, int partition, PartitionRange range, List<String> replicas,
                      List<String> leaderPreference) {
        this(kind, partition, range, replicas, leaderPreference, null);
    }

    /** A command without placement lists (every kind but {@link Kind#PLACE}) that names no call. */
    public MapCommand(Kind kind, int partition, PartitionRange range) {
        this(kind, partition, range, List.of(), List.of(), null);
    }

    /** Creates partition {@code partition} owning {@code range} (null: unrouted), as asked by {@code call}. */
    public static MapCommand create(int partition, PartitionRange range, String call) {
        return new MapCommand(Kind.CREATE, partition, range, List.of(), List.of(), call);
    }

    /** A command of a caller's call: a split, or a merge's first step ({@link Kind#MERGE} or {@link Kind#COLOCATE}). */
    public static MapCommand called(Kind kind, int partition, PartitionRange range, String call) {
        return new MapCommand(kind, partition, range, List.of(), List.of(), call);
    }

    /** Places {@code partition} on {@code replicas}, preferring {@code leaderPreference} as its leaders. */
    public static MapCommand place(int partition, List<String> replicas, List<String> leaderPreference) {
        return new MapCommand(Kind.PLACE, partition, null, replicas, leaderPreference);
    }

    /** The entry's payload. */
    public byte[] encode() {
        int lists = kind == Kind.PLACE ? listBytes(replicas) + listBytes(leaderPreference) : 0;
        byte[] caller = call == null ? null : call.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + 4 + 1 + (range == null ? 0 : 16) + lists
                        + (caller == null ? 0 : 2 + caller.length)).put(caller == null ? FORMAT : FORMAT_WITH_CALL)
                .put((byte) kind.ordinal()).putInt(partition).put((byte) (range == null ? 0 : 1));
        if (range != null) {
            out.putLong(range.first()).putLong(range.last());
        }
        if (kind == Kind.PLACE) {
            putList(out, replicas);
            putList(out, leaderPreference);
        }
        if (caller != null) {
            out.putShort((short) caller.length).put(caller);
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
            byte format = in.get();
            if (format != FORMAT && format != FORMAT_WITH_CALL) {
                throw new IllegalArgumentException("unknown partition map command format " + format);
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
            Kind known = Kind.values()[kind];
            List<String> replicas = known == Kind.PLACE ? getList(in) : List.of();
            List<String> preference = known == Kind.PLACE ? getList(in) : List.of();
            String call = null;
            if (format == FORMAT_WITH_CALL) {
                int length = Short.toUnsignedInt(in.getShort());
                if (length > in.remaining()) {
                    throw new IllegalArgumentException("truncated partition map command");
                }
                byte[] caller = new byte[length];
                in.get(caller);
                call = new String(caller, StandardCharsets.UTF_8);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes after a partition map command");
            }
            return new MapCommand(known, partition, range, replicas, preference, call);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated partition map command", e);
        }
    }

    /** The bytes of an endpoint list as {@link #putList} writes it (shared with {@link PlacementBatch}). */
    static int listBytes(List<String> endpoints) {
        int bytes = 2;
        for (String endpoint : endpoints) {
            bytes += 2 + endpoint.getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    /** Writes an endpoint list: a count (2 bytes) of endpoints (2-byte length, UTF-8). */
    static void putList(ByteBuffer out, List<String> endpoints) {
        out.putShort((short) endpoints.size());
        for (String endpoint : endpoints) {
            byte[] bytes = endpoint.getBytes(StandardCharsets.UTF_8);
            out.putShort((short) bytes.length).put(bytes);
        }
    }

    /** Reads what {@link #putList} wrote. */
    static List<String> getList(ByteBuffer in) {
        int count = Short.toUnsignedInt(in.getShort());
        List<String> endpoints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(bytes);
            endpoints.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return endpoints;
    }
}
