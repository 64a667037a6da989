package io.kommander.internal.node;

import io.kommander.RaftConfigurationException;
import io.kommander.transport.PeerRefusal;

/** Turns a transport's {@link PeerRefusal} into the error {@code joinCluster()} fails with. */
final class JoinRefusal {

    private JoinRefusal() {
    }

    /** The error, about the setting that decides what the refusal says disagrees, with the refusal's message. */
    static RaftConfigurationException toException(PeerRefusal refusal) {
        String setting = switch (refusal.reason()) {
            case CLUSTER_ID -> "clusterId";
            case NODE_ID -> "nodeId";
            case ENDPOINT, MEMBERS -> "discovery";
            case PARTITIONS -> "initialPartitions";
            case PROTOCOL, AUTHENTICATION -> "transport";
        };
        return new RaftConfigurationException(setting, "peer " + refusal.peer() + " and this node cannot form a "
                + "cluster: " + refusal.message());
    }
}
