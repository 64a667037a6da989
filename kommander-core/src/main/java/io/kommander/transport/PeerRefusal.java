package io.kommander.transport;

/**
 * A peer this node cannot form a cluster with, as a transport reports it to the node through
 * {@link TransportBinding#refusals()}: whichever side noticed the disagreement, both nodes are told.
 *
 * @param peer    the peer's endpoint: the one this node dialled, or the one the peer gave when it reached this node
 * @param reason  what disagrees
 * @param message what disagrees, naming both sides, for the log and for the error {@code joinCluster()} fails with
 */
public record PeerRefusal(String peer, Reason reason, String message) {

    /** What two nodes disagree on. */
    public enum Reason {
        /** They belong to different clusters. */
        CLUSTER_ID,
        /** A member is listed under an endpoint other than the one it calls itself, or two call themselves alike. */
        ENDPOINT,
        /** Two members have the same node id. */
        NODE_ID,
        /** Their member lists differ. */
        MEMBERS,
        /** They are configured with different partition counts. */
        PARTITIONS,
        /**
         * The peer did not prove who it is: another authentication mode, other shared secrets, or a certificate
         * that does not name it.
         */
        AUTHENTICATION,
        /** Their transports cannot talk: another protocol version, or a handshake the other side cannot read. */
        PROTOCOL
    }

    /** The same refusal about another peer: how the other side of the exchange reports it. */
    public PeerRefusal withPeer(String otherPeer) {
        return new PeerRefusal(otherPeer, reason, message);
    }
}
