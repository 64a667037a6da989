package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.internal.transport.RaftTransportDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what a partition's state machine asks in a {@link Ready}, in the Ready's order: sends its messages,
 * reports a leader change, persists its WAL step (sending what waits on it once durable), hands deliveries to the
 * application, answers requests, installs a received snapshot, and reads the WAL for a follower's catch-up.
 *
 * <p>Not thread-safe: runs on the partition's executor.
 */
final class ReadyCarrier {

    // The partition's log category: what operators filter a partition's troubles by.
    private static final Logger LOG = LoggerFactory.getLogger(RaftPartition.class);

    /** What carrying out a Ready needs of its partition. */
    interface Host extends PartitionParts {
        /** The current state machine, or null after a WAL failure until the next restore. */
        RaftPartitionStateMachine machine();

        /** The partition's epoch: a WAL completion begun under another one is stale. */
        int epoch();

        /** Whether the partition is closed: then nothing more is carried out. */
        boolean closed();

        /** A WAL write failed: restore from it. */
        void walFailed(Throwable error);

        /** A WAL write became durable: the WAL works. */
        void walWriteSucceeded();

        /** The machine knows a new leader (or none): the partition's lock-free view of it. */
        void leaderSeen(String leader);

        /** Hands a restored entry to the application. */
        void handRestored(RaftLog log);

        /** The application holds the partition's state up to {@code index}. */
        void applicationAt(long index);
    }

    private final RaftWriteAhead writeAhead;
    private final PartitionSnapshots snapshotFiles;
    private final Host host;

    ReadyCarrier(RaftWriteAhead writeAhead, PartitionSnapshots snapshotFiles, Host host) {
        this.writeAhead = writeAhead;
        this.snapshotFiles = snapshotFiles;
        this.host = host;
    }

    /** Carries out everything the machine asks until it asks nothing more. */
    void carryOutReady() {
        Ready ready;
        // A listener may close the node meanwhile: then nothing more is carried out.
        while (!host.closed() && !(ready = host.machine().takeReady()).isEmpty()) {
            carryOut(ready);
        }
    }

    private void carryOut(Ready ready) {
        int id = host.id();
        PartitionContext context = host.context();
        PartitionCallbacks callbacks = host.callbacks();
        for (Ready.Outbound out : ready.messages) {
            context.dispatcher().send(out.to(), out.message());
        }
        if (ready.leaderChanged) {
            host.leaderSeen(host.machine().leader());
            callbacks.leaderChanged(id, host.machine().leader());
        }
        ReadyMetrics.report(context.metrics(), ready, host.machine().leader());
        if (ready.persist != null) {
            persist(ready.persist);
        }

        for (RaftLog log : ready.restoredDeliveries) {
            host.handRestored(log);
        }
        for (RaftLog log : ready.deliveries) {
            callbacks.delivered(id, log);
            host.applicationAt(log.index());
        }
        host.requests().answer(ready.completions, ready.statusCompletions);
        if (ready.snapshotInstall != null) {
            // After this Ready's deliveries: the application's state is replaced once it has what came before.
            snapshotFiles.install(ready.snapshotInstall);
        }
        if (ready.snapshotRead) {
            int at = host.epoch();
            writeAhead.readSnapshot((encoded, error) -> {
                if (at != host.epoch()) {
                    return;
                }
                if (error != null) {
                    LOG.warn("partition {}: reading the snapshot to send failed", id, error);
                }
                host.machine().snapshotRead(error == null ? encoded : null);
            });
        }
        for (Ready.CatchUpRead read : ready.catchUpReads) {
            int at = host.epoch();
            writeAhead.readForCatchUp(read.from(), read.to(), context.configuration().maxBytesPerAppend(),
                    (entries, error) -> {
                        if (at != host.epoch()) {
                            return;
                        }
                        if (error != null) {
                            LOG.warn("partition {}: catch-up read {}..{} for {} failed", id, read.from(), read.to(),
                                    read.peer(), error);
                            host.machine().catchUpReadFailed(read.peer());
                        } else {
                            host.machine().entriesRead(read.peer(), read.term(), entries);
                        }
                    });
        }
    }

    private void persist(Ready.PersistStep step) {
        int at = host.epoch();
        RaftTransportDispatcher dispatcher = host.context().dispatcher();
        writeAhead.persist(step, error -> {
            if (at != host.epoch()) {
                return;
            }
            if (error != null) {
                host.walFailed(error);
                return;
            }
            host.walWriteSucceeded();
            for (Ready.Outbound out : step.after()) {
                dispatcher.send(out.to(), out.message());
            }
            host.machine().persisted(step.seq(), step.lastIndexAfter());
        });
    }
}
