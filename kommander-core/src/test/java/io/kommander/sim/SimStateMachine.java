package io.kommander.sim;

import io.kommander.IRaftStateMachineTransfer;
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
 * <p>Not thread-safe: the simulation thread only.
 */
final class SimStateMachine implements IRaftStateMachineTransfer {

    /** Told of every install (from a leader or at a restore), with the state it installed. */
    interface InstallListener {
        void installed(int partition, long index, List<RaftLog> state);
    }

    private final IntPredicate transferred;
    private final InstallListener listener;
    private final Map<Integer, List<RaftLog>> applied = new HashMap<>();

    SimStateMachine(IntPredicate transferred, InstallListener listener) {
        this.transferred = transferred;
        this.listener = listener;
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
    }

    /** What the application holds of a partition. */
    List<RaftLog> state(int partition) {
        return List.copyOf(applied.getOrDefault(partition, List.of()));
    }

    @Override
    public CompletableFuture<byte[]> produceSnapshot(int partition, long index) {
        List<RaftLog> state = state(partition);
        if (!state.isEmpty() && state.get(state.size() - 1).index() > index) {
            // Entries the application never sees (barriers, configurations) may follow the last one it was handed.
            return CompletableFuture.failedFuture(new IllegalStateException("asked for a snapshot at " + index
                    + " but the last entry handed over is " + state.get(state.size() - 1).index()));
        }
        return CompletableFuture.completedFuture(encode(state));
    }

    @Override
    public CompletableFuture<Void> installSnapshot(int partition, long index, byte[] snapshot) {
        List<RaftLog> state;
        try {
            state = decode(snapshot);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        applied.put(partition, new ArrayList<>(state));
        listener.installed(partition, index, state);
        return CompletableFuture.completedFuture(null);
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
