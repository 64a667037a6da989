package io.kommander.sim;

import io.kommander.IRaftStateMachineTransfer;
import io.kommander.PartitionRange;
import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.time.HLCTimestamp;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;

/**
 * The simulator's application state for the partitions transferred by snapshot: exactly what it was handed, every
 * entry delivered or restored, in order; so a snapshot is that list, and an installed snapshot can be compared with
 * the committed prefix at its boundary. One instance per node incarnation (the state lives in memory: a restart
 * rebuilds it from the stored snapshot and the log). The snapshot is captured on the call (a copy of the list) and
 * serialized at once; the simulator is one thread.
 *
 * <p>It splits and merges partitions too. An entry whose payload is {@code key#rest} belongs to {@code key}
 * ({@link #keyOf}); a split at index <i>i</i> moves the keys of its range: the entries handed (or absorbed) before
 * <i>i</i> with such a key leave the partition's {@link #keyed} state and become the new half's seed, which the new
 * half absorbs (a merge's survivor absorbs its adjacent partition's state the same way). With a seed padding, a seed
 * starts with that many bytes of a fixed pattern, which the absorbing side checks and drops: a moved state larger than
 * a small {@code maxEntryBytes}, so that it travels in several chunks.
 * The handed list itself never changes (the monitors compare it with the log); the splits and the absorbed entries
 * are kept beside it, and travel in snapshots with it.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class SimStateMachine implements IRaftStateMachineTransfer {

    /** Told of every install (from a leader or at a restore), with the state it installed. */
    interface InstallListener {
        void installed(int partition, long index, List<RaftLog> state);
    }

    private final IntPredicate transferred;
    private final InstallListener listener;
    private final java.util.function.IntConsumer splitListener;
    private final int seedPadding;
    private final Map<Integer, List<RaftLog>> applied = new HashMap<>();
    /** Entries absorbed from another partition's seed, by partition. */
    private final Map<Integer, List<RaftLog>> absorbed = new HashMap<>();
    /** The highest index each partition was asked for a snapshot at, in this incarnation. */
    private final Map<Integer, Long> snapshotsAsked = new HashMap<>();
    /** The splits of each partition: the index of the split entry and the range that left. */
    private final Map<Integer, List<Split>> splits = new HashMap<>();

    private record Split(long index, PartitionRange range) {
    }

    SimStateMachine(IntPredicate transferred, InstallListener listener) {
        this(transferred, listener, p -> { }, 0);
    }

    /**
     * @param splitListener told of each split of a partition, once the moved keys left it
     * @param seedPadding   bytes of padding each seed (a moved range's state) starts with
     */
    SimStateMachine(IntPredicate transferred, InstallListener listener, java.util.function.IntConsumer splitListener,
                    int seedPadding) {
        this.transferred = transferred;
        this.listener = listener;
        this.splitListener = splitListener;
        this.seedPadding = seedPadding;
    }

    @Override
    public boolean transfers(int partition) {
        return transferred.test(partition);
    }

    /** An entry handed to the application (delivered or restored). */
    void apply(int partition, RaftLog log) {
        if (transferred.test(partition)) {
            applied.computeIfAbsent(partition, p -> new ArrayList<>()).add(log);
        }
    }

    /** A partition's restore started: its state is rebuilt from the stored snapshot (if any) and the log. */
    void reset(int partition) {
        applied.remove(partition);
        absorbed.remove(partition);
        splits.remove(partition);
    }

    /** The key of an entry written as {@code key#rest}, or null. */
    static String keyOf(RaftLog log) {
        String text = new String(log.data(), java.nio.charset.StandardCharsets.UTF_8);
        int hash = text.indexOf('#');
        return hash < 0 ? null : text.substring(0, hash);
    }

    /**
     * The entries that belong to a partition now: those absorbed, then those handed, less those whose key a split
     * has moved away (a split moves what was absorbed or handed before its index).
     */
    List<RaftLog> keyed(int partition) {
        List<RaftLog> held = new ArrayList<>();
        List<Split> gone = splits.getOrDefault(partition, List.of());
        for (RaftLog log : absorbed.getOrDefault(partition, List.of())) {
            if (!moved(log, log.index(), gone)) {
                held.add(log);
            }
        }
        for (RaftLog log : applied.getOrDefault(partition, List.of())) {
            if (!moved(log, log.index(), gone)) {
                held.add(log);
            }
        }
        return held;
    }

    private static boolean moved(RaftLog log, long index, List<Split> gone) {
        String key = keyOf(log);
        return key != null && gone.stream().anyMatch(s -> index <= s.index()
                && s.range().contains(io.kommander.PartitionMap.hash(key)));
    }

    @Override
    public boolean splitsPartitions() {
        return true;
    }

    @Override
    public CompletableFuture<byte[]> produceRangeSnapshot(int partition, long index, PartitionRange range) {
        List<RaftLog> leaving = keyed(partition).stream()
                .filter(log -> keyOf(log) != null && range.contains(io.kommander.PartitionMap.hash(keyOf(log))))
                .toList();
        splits.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Split(index, range));
        splitListener.accept(partition);
        byte[] state = encode(leaving);
        if (seedPadding == 0) {
            return CompletableFuture.completedFuture(state);
        }
        return CompletableFuture.completedFuture(java.nio.ByteBuffer.allocate(seedPadding + state.length)
                .put(padding(seedPadding)).put(state).array());
    }

    /** The padding a seed starts with: a fixed pattern, so that a seed cut or mixed does not pass for one. */
    private static byte[] padding(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    @Override
    public CompletableFuture<Void> absorbSnapshot(int partition, long index, int fromPartition, byte[] snapshot) {
        try {
            // Each absorbed entry is stamped with the index it was absorbed at, so that a later split of this
            // partition (a merge's survivor may have been split before) moves it only if it came before the split.
            if (snapshot.length < seedPadding || !java.util.Arrays.equals(snapshot, 0, seedPadding,
                    padding(seedPadding), 0, seedPadding)) {
                throw new IllegalArgumentException("a seed without its " + seedPadding + " bytes of padding");
            }
            byte[] state = java.util.Arrays.copyOfRange(snapshot, seedPadding, snapshot.length);
            List<RaftLog> entries = decode(state).stream().map(log -> new RaftLog(index, log.term(), log.kind(),
                    log.time(), log.applicationType(), log.data())).toList();
            absorbed.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(entries);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** What the application holds of a partition. */
    List<RaftLog> state(int partition) {
        return List.copyOf(applied.getOrDefault(partition, List.of()));
    }

    /** The highest index {@code partition} was asked for a snapshot at since this node started, or 0. */
    long snapshotAskedUpTo(int partition) {
        return snapshotsAsked.getOrDefault(partition, 0L);
    }

    @Override
    public CompletableFuture<byte[]> produceSnapshot(int partition, long index) {
        snapshotsAsked.merge(partition, index, Math::max);
        List<RaftLog> state = state(partition);
        if (!state.isEmpty() && state.get(state.size() - 1).index() > index) {
            // Entries the application never sees (barriers, configurations) may follow the last one it was handed.
            return CompletableFuture.failedFuture(new IllegalStateException("asked for a snapshot at " + index
                    + " but the last entry handed over is " + state.get(state.size() - 1).index()));
        }
        return CompletableFuture.completedFuture(encodeWhole(state, absorbed.getOrDefault(partition, List.of()),
                splits.getOrDefault(partition, List.of())));
    }

    @Override
    public CompletableFuture<Void> installSnapshot(int partition, long index, byte[] snapshot) {
        List<RaftLog> state;
        try {
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(snapshot);
            state = decode(section(in));
            List<RaftLog> seeds = decode(section(in));
            List<Split> gone = new ArrayList<>();
            for (int count = in.getInt(); count > 0; count--) {
                gone.add(new Split(in.getLong(), new PartitionRange(in.getLong(), in.getLong())));
            }
            absorbed.put(partition, new ArrayList<>(seeds));
            splits.put(partition, gone);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        applied.put(partition, new ArrayList<>(state));
        listener.installed(partition, index, state);
        return CompletableFuture.completedFuture(null);
    }

    private static byte[] encodeWhole(List<RaftLog> handed, List<RaftLog> seeds, List<Split> gone) {
        byte[] first = encode(handed);
        byte[] second = encode(seeds);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + first.length + second.length + 4 + 24 * gone.size());
        out.putInt(first.length).put(first).putInt(second.length).put(second).putInt(gone.size());
        gone.forEach(g -> out.putLong(g.index()).putLong(g.range().first()).putLong(g.range().last()));
        return out.array();
    }

    private static byte[] section(java.nio.ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return bytes;
    }

    static byte[] encode(List<RaftLog> state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.size());
            for (RaftLog log : state) {
                out.writeLong(log.index());
                out.writeLong(log.term());
                out.writeByte(log.kind().ordinal());
                out.writeLong(log.time().physical());
                out.writeLong(log.time().counter());
                out.writeInt(log.time().node());
                out.writeUTF(log.applicationType());
                out.writeInt(log.data().length);
                out.write(log.data());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<RaftLog> decode(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(snapshot))) {
            int count = in.readInt();
            if (count < 0 || count > snapshot.length) {
                throw new IllegalArgumentException("a snapshot of " + count + " entries");
            }
            List<RaftLog> state = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long index = in.readLong();
                long term = in.readLong();
                RaftLogType kind = RaftLogType.values()[in.readByte()];
                HLCTimestamp time = new HLCTimestamp(in.readLong(), in.readLong(), in.readInt());
                String type = in.readUTF();
                int length = in.readInt();
                if (length < 0 || length > snapshot.length) {
                    throw new IllegalArgumentException("an entry of " + length + " bytes");
                }
                byte[] data = new byte[length];
                in.readFully(data);
                state.add(new RaftLog(index, term, kind, time, type, data));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " bytes after the snapshot");
            }
            return state;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a snapshot of the simulator's state: " + e, e);
        }
    }
}
