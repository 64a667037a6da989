package io.kommander.sim;

import io.kommander.transport.IRaftTransport;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.TransportBinding;

import java.util.HashSet;
import java.util.Set;

/**
 * One node incarnation's {@link IRaftTransport} on the {@link SimNetwork}. Not thread-safe: the simulation thread
 * only.
 */
final class SimTransport implements IRaftTransport {

    private final SimNetwork network;
    private final int node;
    private boolean open;
    private TransportBinding binding;
    /** The transports (node lifetimes) this one has exchanged identities with, as a connection's handshake does. */
    private final Set<SimTransport> contacted = new HashSet<>();

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

    /** Whether this is the first batch from this transport to {@code receiver}: they exchange identities first. */
    boolean reached(SimTransport receiver) {
        return contacted.add(receiver);
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
