package io.kommander.bench.node.process;

import io.kommander.bench.node.NodeStats;
import io.kommander.bench.node.WriteOutcome;
import io.kommander.bench.system.NodeLedger;

/** What a node process answers to a {@link NodeRequest}. */
public sealed interface NodeReply {

    /** The outcome of a write. */
    record Written(WriteOutcome outcome) implements NodeReply {
    }

    /** A yes/no answer (is the node the leader). */
    record Flag(boolean value) implements NodeReply {
    }

    /** A copy of the node's ledger. */
    record Ledger(NodeLedger ledger) implements NodeReply {
    }

    /** The node's counters and placement. */
    record Stats(NodeStats stats) implements NodeReply {
    }

    /** A text answer (the configuration, or the acknowledgement of close). */
    record Text(String text) implements NodeReply {
    }

    /** The request failed in the node process: the message says why. */
    record Error(String message) implements NodeReply {
    }
}
