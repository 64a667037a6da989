package io.kommander.internal.system;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Many placements ({@link MapCommand.Kind#PLACE}) as one partition map entry (type {@link MapCommand#TYPE}), so that
 * the balancer's light steps of a pass (leader preferences, replicas taken out) make one map change, one new map and
 * one run of the map's listeners on every node, instead of one each: a change costs every node a pass over the map,
 * which at 10,000 partitions held the balancer to one light step per pass. Each placement is still decided when
 * applied, in order ({@link PartitionMapRules#decide(io.kommander.PartitionMap, PlacementBatch)}).
 *
 * <p>Its encoding: the format byte {@value #FORMAT} (a single command's is {@code 1}, so either is told from its
 * first byte), the count (2 bytes), then per placement the partition id (4 bytes), its replicas and its leader
 * preference, each a count (2 bytes) of endpoints (2-byte length, UTF-8), big-endian.
 *
 * @param placements the placements, in order: at least one, at most {@link #MAX_PLACEMENTS}, of distinct partitions
 */
public record PlacementBatch(List<MapCommand> placements) {

    /** The most placements one batch holds (its count is 2 bytes). */
    public static final int MAX_PLACEMENTS = 0xffff;

    /** The format byte of a batch. */
    static final byte FORMAT = 2;

    /** The bytes of a batch before its first placement: the format byte and the count. */
    public static final int HEADER_BYTES = 1 + 2;

    /**
     * Canonical constructor; copies the list.
     *
     * @throws IllegalArgumentException if it is empty or too long, holds a command that is not a placement, or
     *                                  names a partition twice
     */
    public PlacementBatch {
        placements = List.copyOf(placements);
        if (placements.isEmpty() || placements.size() > MAX_PLACEMENTS) {
            throw new IllegalArgumentException("a placement batch holds 1 to " + MAX_PLACEMENTS + " placements: "
                    + placements.size());
        }
        Set<Integer> seen = new HashSet<>();
        for (MapCommand placement : placements) {
            if (placement.kind() != MapCommand.Kind.PLACE) {
                throw new IllegalArgumentException("not a placement: " + placement.kind());
            }
            if (!seen.add(placement.partition())) {
                throw new IllegalArgumentException("partition " + placement.partition() + " placed twice");
            }
        }
    }

    /** Whether an entry of type {@link MapCommand#TYPE} holds a batch rather than one command. */
    public static boolean isBatch(byte[] payload) {
        return payload.length > 0 && payload[0] == FORMAT;
    }

    /** The bytes one placement takes in a batch. */
    public static int bytesOf(MapCommand placement) {
        return 4 + MapCommand.listBytes(placement.replicas()) + MapCommand.listBytes(placement.leaderPreference());
    }

    /** The entry's payload. */
    public byte[] encode() {
        int bytes = HEADER_BYTES;
        for (MapCommand placement : placements) {
            bytes += bytesOf(placement);
        }
        ByteBuffer out = ByteBuffer.allocate(bytes).put(FORMAT).putShort((short) placements.size());
        for (MapCommand placement : placements) {
            out.putInt(placement.partition());
            MapCommand.putList(out, placement.replicas());
            MapCommand.putList(out, placement.leaderPreference());
        }
        return out.array();
    }

    /**
     * Reads {@link #encode()}'s bytes.
     *
     * @throws IllegalArgumentException if they are not a valid batch
     */
    public static PlacementBatch decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT) {
                throw new IllegalArgumentException("not a placement batch");
            }
            int count = Short.toUnsignedInt(in.getShort());
            MapCommand[] placements = new MapCommand[count];
            for (int i = 0; i < count; i++) {
                int partition = in.getInt();
                placements[i] = MapCommand.place(partition, MapCommand.getList(in), MapCommand.getList(in));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes after a placement batch");
            }
            return new PlacementBatch(List.of(placements));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated placement batch", e);
        }
    }
}
