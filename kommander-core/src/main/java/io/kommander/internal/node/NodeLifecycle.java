package io.kommander.internal.node;

import io.kommander.RaftClosedException;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.runtime.LibraryThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The node's start and close, each once and a close never undone: whether the node has started and whether it is
 * closed, the join callers wait on, and the close they wait on.
 *
 * <p>Thread-safe.
 */
final class NodeLifecycle {

    /** A close that does not finish is logged under {@link RaftNode}'s name, where log configurations expect it. */
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);
    /** How long {@link #await} waits, on an application thread, for everything to be released. */
    private static final long CLOSE_WAIT_MILLIS = 30_000;

    private final String self;
    private final CallerFutures futures;
    private final LeaderWaiters leaderWaiters;
    private final Object lock = new Object();
    /** Completes when the node has joined; fails on a refusal by a peer or a close before the join. */
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    /** {@link #joined} as callers see it: completing on the callback executor. */
    private CompletableFuture<Void> joinedView;
    private boolean started;
    private CompletableFuture<Void> closing;
    private volatile boolean closed;

    /** @param leaderWaiters what a close fails, besides the join */
    NodeLifecycle(String self, CallerFutures futures, LeaderWaiters leaderWaiters) {
        this.self = self;
        this.futures = futures;
        this.leaderWaiters = leaderWaiters;
    }

    /** The join itself (not the callers' view of it), for whatever can fail it. */
    CompletableFuture<Void> joined() {
        return joined;
    }

    /** Whether the node is closed (or closing). */
    boolean closed() {
        return closed;
    }

    /** Whether {@link #join} was called. */
    boolean started() {
        synchronized (lock) {
            return started;
        }
    }

    /** Starts the node through {@code startup} the first time; every call returns the same join. */
    CompletableFuture<Void> join(NodeStartup startup) {
        synchronized (lock) {
            if (closed) {
                return futures.failed(new RaftClosedException("joinCluster on a closed node"));
            }
            if (started) {
                return joinedView;
            }
            started = true;
            RaftPartition system = startup.prepare(joined);
            joinedView = futures.relay(joined);
            if (system != null) {
                startup.launch(system);
            }
            return joinedView;
        }
    }

    /**
     * Closes the node the first time: marks it closed, runs {@code stopParts}, then releases the partitions through
     * {@code shutdown}; every call returns the same close.
     */
    CompletableFuture<Void> close(Runnable stopParts, NodeShutdown shutdown, Collection<RaftPartition> partitions) {
        synchronized (lock) {
            if (closing != null) {
                return closing;
            }
            closed = true;
            closing = futures.incomplete();
        }
        stopParts.run();
        shutdown.begin(partitions, this::failWaiters).whenComplete((done, error) -> closing.complete(null));
        return closing;
    }

    /** Waits (bounded) for {@code done}, a close, unless called on a library thread. */
    void await(CompletableFuture<Void> done) {
        if (LibraryThreads.isCurrent()) {
            // A listener or callback: what would be waited for may be queued behind this very task.
            return;
        }
        try {
            done.get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: close did not finish within {} ms", self, CLOSE_WAIT_MILLIS, e);
        }
    }

    /** What waits on the node itself rather than on a partition. */
    private void failWaiters() {
        leaderWaiters.failAll(new RaftClosedException("node closed"));
        joined.completeExceptionally(new RaftClosedException("node closed before it joined"));
    }
}
