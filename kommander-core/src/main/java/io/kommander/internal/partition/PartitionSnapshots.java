package io.kommander.internal.partition;

import io.kommander.IRaftStateMachineTransfer;
import io.kommander.wal.LogPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A partition host's side of snapshots: asks the application to produce one and stores it with a compaction,
 * has the application install one received from the leader and resets the WAL to it, and at a restore installs the
 * stored one (finishing first an install a crash or WAL failure interrupted). The application's futures may complete
 * on any thread; what follows is posted back to the partition's executor, and dropped if the partition restored
 * meanwhile (its epoch moved).
 *
 * <p>Used only from the partition's executor.
 */
final class PartitionSnapshots {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionSnapshots.class);

    /** What this class needs of its partition host. */
    interface Host {
        /** The current state machine, or null after a WAL failure until the next restore. */
        RaftPartitionStateMachine machine();

        /** The host's epoch: bumped by every WAL failure. */
        int epoch();

        /** The WAL failed: restore from it. */
        void walFailed(Throwable error);

        /** The application's state of the partition is now the snapshot's, up to {@code index}. */
        void applicationAt(long index);

        /** A snapshot from the leader is installed and stored: tell the application's listeners. */
        void installed(long index);
    }

    private final int partition;
    private final IRaftStateMachineTransfer transfer;
    private final RaftPartitionExecutor executor;
    private final RaftWriteAhead writeAhead;
    private final Host host;
    /** A snapshot the application installed whose storing in the WAL failed: a restore stores it first. */
    private SnapshotControl.Install unstored;

    PartitionSnapshots(int partition, NodeSnapshots snapshots, RaftPartitionExecutor executor,
                       RaftWriteAhead writeAhead, Host host) {
        this.partition = partition;
        this.transfer = snapshots.enabledFor(partition) ? snapshots.transfer() : null;
        this.executor = executor;
        this.writeAhead = writeAhead;
        this.host = host;
    }

    /** Whether the partition has snapshots. */
    boolean enabled() {
        return transfer != null;
    }

    /**
     * Asks the application for a snapshot at {@code index} (the applied index, now), then stores it with a
     * compaction up to what the machine then allows; runs {@code finished} when done, whatever the outcome.
     */
    void produce(RaftPartitionStateMachine machine, long index, Runnable finished) {
        int epoch = host.epoch();
        SnapshotImage header = machine.snapshots().begin(index);
        call(() -> transfer.produceSnapshot(partition, index)).whenComplete((state, error) ->
                executor.post(RaftPartitionExecutor.Priority.MAINTENANCE, () -> {
                    RaftPartitionStateMachine current = host.machine();
                    if (host.epoch() != epoch || current == null) {
                        finished.run();
                        return;
                    }
                    if (error != null || state == null || state.length > IRaftStateMachineTransfer.MAX_SNAPSHOT_BYTES) {
                        LOG.warn("partition {}: no snapshot at {}: {}", partition, index, error != null ? error
                                : state == null ? "the application gave null" : state.length + " bytes is too large");
                        current.snapshots().produced(null, null);
                        finished.run();
                        return;
                    }
                    SnapshotImage image = header.withState(state);
                    byte[] encoded = image.encode();
                    current.snapshots().produced(image, encoded);
                    LogPosition target = current.snapshots().compactionTarget();
                    LogPosition to = target != null ? target : current.snapshots().logStart();
                    writeAhead.storeSnapshot(image, encoded, to, false, stored -> {
                        finished.run();
                        if (host.epoch() != epoch) {
                            return;
                        }
                        if (stored != null) {
                            LOG.warn("partition {}: storing the snapshot at {} failed", partition, index, stored);
                        } else {
                            host.machine().snapshots().compacted(to);
                        }
                    });
                }));
    }

    /**
     * Has the application install a complete snapshot from the leader, then stores it and resets the WAL to its
     * boundary (or compacts up to it, if the log holds the boundary entry), then restarts the log from it.
     */
    void install(SnapshotControl.Install install) {
        int epoch = host.epoch();
        SnapshotImage image = install.image();
        long index = image.boundary().index();
        call(() -> transfer.installSnapshot(partition, index, image.state())).whenComplete((done, error) ->
                executor.post(RaftPartitionExecutor.Priority.REPLICATION, () -> {
                    RaftPartitionStateMachine current = host.machine();
                    if (host.epoch() != epoch || current == null) {
                        if (error == null) {
                            // The application holds the snapshot, but the partition restored meanwhile (a WAL
                            // failure): restore again, storing it first, so the log matches the application.
                            host.applicationAt(index);
                            unstored = install;
                            host.walFailed(new IllegalStateException("partition " + partition + ": a snapshot was"
                                    + " installed while the partition restored; restoring again to store it"));
                        }
                        return;
                    }
                    if (error != null) {
                        LOG.warn("partition {}: the application could not install the snapshot at {}", partition,
                                index, error);
                        current.snapshots().installFailed();
                        return;
                    }
                    host.applicationAt(index);
                    unstored = install;
                    boolean keep = current.snapshots().keepsLog(image.boundary());
                    writeAhead.storeSnapshot(image, install.encoded(), image.boundary(), !keep, stored -> {
                        if (host.epoch() != epoch) {
                            return;
                        }
                        if (stored != null) {
                            host.walFailed(stored);
                            return;
                        }
                        unstored = null;
                        host.machine().snapshots().installed(image, install.encoded());
                        host.installed(index);
                    });
                }));
    }

    /**
     * Prepares a restore: takes the stored snapshot (or one installed but not stored), finishes an interrupted
     * install in the WAL first (reading the head again), has the application install it if its state is older
     * ({@code applicationAt} below the boundary), and continues with the head whose client sessions and configuration
     * are the snapshot's, so the log starts after its boundary. Without snapshots the head goes on unchanged.
     *
     * @param applicationAt what the application of this process has of the partition (its last index)
     * @param reread        reads the head again
     * @param next          the restore's continuation, with the head or an error
     */
    void restore(RaftWriteAhead.RestoreHead head, long applicationAt,
                 Supplier<CompletableFuture<RaftWriteAhead.RestoreHead>> reread,
                 BiConsumer<RaftWriteAhead.RestoreHead, Throwable> next) {
        if (transfer == null || (head.snapshot() == null && unstored == null)) {
            next.accept(head, null);
            return;
        }
        SnapshotImage image;
        byte[] encoded;
        try {
            image = head.snapshot() == null ? null : SnapshotImage.decode(head.snapshot());
            encoded = head.snapshot();
        } catch (IllegalArgumentException e) {
            next.accept(null, new IllegalStateException("partition " + partition + ": the stored snapshot is corrupt",
                    e));
            return;
        }
        boolean pending = unstored != null && (image == null
                || unstored.image().boundary().index() > image.boundary().index());
        if (pending) {
            image = unstored.image();
            encoded = unstored.encoded();
        }
        LogPosition boundary = image.boundary();
        if (boundary.index() < head.compacted().index()) {
            next.accept(head, null);
            return;
        }
        if (pending || boundary.index() > head.last().index()) {
            int epoch = host.epoch();
            writeAhead.storeSnapshot(image, encoded, boundary, boundary.index() > head.last().index(), stored -> {
                if (host.epoch() != epoch) {
                    return;
                }
                if (stored != null) {
                    next.accept(null, stored);
                    return;
                }
                unstored = null;
                reread.get().whenComplete((again, error) -> {
                    if (error != null) {
                        next.accept(null, error);
                    } else {
                        restore(again, applicationAt, reread, next);
                    }
                });
            });
            return;
        }
        SnapshotImage held = image;
        byte[] heldEncoded = encoded;
        Runnable proceed = () -> {
            host.machine().snapshots().restored(held, heldEncoded);
            next.accept(new RaftWriteAhead.RestoreHead(head.hardState(), head.compacted(), head.lastCheckpoint(),
                    head.last(), held.sessions(), held.configuration(), held.moves(), heldEncoded, head.verified()),
                    null);
        };
        if (applicationAt >= boundary.index()) {
            proceed.run();
            return;
        }
        int epoch = host.epoch();
        call(() -> transfer.installSnapshot(partition, boundary.index(), held.state())).whenComplete((done, error) ->
                executor.post(RaftPartitionExecutor.Priority.CONTROL, () -> {
                    if (host.epoch() != epoch || host.machine() == null) {
                        return;
                    }
                    if (error != null) {
                        next.accept(null, error);
                        return;
                    }
                    host.applicationAt(boundary.index());
                    proceed.run();
                }));
    }

    /** Calls the application, turning a throw into a failed future. */
    private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        try {
            CompletableFuture<T> future = call.get();
            return future != null ? future : CompletableFuture.failedFuture(
                    new IllegalStateException("the application returned no future"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
