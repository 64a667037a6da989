package io.kommander.sim;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.node.RaftNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The nemesis's splits and merges ({@link PartitionChurn}, membership mix and placement seeds): the snapshot
 * partition and the partitions split off it are split online at random boundaries, and two of them whose ranges abut
 * merged, through a random live node, while keyed writes ({@code key#n}) go to
 * the partition that owns their key in the writing node's map, addressed with the generation that map gives it. The
 * invariant: <b>for every key, at every instant, at most one partition accepts writes for it, and no acknowledged
 * write is lost</b>. Checked on the applications' state ({@link SimStateMachine#keyed}) once the run has settled:
 * on every member, every keyed entry a partition it hosts holds belongs to a key that partition owns, no entry is held
 * twice (by one partition or by both halves of a split), and every acknowledged keyed write is held by every member
 * hosting the partition that owns its key (in the placement seeds, a partition lives on three members only). A source that took a
 * write routed before its split after its split entry would hold a key it no longer owns, and the new half would lack
 * the write; a merge's adjacent partition that took a write after its merge entry would keep it from the survivor.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class SplitChurn {

    /** The type of keyed writes. */
    static final String KEYED_TYPE = "keyed";
    /** At most this many splits asked per run. */
    private static final int MAX_SPLITS = 3;
    /** At most this many merges asked per run. */
    private static final int MAX_MERGES = 2;
    private static final int KEYS = 24;

    private final List<SimNode> nodes;
    private final SafetyMonitor monitor;
    private final List<String> keys;
    /** Acknowledged keyed writes: payload to the partition that took it. */
    private final Map<String, Integer> acknowledged = new HashMap<>();
    /** The snapshot partition's first range: it and the partitions split off it own it between them. */
    private final PartitionRange range;
    private int asked;
    private int mergesAsked;
    private long writes;

    SplitChurn(List<SimNode> nodes, SafetyMonitor monitor, PartitionRange range) {
        this.nodes = nodes;
        this.monitor = monitor;
        this.keys = IntStream.range(0, 100_000).mapToObj(i -> "sk" + i)
                .filter(k -> range.contains(PartitionMap.hash(k))).limit(KEYS).toList();
        this.range = range;
        nodes.forEach(node -> node.onSplitApplied(this::probe));
    }

    /**
     * A node's application split a partition at its split entry: a write for every key, routed by that node's map
     * (which still shows the split under way, at the source's generation before its split entry), goes to the
     * source's leader at once. Each lands after the split entry in the source's log, so each must be refused.
     */
    private void probe(SimNode node, int source) {
        RaftNode manager = node.manager();
        if (manager == null) {
            return;
        }
        List<SimNode> up = nodes.stream().filter(n -> n.state() == SimNode.State.UP && n.manager() != null).toList();
        for (int i = 0; i < keys.size(); i++) {
            write(manager, up, keys.get(i));
        }
    }

    /** The partitions of a map that own part of the range (split sources, their new halves, and the finished). */
    private List<PartitionDescriptor> family(PartitionMap map) {
        return map.partitions().stream().filter(p -> p.routed() && p.state() != PartitionState.REMOVED
                && range.contains(p.range().first()) && range.contains(p.range().last())).toList();
    }

    /** Splits asked so far. */
    int asked() {
        return asked;
    }

    /** Merges asked so far. */
    int mergesAsked() {
        return mergesAsked;
    }

    /** Splits that finished, as the given node's map has them: the partitions split off that serve or served. */
    int finished(RaftNode node) {
        return (int) everOwners(node.getPartitionMap()).filter(p -> p.state() != PartitionState.SPLITTING).count()
                - 1;
    }

    /** Merges that finished, as the given node's map has them: the partitions merged away. */
    int mergesFinished(RaftNode node) {
        return (int) everOwners(node.getPartitionMap()).filter(p -> p.state() == PartitionState.REMOVED).count();
    }

    /** Every partition that ever owned part of the range, removed ones included. */
    private java.util.stream.Stream<PartitionDescriptor> everOwners(PartitionMap map) {
        return map.partitions().stream().filter(p -> p.routed() && range.contains(p.range().first())
                && range.contains(p.range().last()));
    }

    /**
     * Merges two ACTIVE partitions of the family whose ranges abut, the survivor chosen at random; false if there are
     * none (or enough merges were asked). The snapshot partition itself (the family's lowest id: split halves get
     * new, higher ids) is never the one merged away: the run's other checks (a leader on every initial partition,
     * compaction to its checkpoints) expect it to live to the end.
     */
    boolean merge(RaftNode node, SplittableRandom random) {
        if (mergesAsked >= MAX_MERGES) {
            return false;
        }
        List<PartitionDescriptor> family = family(node.getPartitionMap());
        int snapshotPartition = family.stream().mapToInt(PartitionDescriptor::id).min().orElse(-1);
        List<PartitionDescriptor> active = family.stream().filter(p -> p.state() == PartitionState.ACTIVE).toList();
        List<PartitionDescriptor[]> pairs = new ArrayList<>();
        for (PartitionDescriptor a : active) {
            for (PartitionDescriptor b : active) {
                if (a.id() != b.id() && b.id() != snapshotPartition && PartitionMap.abut(a.range(), b.range())) {
                    pairs.add(new PartitionDescriptor[] {a, b});
                }
            }
        }
        if (pairs.isEmpty()) {
            return false;
        }
        PartitionDescriptor[] pair = pairs.get(random.nextInt(pairs.size()));
        mergesAsked++;
        node.mergePartitions(pair[0].id(), pair[1].id());
        return true;
    }

    /** Splits an ACTIVE partition of the family at a random boundary inside its range. */
    void split(RaftNode node, SplittableRandom random) {
        if (asked >= MAX_SPLITS) {
            return;
        }
        PartitionMap map = node.getPartitionMap();
        List<PartitionDescriptor> candidates = family(map).stream().filter(p -> p.state() == PartitionState.ACTIVE
                && p.range().last() - p.range().first() > 1).toList();
        if (candidates.isEmpty()) {
            return;
        }
        PartitionDescriptor source = candidates.get(random.nextInt(candidates.size()));
        long width = source.range().last() - source.range().first();
        long boundary = source.range().first() + 1 + random.nextLong(width);
        asked++;
        node.splitPartition(source.id(), boundary);
    }

    /** One keyed write through {@code node}'s map, to the owner's leader, with the owner's generation there. */
    void write(RaftNode node, List<SimNode> up, SplittableRandom random) {
        write(node, up, keys.get(random.nextInt(keys.size())));
    }

    private void write(RaftNode node, List<SimNode> up, String key) {
        PartitionDescriptor owner = node.getPartitionMap().ownerOfKey(key).orElse(null);
        if (owner == null) {
            return;
        }
        String payload = key + "#" + writes++;
        for (SimNode candidate : up) {
            if (candidate.manager() != null && candidate.manager().amILeaderQuick(owner.id())) {
                candidate.manager().replicateLogs(owner.id(), KEYED_TYPE,
                        List.of(payload.getBytes(StandardCharsets.UTF_8)), true, owner.generation())
                        .thenAccept(result -> acknowledge(payload, owner.id(), result));
                return;
            }
        }
    }

    private void acknowledge(String payload, int partition, RaftReplicationResult result) {
        if (result.success()) {
            acknowledged.put(payload, partition);
        }
    }

    /**
     * Whether every member's map shows no split or merge under way and every member holds every acknowledged keyed
     * write whose key a partition it hosts owns.
     */
    boolean settled(List<SimNode> members) {
        for (SimNode node : members) {
            if (node.state() != SimNode.State.UP || node.manager() == null) {
                continue;
            }
            PartitionMap map = node.manager().getPartitionMap();
            if (family(map).stream().anyMatch(p -> p.state() != PartitionState.ACTIVE)) {
                return false;
            }
            Set<String> held = new HashSet<>();
            for (PartitionDescriptor partition : hosted(node, map)) {
                node.stateMachine().keyed(partition.id()).forEach(log -> held.add(SimCluster.text(log)));
            }
            if (!held.containsAll(owedBy(node, map))) {
                return false;
            }
        }
        return true;
    }

    /** What {@link #settled} waits for on each live member, for the failure report. */
    String unsettled(List<SimNode> members) {
        StringBuilder out = new StringBuilder();
        for (SimNode node : members) {
            if (node.state() != SimNode.State.UP || node.manager() == null) {
                continue;
            }
            PartitionMap map = node.manager().getPartitionMap();
            family(map).stream().filter(p -> p.state() != PartitionState.ACTIVE).forEach(p -> out.append("\n   n")
                    .append(node.index()).append(" map ").append(map.version()).append(": p").append(p.id())
                    .append(' ').append(p.state()).append(" on ").append(p.replicas()));
            Set<String> held = new HashSet<>();
            for (PartitionDescriptor partition : hosted(node, map)) {
                node.stateMachine().keyed(partition.id()).forEach(log -> held.add(SimCluster.text(log)));
            }
            List<String> missing = owedBy(node, map).stream().filter(w -> !held.contains(w)).toList();
            if (!missing.isEmpty()) {
                out.append("\n   n").append(node.index()).append(" misses ").append(missing.size())
                        .append(" acknowledged keyed writes, e.g. ").append(missing.get(0)).append(" (owner p")
                        .append(map.ownerOfKey(missing.get(0).substring(0, missing.get(0).indexOf('#')))
                                .map(PartitionDescriptor::id).orElse(-1)).append(", taken by p")
                        .append(acknowledged.get(missing.get(0))).append(')');
            }
        }
        return out.toString();
    }

    /** The family's partitions that {@code node} hosts, as its map places them (all of them without placement). */
    private List<PartitionDescriptor> hosted(SimNode node, PartitionMap map) {
        return family(map).stream().filter(p -> p.hostedBy(node.endpoint())).toList();
    }

    /** The acknowledged keyed writes {@code node} must hold: those whose key a partition it hosts owns. */
    private List<String> owedBy(SimNode node, PartitionMap map) {
        return acknowledged.keySet().stream().filter(payload -> map.ownerOfKey(payload.substring(0,
                payload.indexOf('#'))).map(p -> p.hostedBy(node.endpoint())).orElse(false)).toList();
    }

    /** The invariant, on every live member; the first violation fails the run. */
    void check(List<SimNode> members) {
        for (SimNode node : members) {
            if (node.state() != SimNode.State.UP || node.manager() == null) {
                continue;
            }
            PartitionMap map = node.manager().getPartitionMap();
            Map<String, Integer> holder = new HashMap<>();
            for (int id : hosted(node, map).stream().map(PartitionDescriptor::id).toList()) {
                for (var log : node.stateMachine().keyed(id)) {
                    String payload = SimCluster.text(log);
                    String key = SimStateMachine.keyOf(log);
                    if (key == null) {
                        continue;
                    }
                    Integer before = holder.put(payload, id);
                    if (before != null) {
                        monitor.fail("split: n" + node.index() + " holds " + payload + " in partition " + before
                                + " and again in partition " + id);
                        return;
                    }
                    int owner = map.ownerOfKey(key).map(PartitionDescriptor::id).orElse(-1);
                    if (owner != id) {
                        monitor.fail("split: n" + node.index() + " holds " + payload + " in partition " + id
                                + " but partition " + owner + " owns key " + key + " (map version " + map.version()
                                + "): a partition took a write for a key it no longer owned");
                        return;
                    }
                }
            }
            List<String> lost = new ArrayList<>(owedBy(node, map));
            lost.removeAll(holder.keySet());
            if (!lost.isEmpty()) {
                monitor.fail("split: n" + node.index() + " lost acknowledged keyed writes " + lost);
                return;
            }
        }
    }
}
