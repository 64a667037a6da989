package io.kommander.sim;

import io.kommander.Member;
import io.kommander.PartitionState;
import io.kommander.RaftClosedException;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.node.NodeSeams;
import io.kommander.internal.node.RaftNode;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.internal.system.Roster;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The nemesis's node-level membership changes (the {@code nodes} mix), made through the public API only: a fresh
 * node joins ({@code joinExisting} and {@code joinCluster()}), a member is removed ({@code removeMember}, asked of
 * any member, the member itself included), a member leaves ({@code leaveCluster()}), a member is replaced (crashed,
 * removed by another member, and a fresh node added once the removal completed). Now and then a second removal
 * follows a change at once: the roster takes one change at a time, so it must wait its turn or be refused, and its
 * answer must be one the API documents.
 *
 * <p>The cluster keeps between {@link #MIN_VOTERS} and {@link #MAX_MEMBERS} members: a removal is asked only while
 * one more voter than the minimum votes (the second removal only when both together leave the minimum), a join only
 * while there is room, and one change at a time (the deliberate second removal aside). The nodes are slots: the
 * first few form the cluster, the others are spares; a member whose removal the roster has committed is retired
 * (if it still runs, it goes on for a few hundred milliseconds, removed, then is stopped), and its slot, wiped, may
 * come back as a fresh node at the same endpoint. In the runs that ask it ({@link #keepOneRemoved}), the first member
 * removed while it runs is not stopped: it runs on, removed, to the end of the run (restarted on its folder if a
 * fault stops it), so that what a removed node does with its replicas is seen once the run settles; the nemesis may
 * act before that removal and on the kept node ({@link #beforeKeptRemoval}, {@link #whenKept}).
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class NodeChanges {

    /** The fewest voters the nemesis leaves. */
    static final int MIN_VOTERS = 3;
    /** The most members (voters and a learner) the nemesis lets the cluster have. */
    static final int MAX_MEMBERS = 5;
    /** The statuses {@code removeMember} and {@code leaveCluster} may answer (docs/membership.md). */
    private static final Set<RaftOperationStatus> DOCUMENTED = EnumSet.of(RaftOperationStatus.Success,
            RaftOperationStatus.NotAMember, RaftOperationStatus.TooFewVoters,
            RaftOperationStatus.MembershipChangeInProgress, RaftOperationStatus.NoLeader,
            RaftOperationStatus.ProposalTimeout, RaftOperationStatus.NodeClosed,
            RaftOperationStatus.RestoreInProgress);

    private final List<SimNode> nodes;
    private final SimScheduler scheduler;
    private final SimTrace trace;
    private final SafetyMonitor monitor;
    private final int partitions;
    /** Whether one more node may be down now (the nemesis's minority rule). */
    private final BooleanSupplier mayImpair;
    /** The slots in the cluster: members, and fresh nodes on their way in. */
    private final Set<Integer> active = new TreeSet<>();
    /** Fresh slots the roster does not name yet. */
    private final Set<Integer> arriving = new TreeSet<>();
    /** Removed slots still running, to be stopped. */
    private final Set<Integer> retiring = new TreeSet<>();
    /** Removed slots that run on to the end of the run (at most one, {@link #keepOneRemoved}). */
    private final Set<Integer> kept = new TreeSet<>();
    /** Whether the first member removed while it runs is kept running to the end. */
    private boolean keepsOneRemoved;
    /** The last change asked, and the incarnation that was asked: busy while it runs and has no answer. */
    private CompletableFuture<?> pending;
    private SimNode pendingNode;
    private RaftNode pendingCaller;
    /** A replacement whose removal completed and whose fresh node is still to be added. */
    private boolean replacing;
    /** The newest roster any running node holds. */
    private Roster latest;
    private int changes;
    private int refusedInProgress;
    /** What the nemesis does between a replacement's removal and the start of its fresh node. */
    private java.util.function.Consumer<SplittableRandom> betweenReplacement = random -> { };
    /** What must hold before a change while no removed node is kept yet ({@link #beforeKeptRemoval}). */
    private java.util.function.Predicate<SplittableRandom> beforeKeptRemoval = random -> true;
    /** What the nemesis does as it asks a removal that may keep its target ({@link #whenKept}). */
    private java.util.function.BiConsumer<SimNode, CompletableFuture<RaftOperationStatus>> keepable = (n, call) -> { };
    /** What the nemesis does to the node kept running, removed, the moment the roster drops it ({@link #whenKept}). */
    private java.util.function.Consumer<SimNode> whenKept = node -> { };

    NodeChanges(List<SimNode> nodes, int initial, SimScheduler scheduler, SimTrace trace, SafetyMonitor monitor,
                int partitions, BooleanSupplier mayImpair) {
        this.nodes = nodes;
        this.scheduler = scheduler;
        this.trace = trace;
        this.monitor = monitor;
        this.partitions = partitions;
        this.mayImpair = mayImpair;
        for (int i = 0; i < initial; i++) {
            active.add(i);
        }
    }

    /** The slots in the cluster (members, and fresh nodes joining), in order. */
    List<SimNode> active() {
        return active.stream().map(nodes::get).toList();
    }

    /**
     * Sets what the nemesis does once a replacement's removal completed, before its fresh node starts (which may take
     * the removed node's slot, and so its endpoint): in the seeds that create partitions, create one, whose first
     * voters must then leave the removed node out on every node.
     */
    void betweenReplacement(java.util.function.Consumer<SplittableRandom> action) {
        this.betweenReplacement = action;
    }

    /**
     * Sets what must hold before a change while the run keeps a removed node and has not kept one yet (so before
     * the removal that may be kept): false, and that strike asks no change (it is retried at the next). In the seeds
     * that create partitions: a created partition lives, so that the node to be kept hosts one ({@link #whenKept}).
     */
    void beforeKeptRemoval(java.util.function.Predicate<SplittableRandom> condition) {
        this.beforeKeptRemoval = condition;
    }

    /**
     * Sets what the nemesis does around the removal that may keep its target: {@code asked} as it is asked (with the
     * target, up, and the call), {@code kept} the moment the roster is seen to drop the node kept. In the seeds that
     * create partitions: a created partition the target hosts is cut off on it as its removal is asked, and removed
     * once it is kept, so that only an answer from the map's removal can tell it to delete that replica.
     */
    void whenKept(java.util.function.BiConsumer<SimNode, CompletableFuture<RaftOperationStatus>> asked,
                  java.util.function.Consumer<SimNode> kept) {
        this.keepable = asked;
        this.whenKept = kept;
    }

    /** Tells the nemesis that a removal of {@code target}, up, that may keep it was asked ({@link #whenKept}). */
    private void keepable(SimNode target, CompletableFuture<RaftOperationStatus> call) {
        if (keepsOneRemoved && kept.isEmpty() && target.state() == SimNode.State.UP) {
            keepable.accept(target, call);
        }
    }

    /**
     * From now on, the first member the roster removes while it runs is not stopped but runs on, removed, to the end
     * of the run; its slot never takes a fresh node.
     */
    void keepOneRemoved() {
        this.keepsOneRemoved = true;
    }

    /** The nodes out of the newest roster that still run: those retiring, and the one kept running, if up. */
    java.util.Collection<SimNode> removedRunning() {
        List<SimNode> running = new ArrayList<>();
        for (int i : retiring) {
            running.add(nodes.get(i));
        }
        for (int i : kept) {
            running.add(nodes.get(i));
        }
        return running.stream().filter(n -> n.state() != SimNode.State.DOWN).toList();
    }

    /** Whether {@code node} is the removed node kept running to the end. */
    boolean isKept(SimNode node) {
        return kept.contains(node.index());
    }

    /** Node-level changes asked so far (second attempts aside). */
    int changes() {
        return changes;
    }

    /** Second changes asked at once that were refused with {@code MembershipChangeInProgress}. */
    int refusedInProgress() {
        return refusedInProgress;
    }

    /**
     * One strike: the next node-level change, if none is in flight and the bounds allow one.
     *
     * @return whether a change was asked
     */
    boolean strike(SplittableRandom random) {
        observe();
        if (busy() || latest == null) {
            return false;
        }
        if (keepsOneRemoved && kept.isEmpty() && !beforeKeptRemoval.test(random)) {
            return false;
        }
        long voters = latest.members().values().stream().filter(m -> m.role() == Member.Role.VOTER).count();
        int members = latest.members().size();
        List<SimNode> up = active().stream().filter(n -> n.state() == SimNode.State.UP).toList();
        List<SimNode> voting = active().stream()
                .filter(n -> latest.member(n.endpoint()) != null
                        && latest.member(n.endpoint()).role() == Member.Role.VOTER).toList();
        if (up.isEmpty() || voting.isEmpty()) {
            return false;
        }
        SimNode target = voting.get(random.nextInt(voting.size()));
        SimNode caller = up.get(random.nextInt(up.size()));
        boolean removes;
        switch (random.nextInt(4)) {
            case 0 -> {
                if (members >= MAX_MEMBERS || !addFresh(random)) {
                    return false;
                }
                removes = false;
            }
            case 1 -> {
                if (voters <= MIN_VOTERS) {
                    return false;
                }
                keepable(target, remove(caller, target, "removeMember"));
                removes = true;
            }
            case 2 -> {
                if (voters <= MIN_VOTERS || target.state() != SimNode.State.UP) {
                    return false;
                }
                keepable(target, track(target, answered(target, target.leaveCluster(partitions), "leaveCluster")));
                trace.record(target.index(), "nodes", 2, 0, "n" + target.index() + " leaves the cluster");
                removes = true;
            }
            default -> {
                List<SimNode> others = up.stream().filter(n -> n != target).toList();
                if (voters <= MIN_VOTERS || others.isEmpty()) {
                    return false;
                }
                // While a removed node is still to be kept, the target runs on, so that its removal keeps it.
                if (target.state() == SimNode.State.UP && mayImpair.getAsBoolean()
                        && !(keepsOneRemoved && kept.isEmpty())) {
                    target.crash(partitions);
                }
                SimNode remover = others.get(random.nextInt(others.size()));
                CompletableFuture<RaftOperationStatus> replace = remove(remover, target, "replace");
                keepable(target, replace);
                replace.thenAccept(status -> {
                    if (status == RaftOperationStatus.Success) {
                        replacing = true;
                        betweenReplacement.accept(random);
                        scheduler.schedule(SimScheduler.NO_NODE, random.nextInt(300), () -> replaceWithFresh(random));
                    }
                });
                removes = true;
            }
        }
        changes++;
        if (random.nextBoolean()) {
            secondRemoval(random, target, voters - (removes ? 1 : 0));
        }
        return true;
    }

    private void replaceWithFresh(SplittableRandom random) {
        observe();
        replacing = false;
        if (latest != null && latest.members().size() < MAX_MEMBERS) {
            addFresh(random);
        }
    }

    /** Asks {@code caller} to remove {@code target}; its answer is checked and becomes the change in flight. */
    private CompletableFuture<RaftOperationStatus> remove(SimNode caller, SimNode target, String why) {
        trace.record(caller.index(), "nodes", 1, target.index(), why + ": n" + caller.index() + " removes n"
                + target.index());
        return track(caller, answered(caller, caller.manager().removeMember(target.endpoint()),
                why + " of n" + target.index()));
    }

    /** The change in flight: busy until it is answered, or the incarnation asked is gone. */
    private CompletableFuture<RaftOperationStatus> track(SimNode caller, CompletableFuture<RaftOperationStatus> call) {
        pending = call;
        pendingNode = caller;
        pendingCaller = caller.manager();
        return call;
    }

    /**
     * Right after a change, asks a random member to remove another voter: the roster takes one change at a time,
     * so this one is refused ({@code MembershipChangeInProgress}) or waits its turn, never merged with the first
     * ({@link RosterMonitor} checks that); asked only if both removals together leave enough voters.
     */
    private void secondRemoval(SplittableRandom random, SimNode first, long votersAfterFirst) {
        List<SimNode> candidates = active().stream().filter(n -> n != first && !arriving.contains(n.index()))
                .filter(n -> latest.member(n.endpoint()) != null
                        && latest.member(n.endpoint()).role() == Member.Role.VOTER).toList();
        List<SimNode> up = active().stream().filter(n -> n.state() == SimNode.State.UP).toList();
        if (votersAfterFirst - 1 < MIN_VOTERS || candidates.isEmpty() || up.isEmpty()) {
            return;
        }
        SimNode target = candidates.get(random.nextInt(candidates.size()));
        SimNode caller = up.get(random.nextInt(up.size()));
        trace.record(caller.index(), "nodes", 3, target.index(), "second change at once: n" + caller.index()
                + " removes n" + target.index());
        answered(caller, caller.manager().removeMember(target.endpoint()), "second removal of n" + target.index())
                .thenAccept(status -> {
                    if (status == RaftOperationStatus.MembershipChangeInProgress) {
                        refusedInProgress++;
                    }
                });
    }

    /** Checks a membership call's answer against the documented ones; remembers the call as the one in flight. */
    private CompletableFuture<RaftOperationStatus> answered(SimNode caller, CompletableFuture<RaftOperationStatus> call,
                                                            String what) {
        return call.whenComplete((status, error) -> {
            if (error != null) {
                monitor.fail("membership: " + what + " asked of n" + caller.index() + " failed: " + error);
            } else if (!DOCUMENTED.contains(status)) {
                monitor.fail("membership: " + what + " asked of n" + caller.index() + " answered " + status
                        + ", not a status the API documents");
            } else {
                trace.record(caller.index(), "nodes", 4, status.ordinal(), what + ": " + status);
            }
        });
    }

    /** Starts a fresh node in a free slot (never used, or retired and stopped); false if there is none. */
    private boolean addFresh(SplittableRandom random) {
        List<SimNode> free = nodes.stream().filter(n -> !active.contains(n.index()) && !retiring.contains(n.index())
                && !kept.contains(n.index()) && n.state() == SimNode.State.DOWN).toList();
        if (free.isEmpty()) {
            return false;
        }
        SimNode fresh = free.get(random.nextInt(free.size()));
        List<String> seeds = active().stream().map(SimNode::endpoint).toList();
        active.add(fresh.index());
        arriving.add(fresh.index());
        trace.record(fresh.index(), "nodes", 0, 0, "n" + fresh.index() + " starts fresh and joins");
        fresh.startFresh(partitions, seeds);
        watchJoin(fresh);
        return true;
    }

    /** A join may fail only because its node closed; a refusal is a finding. */
    private void watchJoin(SimNode node) {
        RaftNode incarnation = node.manager();
        incarnation.joinCluster().whenComplete((done, error) -> {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause != null && !(cause instanceof RaftClosedException)) {
                monitor.fail("membership: n" + node.index() + "'s joinCluster() failed: " + cause);
            } else if (cause == null) {
                trace.record(node.index(), "nodes", 5, 0, "n" + node.index() + " joined as a voter");
            }
        });
    }

    /** Whether a change is in flight: one asked and unanswered, or the roster changing ({@link #changing()}). */
    private boolean busy() {
        boolean asked = pending != null && !pending.isDone() && pendingCaller != null
                && pendingNode.manager() == pendingCaller;
        return asked || changing();
    }

    /**
     * Whether the roster is changing: a member joining or leaving, a fresh node not in yet, a replacement to add. (A
     * call may still be retrying after its change ended: a removal whose member joined again right after it was
     * removed is refused as in progress until the call's bound, 60 s, and then answers ProposalTimeout.)
     */
    private boolean changing() {
        return replacing || !arriving.isEmpty() || (latest != null && latest.changing() != null);
    }

    /**
     * Reads the newest roster, notes the fresh nodes it names, and retires the members it no longer names (a
     * running one is stopped a little later: removed, it runs on for a while, as a real one would until its
     * operator stops it).
     */
    void observe() {
        for (SimNode node : nodes) {
            RaftNode manager = node.manager();
            Roster roster = manager == null ? null : NodeSeams.roster(manager);
            if (roster != null && (latest == null || roster.version() > latest.version())) {
                latest = roster;
            }
        }
        if (latest == null) {
            return;
        }
        arriving.removeIf(i -> latest.contains(nodes.get(i).endpoint()));
        for (SimNode node : nodes) {
            if (!active.contains(node.index()) && latest.contains(node.endpoint())) {
                // Back: a removed node restarted while its removal ended asked to join again (joinExisting).
                active.add(node.index());
                retiring.remove(node.index());
                kept.remove(node.index());
                trace.record(node.index(), "nodes", 7, latest.version(), "n" + node.index()
                        + " is in the roster again (version " + latest.version() + ")");
            }
        }
        for (int i : List.copyOf(active)) {
            SimNode node = nodes.get(i);
            if (arriving.contains(i) || latest.contains(node.endpoint())) {
                continue;
            }
            active.remove(i);
            trace.record(i, "nodes", 6, latest.version(), "n" + i + " is out of the roster (version "
                    + latest.version() + ")");
            if (keepsOneRemoved && kept.isEmpty() && node.state() == SimNode.State.UP) {
                kept.add(i);
                trace.record(i, "nodes", 8, latest.version(), "n" + i + " runs on, removed, to the end of the run");
                whenKept.accept(node);
            } else if (node.state() != SimNode.State.DOWN) {
                retiring.add(i);
                scheduler.schedule(SimScheduler.NO_NODE, scheduler.random().nextInt(400), () -> {
                    if (retiring.remove(i)) {
                        node.crash(partitions);
                    }
                });
            }
        }
    }

    /**
     * In the heal phase, from now on to the end of the run: notes roster changes, retires removed members and
     * restarts members that are down, and the removed node kept running if a fault stopped it (a change still in the
     * log when the run looked settled may end later).
     */
    void settle() {
        observe();
        active().forEach(Nemesis::recover);
        for (int i : kept) {
            // A fault may have stopped it: restarted on its folder, as removed, like an operator's restart.
            SimNode node = nodes.get(i);
            if (node.partitionGaveUp()) {
                node.crash(partitions);
            }
            Nemesis.recover(node);
        }
        scheduler.schedule(SimScheduler.NO_NODE, 50, this::settle);
    }

    /**
     * Whether every change has ended and everyone agrees: no member joining or leaving, every slot in the cluster
     * running and a voter of the newest roster, which every one of them holds, and every replica's configuration
     * (every partition, 0 and those created online included) is the roster's members as voters, nothing in flight; for a partition the map
     * places on some members only, every replica it names holds it with exactly those replicas as voters (so they
     * are live members of the newest roster).
     */
    boolean settled() {
        if (latest == null || changing() || !retiring.isEmpty()) {
            return false;
        }
        Set<String> members = latest.members().keySet().stream().collect(Collectors.toCollection(TreeSet::new));
        Set<String> running = active().stream().map(SimNode::endpoint).collect(Collectors.toCollection(TreeSet::new));
        if (!members.equals(running)) {
            return false;
        }
        for (SimNode node : active()) {
            RaftNode manager = node.manager();
            Roster roster = manager == null ? null : NodeSeams.roster(manager);
            if (node.state() != SimNode.State.UP || roster == null || roster.version() != latest.version()) {
                return false;
            }
            for (int p : partitionsOf(node)) {
                // A placed partition settles on its replicas only; a node it moved away from is not asked to have
                // closed it (one cut off as it was taken out cannot tell: docs/partitions.md, known gaps).
                Set<String> replicas = node.replicasOf(p);
                if (!replicas.isEmpty() && !replicas.contains(node.endpoint())) {
                    continue;
                }
                RaftPartition replica = node.partition(p);
                ReplicaView view = replica == null ? null : replica.view();
                if (view == null || view.configuration() == null || view.configurationChangesInFlight() > 0
                        || !view.configuration().learners().isEmpty()
                        || !new TreeSet<>(view.configuration().voters()).equals(replicas.isEmpty() ? members
                        : new TreeSet<>(replicas))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The partitions a settled node's replicas are checked on: the initial ones (0 included) and those created online
     * that its map holds and has not removed.
     */
    private Set<Integer> partitionsOf(SimNode node) {
        Set<Integer> ids = new TreeSet<>();
        for (int p = 0; p <= partitions; p++) {
            ids.add(p);
        }
        RaftNode manager = node.manager();
        if (manager != null && node.state() == SimNode.State.UP) {
            manager.getPartitionMap().partitions().stream().filter(d -> d.state() != PartitionState.REMOVED)
                    .forEach(d -> ids.add(d.id()));
        }
        return ids;
    }

    /** What is not settled yet, for a failure report. */
    String unsettled() {
        List<String> lines = new ArrayList<>();
        lines.add("roster " + (latest == null ? "none" : latest.version() + " " + latest.members().values())
                + ", active " + active + ", arriving " + arriving + ", retiring " + retiring + ", replacing "
                + replacing);
        for (SimNode node : active()) {
            RaftNode manager = node.manager();
            Roster roster = manager == null ? null : NodeSeams.roster(manager);
            StringBuilder line = new StringBuilder("n" + node.index() + " " + node.state() + " roster "
                    + (roster == null ? "none" : roster.version()));
            for (int p : partitionsOf(node)) {
                RaftPartition replica = node.partition(p);
                line.append(" | p").append(p).append(' ').append(replica == null ? "down" : replica.view());
                if (p > 0 && node.state() == SimNode.State.UP) {
                    line.append(" placed on ").append(node.replicasOf(p));
                }
            }
            lines.add(line.toString());
        }
        return String.join("\n   ", lines);
    }
}
