package io.kommander.transport;

import java.util.function.Supplier;

/**
 * What a transport needs to know when it starts.
 *
 * @param identities where this node's identity comes from: the transport asks for it at every handshake, since a
 *                   part of it ({@link NodeIdentity#holdsEntries()}) changes while the node runs; the rest never
 *                   changes, so the transport listens on the first one's {@code endpoint()}
 * @param handler    where inbound batches go
 * @param refusals   where refusals go, both those this transport makes and those its peers make
 * @param peers      where the identities of accepted peers go, at every handshake
 * @param metrics    where the transport reports frames, bytes, drops and reconnects ({@link TransportMetricsSink#NONE}
 *                   when the node keeps no metrics)
 */
public record TransportBinding(Supplier<NodeIdentity> identities, InboundHandler handler, RefusalHandler refusals,
                               PeerIdentityHandler peers, TransportMetricsSink metrics) {

    /** A binding that reports no metrics. */
    public TransportBinding(Supplier<NodeIdentity> identities, InboundHandler handler, RefusalHandler refusals,
                            PeerIdentityHandler peers) {
        this(identities, handler, refusals, peers, TransportMetricsSink.NONE);
    }

    /** A binding whose identity never changes and that ignores the peers' identities. */
    public TransportBinding(NodeIdentity identity, InboundHandler handler, RefusalHandler refusals) {
        this(() -> identity, handler, refusals, PeerIdentityHandler.NONE);
    }

    /**
     * This node's identity as it is now: the transport presents it to every peer it reaches and refuses peers whose
     * identity disagrees.
     */
    public NodeIdentity identity() {
        return identities.get();
    }

    /** This node's endpoint, {@code host:port}, to listen on and to identify itself with. */
    public String localEndpoint() {
        return identity().endpoint();
    }
}
