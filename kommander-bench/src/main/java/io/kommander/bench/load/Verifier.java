package io.kommander.bench.load;

import io.kommander.bench.system.NodeLedger;
import io.kommander.bench.system.PartitionLedger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Compares what nodes delivered with what was acknowledged. Followers may lag the leader a little when the load
 * stops, so {@link #verify} waits (up to a limit) for every node to catch up before judging.
 */
public final class Verifier {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Duration patience;

    /** A verifier that waits at most {@code patience} for nodes to catch up. */
    public Verifier(Duration patience) {
        this.patience = patience;
    }

    /**
     * Checks the nodes' ledgers against the acknowledged ids.
     *
     * @param acknowledged per partition, the ids acknowledged to clients
     * @param nodes        what each node delivered
     */
    public Verification verify(List<BitSet> acknowledged, List<NodeLedger> nodes) {
        return verify(acknowledged, () -> nodes);
    }

    /**
     * Checks the nodes' ledgers against the acknowledged ids, asking {@code nodes} again at every poll (for nodes
     * in other processes, whose ledgers are snapshots).
     *
     * @param acknowledged per partition, the ids acknowledged to clients
     * @param ledgers      what each node delivered so far
     */
    public Verification verify(List<BitSet> acknowledged, Supplier<List<NodeLedger>> ledgers) {
        long deadline = System.nanoTime() + patience.toNanos();
        List<NodeLedger> nodes = ledgers.get();
        while (!(allDelivered(acknowledged, nodes) && sameCounts(nodes)) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_NANOS);
            nodes = ledgers.get();
        }
        List<Long> missing = new ArrayList<>();
        List<Long> delivered = new ArrayList<>();
        for (NodeLedger node : nodes) {
            long nodeMissing = 0;
            for (int p = 0; p < acknowledged.size(); p++) {
                nodeMissing += node.partition(p).missing(acknowledged.get(p));
            }
            missing.add(nodeMissing);
            delivered.add(node.total());
        }
        boolean allDelivered = missing.stream().allMatch(m -> m == 0);
        return new Verification(allDelivered, sameSequences(nodes), missing, delivered);
    }

    private static boolean allDelivered(List<BitSet> acknowledged, List<NodeLedger> nodes) {
        for (NodeLedger node : nodes) {
            for (int p = 0; p < acknowledged.size(); p++) {
                if (!node.partition(p).containsAll(acknowledged.get(p))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sameCounts(List<NodeLedger> nodes) {
        for (int p = 0; p < nodes.get(0).partitionCount(); p++) {
            long count = nodes.get(0).partition(p).count();
            for (NodeLedger node : nodes) {
                if (node.partition(p).count() != count) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sameSequences(List<NodeLedger> nodes) {
        for (int p = 0; p < nodes.get(0).partitionCount(); p++) {
            PartitionLedger first = nodes.get(0).partition(p);
            for (NodeLedger node : nodes) {
                PartitionLedger other = node.partition(p);
                if (other.count() != first.count() || other.digest() != first.digest()) {
                    return false;
                }
            }
        }
        return true;
    }
}
