package io.kommander.sim;

import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.RaftPartitionStateMachine;
import io.kommander.wal.LogEntry;
import io.kommander.wal.WalException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, after every event, the two rules configuration changes rest on: a leader never has more than one
 * configuration change in flight (appended, not committed), and every entry a leader commits is held durably by a
 * majority of the voters of the configuration it is in effect under on that leader, learners never counting. And
 * that no replica's term passes {@link RaftPartitionStateMachine#MAX_TERM_LEAD}, which elections never reach in a
 * run: only a corrupt message ({@link SimNetwork.Conditions#corrupt()}) could carry it there. The
 * views it reads are what each replica's executor last published ({@link RaftPartition#view()}), the disks what
 * survived ({@link SimDisk}).
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class QuorumMonitor {

    private final List<SimNode> nodes;
    private final SafetyMonitor monitor;
    private final int partitions;
    /** The commit index each replica last showed: a leader's rise past it is what it committed by counting. */
    private final long[][] lastCommit;

    QuorumMonitor(List<SimNode> nodes, SafetyMonitor monitor, int partitions) {
        this.nodes = nodes;
        this.monitor = monitor;
        this.partitions = partitions;
        this.lastCommit = new long[nodes.size()][partitions + 1];
    }

    /** Looks at every running replica's view. */
    void check() {
        RunningReplicas.forEach(nodes, partitions, (node, p, view) -> {
            if (view.term() > RaftPartitionStateMachine.MAX_TERM_LEAD) {
                // No run gets near the bound by elections: a term past it came from a corrupt message.
                monitor.fail("term: n" + node.index() + " adopted term " + view.term() + " on p" + p
                        + ", past the bound of " + RaftPartitionStateMachine.MAX_TERM_LEAD);
            }
            long before = lastCommit[node.index()][p];
            lastCommit[node.index()][p] = view.commitIndex();
            if (!view.leader()) {
                return;
            }
            if (view.configurationChangesInFlight() > 1) {
                monitor.fail("configuration: n" + node.index() + " leads p" + p + " in term " + view.term()
                        + " with " + view.configurationChangesInFlight() + " changes in flight (one at a time)");
            }
            for (long index = before + 1; index <= view.commitIndex(); index++) {
                checkHeldByVoters(node, p, index, view.configuration());
            }
        });
    }

    /** Entry {@code index}, just committed by {@code leader}, must be on a majority of {@code configuration}'s voters. */
    private void checkHeldByVoters(SimNode leader, int p, long index, Configuration configuration) {
        // Committed means one term's entry is on a majority: count the voters holding each term found at the index.
        Map<Long, Integer> holders = new HashMap<>();
        for (SimNode node : nodes) {
            if (!configuration.isVoter(node.endpoint())) {
                continue;
            }
            if (index <= node.disk().compactedUpTo(p).index()) {
                return;
            }
            try {
                List<LogEntry> entry = node.disk().read(p, index, index, Long.MAX_VALUE);
                // A leader may count an acknowledgement a node gave before its disk was wiped: that is the loss a
                // wipe is, not a miscount (the wiped node then votes for no one until it holds the entry again).
                long term = entry.isEmpty() ? node.disk().heldBeforeWipe(p, index) : entry.get(0).term();
                if (term > 0) {
                    holders.merge(term, 1, Integer::sum);
                }
            } catch (WalException compactedMeanwhile) {
                return;
            }
        }
        int held = holders.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (held <= configuration.voters().size() / 2) {
            monitor.fail("quorum: n" + leader.index() + " committed p" + p + " index " + index + " held durably by "
                    + held + " of the voters " + configuration.voters() + " (learners " + configuration.learners()
                    + ")");
        }
    }
}
