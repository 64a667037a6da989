package io.kommander.sim;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.node.RaftNode;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The nemesis's partition map changes ({@link FaultMix#partitionMaps()}, and the nodes mix's seeds that do not place
 * replicas): unrouted partitions besides the register ones are created and removed online through a random live node,
 * written to while they live, the snapshot partition's range is split and merged ({@link SplitChurn}, with keyed
 * writes; not in the nodes mix), and checked:
 * <ul>
 *   <li><b>a draining partition takes no write</b>: the moment a node applies the drain of a partition, a write is
 *       submitted to that partition on that node; it must be refused as not appended ({@code PartitionDraining}, or
 *       {@code UnknownPartition}/{@code NodeIsNotLeader}/{@code NodeClosed} if the partition closed or is led
 *       elsewhere), never acknowledged or left pending as possibly appended;</li>
 *   <li><b>one call creates at most one partition</b>: the created partitions any node's map ever showed are never
 *       more than the {@code createPartition} calls made (the library retries a call, against a new partition 0
 *       leader too, and one whose first attempt committed must not create a second);</li>
 *   <li>what the created partitions deliver is checked by the {@link SafetyMonitor} like any partition
 *       (state-machine safety, in-order exactly-once delivery); the register partitions, never removed, keep every
 *       acknowledged write as before.</li>
 * </ul>
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class PartitionChurn {

    /** At most this many created partitions live at once. */
    private static final int MAX_LIVE = 2;

    private final List<SimNode> nodes;
    private final SafetyMonitor monitor;
    private final int initialPartitions;
    /** (node, partition) pairs whose drain was already probed. */
    private final Set<String> probed = new HashSet<>();
    private long writes;
    /** {@code createPartition} calls made so far. */
    private int createCalls;
    /** The created partitions (unrouted, past the initial ones) any node's map has shown. */
    private final Set<Integer> created = new HashSet<>();

    /** The splits and merges, or null: partitions are only created and removed. */
    private final SplitChurn splits;

    /**
     * @param splitRange the range whose owners are split ({@link SplitChurn}); null: no splits, merges or keyed
     *                   writes
     */
    PartitionChurn(List<SimNode> nodes, SafetyMonitor monitor, int initialPartitions,
                   io.kommander.PartitionRange splitRange) {
        this.nodes = nodes;
        this.monitor = monitor;
        this.initialPartitions = initialPartitions;
        this.splits = splitRange == null ? null : new SplitChurn(nodes, monitor, splitRange);
        nodes.forEach(node -> node.onMapChanged(this::applied));
    }

    /** The splits and keyed writes of this run, or null if it only creates and removes partitions. */
    SplitChurn splits() {
        return splits;
    }

    /**
     * One step: create a partition, remove one, or write to one, through a random live node; with splits, half the
     * steps split or merge, or make a keyed write, instead.
     */
    void step(SplittableRandom random) {
        List<SimNode> up = up();
        if (up.isEmpty()) {
            return;
        }
        RaftNode node = up.get(random.nextInt(up.size())).manager();
        List<PartitionDescriptor> live = live(node);
        int choice = random.nextInt(6);
        if (splits != null && choice == 3) {
            // Merge whenever two partitions of the family abut (after a split finished), else split.
            if (!splits.merge(node, random)) {
                splits.split(node, random);
            }
        } else if (splits != null && choice >= 4) {
            splits.write(node, up, random);
        } else if (choice == 0 && live.size() < MAX_LIVE) {
            create(node);
        } else if (choice == 1 && !live.isEmpty()) {
            node.removePartition(live.get(random.nextInt(live.size())).id());
        } else if (!live.isEmpty()) {
            int partition = live.get(random.nextInt(live.size())).id();
            for (SimNode candidate : up) {
                if (candidate.manager().amILeaderQuick(partition)) {
                    candidate.manager().replicateLogs(partition, "probe", payload());
                }
            }
        }
    }

    /** Creates a partition through a random live node, unless {@link #MAX_LIVE} created partitions live already. */
    void create(SplittableRandom random) {
        List<SimNode> up = up();
        if (!up.isEmpty()) {
            RaftNode node = up.get(random.nextInt(up.size())).manager();
            if (live(node).size() < MAX_LIVE) {
                create(node);
            }
        }
    }

    /**
     * Whether a created partition lives, as a random live node's map shows it; if none does, asks that node to create
     * one (and answers false).
     */
    boolean oneLives(SplittableRandom random) {
        List<SimNode> up = up();
        if (up.isEmpty()) {
            return false;
        }
        RaftNode node = up.get(random.nextInt(up.size())).manager();
        if (!live(node).isEmpty()) {
            return true;
        }
        create(node);
        return false;
    }

    /**
     * A created partition, live in a random live member's map, that {@code host} holds a replica of; -1 if there is
     * none (or no live member).
     */
    int hostedBy(SimNode host, List<SimNode> members, SplittableRandom random) {
        List<SimNode> up = up(members);
        if (up.isEmpty()) {
            return -1;
        }
        List<Integer> hosted = live(up.get(random.nextInt(up.size())).manager()).stream().map(PartitionDescriptor::id)
                .filter(id -> host.partition(id) != null).toList();
        return hosted.isEmpty() ? -1 : hosted.get(random.nextInt(hosted.size()));
    }

    /** Asks a random live node of {@code members} to remove created partition {@code id}, if its map shows it live. */
    void remove(int id, List<SimNode> members, SplittableRandom random) {
        List<SimNode> up = up(members);
        if (!up.isEmpty()) {
            RaftNode node = up.get(random.nextInt(up.size())).manager();
            if (live(node).stream().anyMatch(d -> d.id() == id)) {
                node.removePartition(id);
            }
        }
    }

    private void create(RaftNode node) {
        createCalls++;
        node.createPartition(null);
    }

    private static List<SimNode> up(List<SimNode> nodes) {
        return nodes.stream().filter(n -> n.state() == SimNode.State.UP && n.manager() != null).toList();
    }

    private List<SimNode> up() {
        return up(nodes);
    }

    /** The created partitions {@code node}'s map shows live (unrouted and active). */
    private List<PartitionDescriptor> live(RaftNode node) {
        return node.getPartitionMap().partitions().stream()
                .filter(p -> p.id() > initialPartitions && p.state() == PartitionState.ACTIVE && !p.routed()).toList();
    }

    /**
     * A node applied a map change: count the created partitions it shows against the calls made, and probe each
     * partition it now sees draining, once per node and partition.
     */
    private void applied(SimNode node, PartitionMap map) {
        for (PartitionDescriptor partition : map.partitions()) {
            if (partition.id() > initialPartitions && !partition.routed() && created.add(partition.id())
                    && created.size() > createCalls) {
                monitor.fail("create: n" + node.index() + "'s map (version " + map.version() + ") shows "
                        + created.size() + " created partitions " + created + " after " + createCalls
                        + " createPartition calls: a call created more than one partition");
            }
            if (partition.state() == PartitionState.DRAINING && probed.add(node.index() + "/" + partition.id())) {
                int id = partition.id();
                node.manager().replicateLogs(id, "probe", payload()).thenAccept(result -> check(node, id, result));
            }
        }
    }

    private void check(SimNode node, int partition, RaftReplicationResult result) {
        boolean refused = result.outcome() == io.kommander.WriteOutcome.NOT_APPENDED
                || result.status() == RaftOperationStatus.NodeClosed;
        if (!refused) {
            monitor.fail("draining partition took a write: n" + node.index() + " answered " + result.status()
                    + " to a write to partition " + partition + " submitted after it applied the partition's drain");
        }
    }

    private byte[] payload() {
        return ("probe-" + writes++).getBytes(StandardCharsets.UTF_8);
    }
}
