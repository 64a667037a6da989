package io.kommander.testing;

import io.kommander.IRaft;
import io.kommander.IRaftStateMachineTransfer;
import io.kommander.RaftLog;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test application with snapshots: its state of each partition is the payload, as text, of every entry it was
 * handed (restored or delivered), in order; a snapshot is that list. Attach it to its node before the node joins
 * ({@link #attach}) so it sees every entry. It splits partitions: a payload {@code key#rest} belongs to {@code key},
 * and a split moves the payloads whose key's hash is in the moved range, in order, to the new partition.
 *
 * <p>Thread-safe: partitions' executors call it; tests read it from their own thread.
 */
public final class PayloadStateMachine implements IRaftStateMachineTransfer {

    private final Map<Integer, List<String>> payloads = new HashMap<>();
    private final List<long[]> installs = new CopyOnWriteArrayList<>();

    /** Feeds the node's restored and delivered entries, and its installs, to this application. */
    public void attach(IRaft node) {
        node.onRestoreStarted(this::reset);
        node.onLogRestored(this::apply);
        node.onReplicationReceived((p, log) -> {
            apply(p, log);
            return true;
        });
        node.onSnapshotInstalled((p, index) -> installs.add(new long[] {p, index}));
    }

    /** The payloads of a partition's entries this application holds, in order. */
    public synchronized List<String> state(int partition) {
        return List.copyOf(payloads.getOrDefault(partition, List.of()));
    }

    /** The boundaries of the snapshots its node installed from a leader for a partition. */
    public List<Long> installed(int partition) {
        return installs.stream().filter(i -> i[0] == partition).map(i -> i[1]).toList();
    }

    private synchronized void reset(int partition) {
        payloads.remove(partition);
    }

    private synchronized void apply(int partition, RaftLog log) {
        payloads.computeIfAbsent(partition, p -> new ArrayList<>()).add(new String(log.data(), StandardCharsets.UTF_8));
    }

    @Override
    public synchronized CompletableFuture<byte[]> produceSnapshot(int partition, long index) {
        List<String> state = state(partition);
        // Captured here, serialized off the executor, as a real application would.
        return CompletableFuture.supplyAsync(() -> encode(state));
    }

    @Override
    public CompletableFuture<Void> installSnapshot(int partition, long index, byte[] snapshot) {
        return CompletableFuture.runAsync(() -> {
            List<String> state = decode(snapshot);
            synchronized (this) {
                payloads.put(partition, new ArrayList<>(state));
            }
        });
    }

    @Override
    public boolean splitsPartitions() {
        return true;
    }

    @Override
    public synchronized CompletableFuture<byte[]> produceRangeSnapshot(int partition, long index,
                                                                       io.kommander.PartitionRange range) {
        List<String> held = payloads.getOrDefault(partition, new ArrayList<>());
        List<String> moved = held.stream().filter(p -> movesWith(p, range)).toList();
        held.removeIf(p -> movesWith(p, range));
        return CompletableFuture.completedFuture(encode(moved));
    }

    @Override
    public synchronized CompletableFuture<Void> absorbSnapshot(int partition, long index, int fromPartition,
                                                               byte[] snapshot) {
        payloads.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(decode(snapshot));
        return CompletableFuture.completedFuture(null);
    }

    private static boolean movesWith(String payload, io.kommander.PartitionRange range) {
        int hash = payload.indexOf('#');
        return hash >= 0 && range.contains(io.kommander.PartitionMap.hash(payload.substring(0, hash)));
    }

    private static byte[] encode(List<String> state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.size());
            for (String payload : state) {
                out.writeUTF(payload);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static List<String> decode(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int count = in.readInt();
            List<String> state = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                state.add(in.readUTF());
            }
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
