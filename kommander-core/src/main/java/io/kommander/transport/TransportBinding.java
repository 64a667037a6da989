package io.kommander.transport;

/**
 * What a transport needs to know when it starts.
 *
 * @param identity who this node is: the transport listens on {@code identity.endpoint()}, presents the identity to
 *                 every peer it reaches and refuses peers whose identity disagrees
 * @param handler  where inbound batches go
 * @param refusals where refusals go, both those this transport makes and those its peers make
 */
public record TransportBinding(NodeIdentity identity, InboundHandler handler, RefusalHandler refusals) {

    /** This node's endpoint, {@code host:port}, to listen on and to identify itself with. */
    public String localEndpoint() {
        return identity.endpoint();
    }
}
