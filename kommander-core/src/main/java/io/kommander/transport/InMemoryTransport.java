package io.kommander.transport;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link IRaftTransport} that delivers to other transports of the same {@link InMemoryNetwork}, in one JVM.
 * Deliveries run on the sender's thread (or the network's delay thread); the receiving node only queues them.
 *
 * <p>Like a network transport it checks identities before it delivers anything between two nodes (see
 * {@link IRaftTransport}): on the first delivery to each peer, and again when that peer has restarted.
 */
public final class InMemoryTransport implements IRaftTransport {

    /** The outcome of the identity check with the transport that was at an endpoint. */
    private record Contact(InMemoryTransport peer, boolean accepted) {
    }

    private final InMemoryNetwork network;
    private final Map<String, Contact> contacts = new ConcurrentHashMap<>();
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
            network.route(this, endpoint, batch);
        }
    }

    /**
     * Whether this transport and {@code peer}, reached at {@code endpoint}, accept each other. Checked as over a
     * connection: the peer checks this node's identity, then this node checks the peer's against what it
     * dialled; a refusal is reported to both nodes. Two threads may race to check and both report: refusal
     * handlers tolerate repeats.
     */
    boolean handshake(String endpoint, InMemoryTransport peer) {
        Contact known = contacts.get(endpoint);
        if (known != null && known.peer == peer) {
            return known.accepted;
        }
        TransportBinding mine = binding;
        TransportBinding theirs = peer.binding;
        NodeIdentity myIdentity = mine.identity();
        NodeIdentity theirIdentity = theirs.identity();
        Optional<PeerRefusal> refusal = theirIdentity.check(myIdentity, null)
                .map(r -> r.withPeer(endpoint))
                .or(() -> myIdentity.check(theirIdentity, endpoint));
        contacts.put(endpoint, new Contact(peer, refusal.isEmpty()));
        if (refusal.isPresent()) {
            mine.refusals().onRefused(refusal.get());
            theirs.refusals().onRefused(refusal.get().withPeer(mine.localEndpoint()));
        } else {
            mine.peers().onPeerIdentified(theirIdentity);
            theirs.peers().onPeerIdentified(myIdentity);
        }
        return refusal.isEmpty();
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
