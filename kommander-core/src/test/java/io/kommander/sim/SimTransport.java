package io.kommander.sim;

import io.kommander.transport.IRaftTransport;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.TransportBinding;

/**
 * One node incarnation's {@link IRaftTransport} on the {@link SimNetwork}. Not thread-safe: the simulation thread
 * only.
 */
final class SimTransport implements IRaftTransport {

    private final SimNetwork network;
    private final int node;
    private boolean open;
    private TransportBinding binding;

    SimTransport(SimNetwork network, int node) {
        this.network = network;
        this.node = node;
    }

    @Override
    public void start(TransportBinding binding) {
        open = true;
        this.binding = binding;
        network.register(node, this);
    }

    @Override
    public void send(String endpoint, MessageBatch batch) {
        if (open) {
            network.send(node, endpoint, batch);
        }
    }

    /** Where this node's inbound batches, identity and peers' identities go. */
    TransportBinding binding() {
        return binding;
    }

    /** The crash: the node neither sends nor receives any more. */
    void disconnect() {
        open = false;
        network.unregister(node);
    }

    @Override
    public void close() {
        disconnect();
    }
}
