package io.kommander.internal.node;

import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.runtime.LibraryThreads;
import io.kommander.internal.transport.RaftTransportDispatcher;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.IRaftTransport;
import io.kommander.wal.IWAL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a node in two phases, neither of which ever waits on a partition executor, so a listener or the
 * completion of a leadership transfer may start it. First every partition stops (refusing calls, answering open
 * ones, dropping queued operations: nothing there waits). Then, once no partition operation runs any more (or after
 * a bound, should a listener be stuck), the resources that block on I/O are released on the runtime's callback
 * executor: the dispatcher, the transport, the WAL, and the runtime itself if the node owns it.
 *
 * <p>Thread-safe; {@link #begin} runs once.
 */
final class NodeShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(NodeShutdown.class);
    /** How long running partition operations may go on before the WAL and transport are released under them. */
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final String name;
    private final IRaftRuntime runtime;
    private final boolean ownsRuntime;
    private final RaftTransportDispatcher dispatcher;
    private final IRaftTransport transport;
    private final IWAL wal;
    private final AtomicBoolean releasing = new AtomicBoolean();
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    NodeShutdown(String name, IRaftRuntime runtime, boolean ownsRuntime, RaftTransportDispatcher dispatcher,
                 IRaftTransport transport, IWAL wal) {
        this.name = name;
        this.runtime = runtime;
        this.ownsRuntime = ownsRuntime;
        this.dispatcher = dispatcher;
        this.transport = transport;
        this.wal = wal;
    }

    /**
     * Stops {@code partitions} and schedules the release.
     *
     * @param beforeWal runs on the callback executor after the transport closed and before the WAL does (the node
     *                  fails what still waits on it)
     * @return completes on the callback executor once everything is released
     */
    CompletableFuture<Void> begin(Collection<RaftPartition> partitions, Runnable beforeWal) {
        CompletableFuture<Void> stopped = CompletableFuture.allOf(
                partitions.stream().map(RaftPartition::closeAsync).toArray(CompletableFuture[]::new));
        IRaftRuntime.Cancellable deadline = runtime.schedule(STOP_WAIT_MILLIS, () -> {
            if (!stopped.isDone()) {
                LOG.warn("{}: partition operations still run {} ms after close (a blocked listener?); releasing the"
                        + " WAL and transport anyway", name, STOP_WAIT_MILLIS);
            }
            release(beforeWal);
        });
        stopped.whenComplete((done, error) -> {
            deadline.cancel();
            release(beforeWal);
        });
        return released;
    }

    private void release(Runnable beforeWal) {
        if (!releasing.compareAndSet(false, true)) {
            return;
        }
        Runnable release = () -> {
            dispatcher.close();
            closeQuietly(transport, "transport");
            beforeWal.run();
            closeQuietly(wal, "WAL");
            if (ownsRuntime) {
                runtime.close();
            }
            released.complete(null);
        };
        try {
            LibraryThreads.marking(runtime.callbackExecutor()).execute(release);
        } catch (RejectedExecutionException shutDown) {
            release.run();
        }
    }

    private void closeQuietly(AutoCloseable resource, String what) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("{}: closing the {} failed", name, what, e);
        }
    }
}
