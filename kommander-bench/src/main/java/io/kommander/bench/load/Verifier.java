package io.kommander.bench.load;

import io.kommander.bench.system.NodeLedger;
import io.kommander.bench.system.PartitionLedger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiPredicate;
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
        return verify(acknowledged, ledgers, null);
    }

    /**
     * As {@link #verify(List, Supplier)}, judging each partition on the nodes that host it only: with more nodes
     * than replicas per partition, a node delivers only the partitions placed on it.
     *
     * @param hosted per node, the partitions it hosts; null when every node hosts every partition
     */
    public Verification verify(List<BitSet> acknowledged, Supplier<List<NodeLedger>> ledgers, List<BitSet> hosted) {
        long deadline = System.nanoTime() + patience.toNanos();
        List<Replica> replicas = replicas(ledgers.get(), hosted);
        while (!(allDelivered(acknowledged, replicas) && sameCounts(replicas)) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_NANOS);
            replicas = replicas(ledgers.get(), hosted);
        }
        List<Long> missing = new ArrayList<>();
        List<Long> delivered = new ArrayList<>();
        for (Replica replica : replicas) {
            long nodeMissing = 0;
            for (int p = 0; p < acknowledged.size(); p++) {
                if (replica.hosts(p)) {
                    nodeMissing += replica.ledger().partition(p).missing(acknowledged.get(p));
                }
            }
            missing.add(nodeMissing);
            delivered.add(replica.ledger().total());
        }
        boolean allDelivered = missing.stream().allMatch(m -> m == 0);
        return new Verification(allDelivered, sameSequences(replicas), missing, delivered);
    }

    /** A node's ledger and the partitions it hosts (null: all). */
    private record Replica(NodeLedger ledger, BitSet hosted) {
        boolean hosts(int partition) {
            return hosted == null || hosted.get(partition);
        }
    }

    private static List<Replica> replicas(List<NodeLedger> ledgers, List<BitSet> hosted) {
        if (hosted != null && hosted.size() != ledgers.size()) {
            throw new IllegalArgumentException(hosted.size() + " hosted sets for " + ledgers.size() + " nodes");
        }
        List<Replica> replicas = new ArrayList<>();
        for (int i = 0; i < ledgers.size(); i++) {
            replicas.add(new Replica(ledgers.get(i), hosted == null ? null : hosted.get(i)));
        }
        return replicas;
    }

    private static boolean allDelivered(List<BitSet> acknowledged, List<Replica> replicas) {
        for (Replica replica : replicas) {
            for (int p = 0; p < acknowledged.size(); p++) {
                if (replica.hosts(p) && !replica.ledger().partition(p).containsAll(acknowledged.get(p))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sameCounts(List<Replica> replicas) {
        return sameOnHosts(replicas, (a, b) -> a.count() == b.count());
    }

    private static boolean sameSequences(List<Replica> replicas) {
        return sameOnHosts(replicas, (a, b) -> a.count() == b.count() && a.digest() == b.digest());
    }

    /** Whether, per partition, every hosting replica's ledger agrees with the first hosting one's. */
    private static boolean sameOnHosts(List<Replica> replicas, BiPredicate<PartitionLedger, PartitionLedger> same) {
        for (int p = 0; p < replicas.get(0).ledger().partitionCount(); p++) {
            PartitionLedger first = null;
            for (Replica replica : replicas) {
                if (!replica.hosts(p)) {
                    continue;
                }
                PartitionLedger ledger = replica.ledger().partition(p);
                if (first == null) {
                    first = ledger;
                } else if (!same.test(first, ledger)) {
                    return false;
                }
            }
        }
        return true;
    }
}
