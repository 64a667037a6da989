package io.kommander.transport;

/**
 * Receives the identity of every peer a transport accepted (its {@link NodeIdentity#check} found no disagreement),
 * once per handshake: a node learns from it, per peer, whether the peer held log entries when this process first
 * reached it. Implementations return quickly and never block: the call may run on a transport's I/O thread.
 */
@FunctionalInterface
public interface PeerIdentityHandler {

    /** Ignores every identity. */
    PeerIdentityHandler NONE = peer -> { };

    /** A peer presented {@code peer} and was accepted. */
    void onPeerIdentified(NodeIdentity peer);
}
