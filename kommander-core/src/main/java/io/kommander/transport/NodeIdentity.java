package io.kommander.transport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who a node is, as it presents itself to every peer it reaches. Two nodes may form one cluster only if their
 * identities agree ({@link #check}): a transport exchanges identities when it first reaches a peer (Netty: in the
 * handshake of every connection) and, on any disagreement, refuses the peer and reports a {@link PeerRefusal} to
 * both nodes.
 *
 * <p>Endpoints are compared exactly as written: {@code localhost:7001} and {@code 127.0.0.1:7001} are different
 * endpoints, and a member listed under a name other than the one it is configured with is refused, loudly,
 * rather than resolved (resolution depends on DNS and on which interface answers, so it cannot be made safe).
 *
 * @param clusterId     the cluster's id
 * @param nodeId        the node's numeric id; no two members may share one
 * @param endpoint      the node's own {@code host:port}, as every member lists it
 * @param memberCount   how many members the node's member list holds, itself included
 * @param membersDigest the digest of that list ({@link #of}); equal lists, equal digests
 * @param partitions    the user partitions the node is configured to create ({@code initialPartitions})
 * @param incarnation   the node's incarnation: a random non-zero id stored in its WAL when it first started with an
 *                      empty one (a node whose data was lost comes back as a new incarnation); 0 if unknown. Not
 *                      compared by {@link #check}: it tells lifetimes of one node apart, it does not forbid a peer
 * @param holdsEntries  whether the node held a log entry, on any partition, when it presented this identity: a node
 *                      that starts with an empty WAL learns from it whether the cluster ever stored anything (see
 *                      {@code docs/membership.md}, "A node that lost its data"). Not compared by {@link #check}
 */
public record NodeIdentity(String clusterId, int nodeId, String endpoint, int memberCount, String membersDigest,
                           int partitions, long incarnation, boolean holdsEntries) {

    /** An identity without an incarnation (0) that holds no entries. */
    public NodeIdentity(String clusterId, int nodeId, String endpoint, int memberCount, String membersDigest,
                        int partitions) {
        this(clusterId, nodeId, endpoint, memberCount, membersDigest, partitions, 0, false);
    }

    /**
     * The {@link #membersDigest} of a node whose members come from the cluster's roster rather than from its
     * configured list (it joins a running cluster, or restarts with the roster in its WAL): its list is not compared,
     * and the node itself drops messages from senders outside the roster.
     */
    public static final String ROSTER = "roster";

    /** The identity of a node whose members come from the roster ({@link #ROSTER}): no member list to compare. */
    public static NodeIdentity inRoster(String clusterId, int nodeId, String endpoint, int partitions) {
        return new NodeIdentity(clusterId, nodeId, endpoint, 0, ROSTER, partitions);
    }

    /**
     * The identity of a node whose member list is {@code members} (this node's own endpoint is added if absent).
     * The digest is the first 8 bytes, in hex, of the SHA-256 of the distinct endpoints, sorted, one per line: it
     * does not depend on the order the members are listed in.
     */
    public static NodeIdentity of(String clusterId, int nodeId, String endpoint, Collection<String> members,
                                  int partitions) {
        SortedSet<String> all = new TreeSet<>(members);
        all.add(endpoint);
        return new NodeIdentity(clusterId, nodeId, endpoint, all.size(), digest(all), partitions);
    }

    /** This identity with the node's current incarnation and whether it holds any log entry now. */
    public NodeIdentity withState(long incarnation, boolean holdsEntries) {
        return new NodeIdentity(clusterId, nodeId, endpoint, memberCount, membersDigest, partitions, incarnation,
                holdsEntries);
    }

    /**
     * The first disagreement that forbids this node and {@code peer} to form one cluster, or empty if they agree.
     * Checked in order: cluster id, endpoint (the peer must call itself what this node dialled, and not what this
     * node calls itself), node id, member list (only when both nodes bootstrap from their configured lists; see
     * {@link #ROSTER}), partition count. The message names both sides.
     *
     * @param peer    the identity the peer presented
     * @param dialled the endpoint this node reached the peer at, or null when the peer reached this node
     * @return the refusal, whose {@link PeerRefusal#peer()} is {@code dialled}, or the peer's endpoint when null
     */
    public Optional<PeerRefusal> check(NodeIdentity peer, String dialled) {
        String other = dialled != null ? dialled : peer.endpoint;
        if (!clusterId.equals(peer.clusterId)) {
            return refuse(other, PeerRefusal.Reason.CLUSTER_ID, "node " + peer.nodeId + " (" + peer.endpoint
                    + ") belongs to cluster '" + peer.clusterId + "', node " + nodeId + " (" + endpoint
                    + ") to cluster '" + clusterId + "'");
        }
        if (dialled != null && !dialled.equals(peer.endpoint)) {
            return refuse(other, PeerRefusal.Reason.ENDPOINT, endpoint + " lists a member at " + dialled
                    + ", but the node there calls itself " + peer.endpoint + ": list every member by the endpoint"
                    + " it is configured with (endpoints are compared as written)");
        }
        if (endpoint.equals(peer.endpoint)) {
            return refuse(other, PeerRefusal.Reason.ENDPOINT, "node " + peer.nodeId + " and node " + nodeId
                    + " both call themselves " + endpoint);
        }
        if (nodeId == peer.nodeId) {
            return refuse(other, PeerRefusal.Reason.NODE_ID, "node id " + nodeId + " is used by both " + endpoint
                    + " and " + peer.endpoint + ": every member needs its own nodeId");
        }
        boolean listsCompared = !ROSTER.equals(membersDigest) && !ROSTER.equals(peer.membersDigest);
        if (listsCompared && (memberCount != peer.memberCount || !membersDigest.equals(peer.membersDigest))) {
            return refuse(other, PeerRefusal.Reason.MEMBERS, endpoint + " lists " + memberCount + " members (digest "
                    + membersDigest + "), " + peer.endpoint + " lists " + peer.memberCount + " members (digest "
                    + peer.membersDigest + "): every member must list the same members");
        }
        if (partitions != peer.partitions) {
            return refuse(other, PeerRefusal.Reason.PARTITIONS, endpoint + " is configured with initialPartitions "
                    + partitions + ", " + peer.endpoint + " with initialPartitions " + peer.partitions
                    + ": every member must use the same value");
        }
        return Optional.empty();
    }

    private static Optional<PeerRefusal> refuse(String peer, PeerRefusal.Reason reason, String message) {
        return Optional.of(new PeerRefusal(peer, reason, message));
    }

    private static String digest(SortedSet<String> members) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String member : members) {
                sha.update(member.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
