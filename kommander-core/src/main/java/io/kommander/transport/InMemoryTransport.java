package io.kommander.transport;

/**
 * An {@link IRaftTransport} that delivers to other transports of the same {@link InMemoryNetwork}, in one JVM.
 * Deliveries run on the sender's thread (or the network's delay thread); the receiving node only queues them.
 */
public final class InMemoryTransport implements IRaftTransport {

    private final InMemoryNetwork network;
    private volatile TransportBinding binding;
    private volatile boolean closed;

    InMemoryTransport(InMemoryNetwork network) {
        this.network = network;
    }

    @Override
    public void start(TransportBinding binding) {
        if (this.binding != null) {
            throw new IllegalStateException("transport already started");
        }
        this.binding = binding;
        network.register(binding.localEndpoint(), this);
    }

    @Override
    public void send(String endpoint, MessageBatch batch) {
        if (!closed && binding != null) {
            network.route(endpoint, batch);
        }
    }

    /** Hands a batch to this node; false if the node is closed. */
    boolean accept(MessageBatch batch) {
        TransportBinding current = binding;
        if (closed || current == null) {
            return false;
        }
        current.handler().onBatch(batch);
        return true;
    }

    @Override
    public void close() {
        closed = true;
        TransportBinding current = binding;
        if (current != null) {
            network.unregister(current.localEndpoint(), this);
        }
    }
}
