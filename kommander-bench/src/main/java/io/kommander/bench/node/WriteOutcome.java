package io.kommander.bench.node;

/** What a node answered to a write: acknowledged, not the leader (ask another node), or failed for good. */
public sealed interface WriteOutcome {

    /** The shared acknowledged outcome. */
    WriteOutcome ACKNOWLEDGED = new Acknowledged();

    /** The entry is committed and applied on this node, the partition's leader. */
    record Acknowledged() implements WriteOutcome {
    }

    /**
     * This node cannot take the write now (not the leader, leadership moving, queue full): retry, preferably on
     * {@code leaderHint}.
     *
     * @param leaderHint the node index (0-based) this node believes leads the partition, or -1 if it does not know
     * @param reason     the system's own status, for error messages
     */
    record NotLeader(int leaderHint, String reason) implements WriteOutcome {
    }

    /**
     * The write failed and retrying will not help.
     *
     * @param reason the system's own status or exception
     */
    record Failed(String reason) implements WriteOutcome {
    }
}
