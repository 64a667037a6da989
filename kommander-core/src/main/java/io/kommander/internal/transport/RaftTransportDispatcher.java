package io.kommander.internal.transport;

import io.kommander.internal.metrics.NodeMetrics;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.RaftMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends outbound messages without touching partition state: one queue per peer, flushed on the shared pool, so
 * the messages many partitions queue for one peer leave as one {@link MessageBatch} (one transport write).
 *
 * <p>Thread-safe.
 */
public final class RaftTransportDispatcher {

    private final String self;
    private final IRaftTransport transport;
    private final Executor pool;
    private final int maxBatch;
    private final long maxBatchBytes;
    private final NodeMetrics metrics;
    private final Map<String, PeerQueue> queues = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private final class PeerQueue {
        final String peer;
        final ConcurrentLinkedQueue<RaftMessage> messages = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();

        PeerQueue(String peer) {
            this.peer = peer;
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    pool.execute(this::flush);
                } catch (RejectedExecutionException shuttingDown) {
                    scheduled.set(false);
                }
            }
        }

        void flush() {
            try {
                while (!closed) {
                    List<RaftMessage> batch = new ArrayList<>();
                    long bytes = 0;
                    RaftMessage message;
                    // Single consumer (the scheduled flag), so peeking before polling is safe.
                    while (batch.size() < maxBatch && (message = messages.peek()) != null
                            && (batch.isEmpty() || bytes + message.sizeEstimate() <= maxBatchBytes)) {
                        messages.poll();
                        batch.add(message);
                        bytes += message.sizeEstimate();
                    }
                    if (batch.isEmpty()) {
                        break;
                    }
                    metrics.messagesSent(batch.size());
                    transport.send(peer, new MessageBatch(self, batch));
                }
            } finally {
                scheduled.set(false);
            }
            if (!closed && !messages.isEmpty()) {
                schedule();
            }
        }
    }

    /**
     * A dispatcher that counts nothing.
     *
     * @param self      this node's endpoint, stamped on every batch
     * @param transport the transport
     * @param pool      where flushes run
     * @param maxBatch  messages per batch at most (bytes are bounded by {@link IRaftTransport#maxBatchBytes()})
     */
    public RaftTransportDispatcher(String self, IRaftTransport transport, Executor pool, int maxBatch) {
        this(self, transport, pool, maxBatch, NodeMetrics.NONE);
    }

    /**
     * @param self      this node's endpoint, stamped on every batch
     * @param transport the transport
     * @param pool      where flushes run
     * @param maxBatch  messages per batch at most (bytes are bounded by {@link IRaftTransport#maxBatchBytes()})
     * @param metrics   where the messages sent are counted
     */
    public RaftTransportDispatcher(String self, IRaftTransport transport, Executor pool, int maxBatch,
                                   NodeMetrics metrics) {
        this.self = self;
        this.metrics = metrics;
        this.transport = transport;
        this.pool = pool;
        this.maxBatch = maxBatch;
        // No single message exceeds the budget: FrameBudget bounds every AppendLogs and entry by it.
        this.maxBatchBytes = transport.maxBatchBytes();
    }

    /** Queues a message for a peer. */
    public void send(String peer, RaftMessage message) {
        if (closed) {
            return;
        }
        PeerQueue queue = queues.computeIfAbsent(peer, PeerQueue::new);
        queue.messages.add(message);
        queue.schedule();
    }

    /** Drops queued messages and stops flushing. */
    public void close() {
        closed = true;
        queues.values().forEach(q -> q.messages.clear());
    }
}
