package io.kommander.bench.moves;

import io.kommander.IRaft;
import io.kommander.IRaftStateMachineTransfer;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftLog;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code moves} bench's application on one node: per partition, keys to how many times an entry with that key
 * was applied (the entry's payload is its key), so that a write applied twice shows. It splits and merges: a range
 * snapshot takes the keys whose hash is in the range out of the partition, and absorbing one adds them.
 *
 * <p>Thread-safe: partitions' executors call it; the bench reads it from its own thread.
 */
final class KeyedStore implements IRaftStateMachineTransfer {

    private final Map<Integer, Map<String, Integer>> partitions = new HashMap<>();

    /** Feeds the node's restored and delivered entries to this store; call before the node joins. */
    void attach(IRaft node) {
        node.onRestoreStarted(this::reset);
        // A replica that was behind when its partition merged away is closed without handing its keys over: the
        // library's contract is to drop a partition's state once the map shows it REMOVED.
        node.onPartitionMapChanged(map -> map.partitions().stream()
                .filter(p -> p.state() == PartitionState.REMOVED).forEach(p -> reset(p.id())));
        node.onLogRestored(this::apply);
        node.onReplicationReceived((p, log) -> {
            apply(p, log);
            return true;
        });
    }

    /** How many times each partition applied {@code key} (partitions that never did are absent). */
    synchronized Map<Integer, Integer> appliedCounts(String key) {
        Map<Integer, Integer> counts = new HashMap<>();
        partitions.forEach((p, keys) -> {
            Integer count = keys.get(key);
            if (count != null) {
                counts.put(p, count);
            }
        });
        return counts;
    }

    private synchronized void reset(int partition) {
        partitions.remove(partition);
    }

    private synchronized void apply(int partition, RaftLog log) {
        partitions.computeIfAbsent(partition, p -> new HashMap<>())
                .merge(new String(log.data(), StandardCharsets.UTF_8), 1, Integer::sum);
    }

    @Override
    public synchronized CompletableFuture<byte[]> produceSnapshot(int partition, long index) {
        return CompletableFuture.completedFuture(encode(partitions.getOrDefault(partition, Map.of())));
    }

    @Override
    public synchronized CompletableFuture<Void> installSnapshot(int partition, long index, byte[] snapshot) {
        partitions.put(partition, decode(snapshot));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean splitsPartitions() {
        return true;
    }

    @Override
    public synchronized CompletableFuture<byte[]> produceRangeSnapshot(int partition, long index,
                                                                       PartitionRange range) {
        Map<String, Integer> held = partitions.getOrDefault(partition, new HashMap<>());
        Map<String, Integer> moved = new HashMap<>();
        held.entrySet().removeIf(e -> {
            if (range.contains(PartitionMap.hash(e.getKey()))) {
                moved.put(e.getKey(), e.getValue());
                return true;
            }
            return false;
        });
        return CompletableFuture.completedFuture(encode(moved));
    }

    @Override
    public synchronized CompletableFuture<Void> absorbSnapshot(int partition, long index, int fromPartition,
                                                               byte[] snapshot) {
        Map<String, Integer> held = partitions.computeIfAbsent(partition, p -> new HashMap<>());
        decode(snapshot).forEach((key, count) -> held.merge(key, count, Integer::sum));
        return CompletableFuture.completedFuture(null);
    }

    private static byte[] encode(Map<String, Integer> keys) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(keys.size());
            for (Map.Entry<String, Integer> e : keys.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Map<String, Integer> decode(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int count = in.readInt();
            Map<String, Integer> keys = new HashMap<>();
            for (int i = 0; i < count; i++) {
                keys.put(in.readUTF(), in.readInt());
            }
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
