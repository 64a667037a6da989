package io.kommander.sim;

import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.ConfigurationAlignment;
import io.kommander.internal.partition.ConfigurationChange;
import io.kommander.internal.partition.ConfigurationChange.Kind;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Injects a run's faults at random moments of virtual time, as its {@link FaultMix} allows: crashes (and, one
 * time in four, a clean leave instead: leadership handed over, then the node closed) and restarts, pauses and
 * resumes, symmetric and one-way partitions and heals, leadership transfers, crashes inside a WAL write (a torn
 * tail record), a whole-cluster crash, an outage that outlasts the fault phase, and steps of a node's wall clock
 * (back or forward by one to five seconds, half the time on a leader), and configuration changes of the register
 * partitions (a member removed, added back as a learner, promoted; now and then a second change right after the
 * first, which must be refused), and disk wipes (a node loses everything and restarts without data). Apart from
 * the whole-cluster crash, at most a
 * minority of the nodes is down, leaving or paused at once, so the cluster can make progress between faults.
 * {@link #healAll()} ends every fault but the long outage, whose node it restarts a little later.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class Nemesis {

    private final FaultMix mix;
    private final List<SimNode> nodes;
    private final SimNetwork network;
    private final SimScheduler scheduler;
    private final SafetyMonitor monitor;
    private final int partitions;
    private final int registerPartitions;
    private final long faultMillis;
    private boolean running;
    /** The node of the long outage: no recovery restarts it until the heal phase is under way. */
    private SimNode heldDown;
    /** The longest a created partition stays cut off on the removed node kept running once it is removed. */
    private static final long KEPT_PARTITION_BOUND_MILLIS = 2_000;
    /** The node to be kept and its created partition cut off ({@link #muteKeptPartition}), or null. */
    private int[] keptMuted;
    /** The node-level membership changes (the nodes mix), or null. */
    private final NodeChanges nodeChanges;
    /** Partitions created and removed online, with their check; null unless the mix has them. */
    private final PartitionChurn partitionChurn;
    /** A node that led sleeping partitions, crashed or cut off until its time is up (quiescence mix). */
    private SimNode sleepingLeaderOut;

    /**
     * @param nodes   every node slot; with node-level changes, the first {@code initial} form the cluster and the
     *                others are spares for fresh nodes
     * @param initial how many slots form the cluster at first
     * @param partitionMaps whether partitions are created, removed, split and merged online ({@link PartitionChurn})
     * @param createsPartitions whether, without {@code partitionMaps}, partitions are created and removed online
     *                (without splits): the nodes mix's seeds that do not place replicas, so that partitions are
     *                created while members are removed and come back
     */
    Nemesis(FaultMix mix, boolean partitionMaps, List<SimNode> nodes, int initial, SimNetwork network,
            SimScheduler scheduler, SimTrace trace, SafetyMonitor monitor, int partitions, int registerPartitions,
            long faultMillis, boolean createsPartitions) {
        this.registerPartitions = registerPartitions;
        this.nodeChanges = mix.nodes()
                ? new NodeChanges(nodes, initial, scheduler, trace, monitor, partitions, this::mayImpair) : null;
        this.mix = mix;
        this.nodes = nodes;
        this.network = network;
        this.scheduler = scheduler;
        this.monitor = monitor;
        this.partitions = partitions;
        this.faultMillis = faultMillis;
        // The last initial partition's range is split (it is the snapshot partition: its state is the application's).
        this.partitionChurn = partitionMaps ? new PartitionChurn(nodes, monitor, partitions,
                io.kommander.internal.system.PartitionRanges.split(partitions).range(partitions))
                : createsPartitions ? new PartitionChurn(nodes, monitor, partitions, null) : null;
        if (nodeChanges != null && createsPartitions) {
            nodeChanges.betweenReplacement(partitionChurn::create);
            // In the seeds keeping a removed node: the node kept hosts a created partition, cut off on it as its
            // removal is asked, which the map removes once it is kept (so its replica was never told it was taken out).
            nodeChanges.beforeKeptRemoval(partitionChurn::oneLives);
            nodeChanges.whenKept(this::muteKeptPartition, this::removeKeptPartition);
        }
    }

    /**
     * As a removal that may keep its target is asked: cuts off ({@link SimNetwork#mute}) the target's replica of a
     * created partition it hosts, so that it hears neither that it was taken out of it nor any answer about it; lets
     * it go if the removal is not done.
     */
    private void muteKeptPartition(SimNode target, java.util.concurrent.CompletableFuture<RaftOperationStatus> call) {
        unmuteKeptPartition();
        int partition = partitionChurn.hostedBy(target, members(), scheduler.random());
        if (partition < 0) {
            return;
        }
        network.mute(target.index(), partition);
        keptMuted = new int[] {target.index(), partition};
        int[] muted = keptMuted;
        call.thenAccept(status -> {
            if (status != RaftOperationStatus.Success && keptMuted == muted) {
                unmuteKeptPartition();
            }
        });
    }

    /**
     * The node kept running, removed: removes the created partition cut off on it through a live member, and lets it
     * go once every live member applied the removal (or after {@value #KEPT_PARTITION_BOUND_MILLIS} ms), so that no
     * member holds a replica left to answer the node's queries about it from a configuration.
     */
    private void removeKeptPartition(SimNode kept) {
        if (keptMuted == null || keptMuted[0] != kept.index()) {
            unmuteKeptPartition();
            return;
        }
        int partition = keptMuted[1];
        int[] muted = keptMuted;
        partitionChurn.remove(partition, members(), scheduler.random());
        awaitThen(() -> members().stream().filter(n -> n.state() == SimNode.State.UP && n.manager() != null)
                .allMatch(n -> n.manager().getPartitionMap().partition(partition)
                        .map(d -> d.state() == io.kommander.PartitionState.REMOVED).orElse(false)), () -> {
            if (keptMuted == muted) {
                unmuteKeptPartition();
            }
        }, scheduler.now() + KEPT_PARTITION_BOUND_MILLIS);
    }

    private void unmuteKeptPartition() {
        if (keptMuted != null) {
            network.unmute(keptMuted[0], keptMuted[1]);
            keptMuted = null;
        }
    }

    /** Runs {@code then} once {@code condition} holds, checked every 20 ms, or at {@code deadline}. */
    private void awaitThen(java.util.function.BooleanSupplier condition, Runnable then, long deadline) {
        if (condition.getAsBoolean() || scheduler.now() >= deadline) {
            then.run();
        } else {
            scheduler.schedule(SimScheduler.NO_NODE, 20, () -> awaitThen(condition, then, deadline));
        }
    }

    /** The partition map changes of the membership mix, the placement seeds and the nodes mix's other seeds, or null. */
    PartitionChurn partitionChurn() {
        return partitionChurn;
    }

    /** The nodes in the cluster: every slot, or with node-level changes the members and the nodes joining. */
    List<SimNode> members() {
        return nodeChanges == null ? nodes : nodeChanges.active();
    }

    /** The node-level changes of the nodes mix, or null in other mixes. */
    NodeChanges nodeChanges() {
        return nodeChanges;
    }

    /** Starts injecting faults. */
    void start() {
        running = true;
        network.setConditions(mix.network());
        nodes.forEach(n -> n.disk().setWriteFailure(mix.diskFailure()));
        if (mix.outages()) {
            scheduleOutages(scheduler.random());
        }
        next();
    }

    private void scheduleOutages(SplittableRandom random) {
        if (random.nextBoolean()) {
            scheduler.schedule(SimScheduler.NO_NODE, faultMillis / 5 + random.nextLong(faultMillis / 2),
                    () -> whenRunning(this::crashEverything));
        }
        scheduler.schedule(SimScheduler.NO_NODE, faultMillis * 3 / 5 + random.nextLong(faultMillis / 3),
                () -> whenRunning(this::holdOneDown));
    }

    private void whenRunning(Runnable fault) {
        if (running) {
            fault.run();
        }
    }

    /** The power fails everywhere at once: no node keeps anything unsynced; the usual recoveries restart them. */
    private void crashEverything() {
        for (SimNode node : nodes) {
            node.resume();
            node.crash(partitions);
        }
    }

    /** One node (down already, or crashed now) stays down through the end of the fault phase. */
    private void holdOneDown() {
        SplittableRandom random = scheduler.random();
        List<SimNode> down = members().stream().filter(n -> n.state() == SimNode.State.DOWN).toList();
        if (!down.isEmpty()) {
            heldDown = down.get(random.nextInt(down.size()));
        } else if (mayImpair()) {
            heldDown = pickUp(random);
            heldDown.crash(partitions);
        }
    }

    private boolean mayImpair() {
        List<SimNode> members = members();
        long impaired = members.stream().filter(n -> n.state() != SimNode.State.UP).count();
        return impaired < Math.max(1, (members.size() - 1) / 2);
    }

    private void next() {
        long pause = mix.churn() ? 20 + scheduler.random().nextInt(150) : 80 + scheduler.random().nextInt(500);
        scheduler.schedule(SimScheduler.NO_NODE, pause, () -> {
            if (running) {
                strike();
                next();
            }
        });
    }

    private void strike() {
        SplittableRandom random = scheduler.random();
        if (nodeChanges != null) {
            nodeChanges.observe(); // a member removed meanwhile is no longer one to recover
            if (keptMuted != null && !members().contains(nodes.get(keptMuted[0]))
                    && !nodeChanges.isKept(nodes.get(keptMuted[0]))) {
                unmuteKeptPartition(); // removed but not kept (it was down): its slot may take a fresh node
            }
        }
        List<SimNode> impaired = members().stream().filter(n -> n.state() != SimNode.State.UP && n != heldDown
                        && n != sleepingLeaderOut).toList();
        boolean mayImpair = mayImpair();
        if (nodeChanges != null && random.nextBoolean() && nodeChanges.strike(random)) {
            return;
        }
        if (mix.quiescence() && random.nextInt(3) == 0 && mayImpair) {
            takeOutSleepingLeader(random);
            return;
        }
        if (mix.transfers() && random.nextInt(4) == 0) {
            transfer(random);
            return;
        }
        if (mix.membership() && random.nextInt(3) == 0) {
            changeMembership(1 + random.nextInt(registerPartitions), random, true);
            return;
        }
        if (partitionChurn != null && random.nextInt(3) == 0) {
            partitionChurn.step(random);
            return;
        }
        if (mix.wipes() && random.nextInt(6) == 0) {
            wipe(random);
            return;
        }

        switch (random.nextInt(mix.clockSteps() ? 5 : 4)) {
            case 0 -> {
                if (mix.crashes() && mayImpair) {
                    SimNode node = pickUp(random);
                    if (random.nextInt(4) == 0) {
                        node.leave(partitions);
                    } else {
                        crash(node, random);
                    }
                }
            }
            case 1 -> {
                if (mix.pauses() && mayImpair) {
                    pickUp(random).pause();
                }
            }
            case 2 -> {
                if (mix.partitions()) {
                    if (random.nextInt(3) == 0) {
                        network.heal();
                    } else {
                        split(random);
                    }
                }
            }
            case 4 -> {
                if (members().stream().anyMatch(n -> n.state() == SimNode.State.UP)) {
                    long magnitude = 1_000 + random.nextInt(4_001);
                    pickUp(random).stepClock(random.nextBoolean() ? magnitude : -magnitude);
                }
            }
            default -> {
                for (SimNode node : impaired) {
                    if (random.nextBoolean()) {
                        recover(node);
                    }
                }
            }
        }
    }

    /**
     * Wipes a running node's disk (it crashes and restarts later without data), one node at a time: only when every
     * node wiped so far is up again with every replica verified (caught up: it votes again), and when no other node
     * is impaired beyond what {@link #mayImpair()} allows, so a majority of every partition always votes.
     */
    private void wipe(SplittableRandom random) {
        if (mayImpair() && nodes.stream().allMatch(n -> !monitor.wipes().wiped(n.index()) || verified(n))) {
            pickUp(random).wipe(partitions);
        }
    }

    /** Whether the node is up and every replica of it may vote. */
    private boolean verified(SimNode node) {
        for (int p = 0; p <= partitions; p++) {
            RaftPartition replica = node.partition(p);
            if (node.state() != SimNode.State.UP || replica == null || !replica.view().verified()) {
                return false;
            }
        }
        return true;
    }

    /** Crashes a node; with torn writes, half the time inside its next WAL write instead of right now. */
    private void crash(SimNode node, SplittableRandom random) {
        if (mix.tornWrites() && random.nextBoolean()) {
            node.crashInNextWrite(partitions);
        } else {
            node.crash(partitions);
        }
    }

    /**
     * Asks the leader of a random partition to hand leadership to another random member. When it
     * answers Success, the target must have led a term at least as late as the last one the leader had led.
     */
    private void transfer(SplittableRandom random) {
        int p = 1 + random.nextInt(partitions);
        List<SimNode> members = members();
        List<SimNode> leaders = members.stream().filter(n -> n.state() == SimNode.State.UP)
                .filter(n -> n.partition(p) != null && n.partition(p).isLeaderQuick()).toList();
        if (leaders.isEmpty() || members.size() < 2) {
            return;
        }
        SimNode source = leaders.get(random.nextInt(leaders.size()));
        // Any other member: a transfer to the leader itself is refused up front (IllegalArgumentException).
        List<SimNode> others = members.stream().filter(n -> n != source).toList();
        SimNode target = others.get(random.nextInt(others.size()));
        long since = monitor.lastTermLed(source.index(), p);
        try {
            source.manager().transferLeadership(p, target.endpoint()).thenAccept(status -> {
                if (status == RaftOperationStatus.Success) {
                    monitor.onTransferSucceeded(source.index(), target.index(), p, since);
                }
            });
        } catch (IllegalArgumentException notAMember) {
            // A target outside the partition's configuration (a node still joining) is refused up front.
        }
    }

    /**
     * Asks the leader of partition {@code p} for the next change on the way out and back: add a missing member as a
     * learner, promote a learner, or (with {@code mayRemove}, when everyone votes) remove any member, the leader
     * included. One time in four a second change follows at once, which the leader must refuse (one at a time).
     * Every answer is legal; {@link QuorumMonitor} and the safety checks judge what the cluster does.
     */
    private void changeMembership(int p, SplittableRandom random, boolean mayRemove) {
        SimNode leader = nodes.stream().filter(n -> n.state() == SimNode.State.UP)
                .filter(n -> n.partition(p) != null && n.partition(p).isLeaderQuick()).findFirst().orElse(null);
        ReplicaView view = leader == null ? null : leader.partition(p).view();
        if (view == null || view.configuration() == null) {
            return;
        }
        ConfigurationChange first = nextChange(view.configuration(), random, mayRemove);
        if (first == null) {
            return;
        }
        leader.partition(p).changeConfiguration(first);
        if (random.nextInt(4) == 0) {
            ConfigurationChange second = nextChange(after(view.configuration(), first), random, mayRemove);
            if (second != null) {
                leader.partition(p).changeConfiguration(second);
            }
        }
    }

    private ConfigurationChange nextChange(Configuration configuration, SplittableRandom random, boolean mayRemove) {
        // Toward every node a voter, as the nodes' own reconcilers move partitions toward the roster.
        java.util.SortedSet<String> everyone = new java.util.TreeSet<>();
        nodes.forEach(node -> everyone.add(node.endpoint()));
        ConfigurationAlignment.Step step = ConfigurationAlignment.next(configuration, everyone, Set.of(), null);
        if (step != null && step.change() != null) {
            return step.change();
        }
        return mayRemove ? new ConfigurationChange(Kind.REMOVE, nodes.get(random.nextInt(nodes.size())).endpoint())
                : null;
    }

    private static Configuration after(Configuration configuration, ConfigurationChange change) {
        return switch (change.kind()) {
            case ADD_LEARNER -> configuration.withLearner(change.member());
            case PROMOTE -> configuration.promoted(change.member());
            case REMOVE -> configuration.without(change.member());
        };
    }

    /**
     * In the heal phase: asks each register partition's leader to bring every node back as a voter, one change at a
     * time, until {@link #membershipComplete()}.
     */
    void restoreMembership() {
        if (!mix.membership() || membershipComplete()) {
            return;
        }
        for (int p = 1; p <= registerPartitions; p++) {
            changeMembership(p, scheduler.random(), false);
        }
        scheduler.schedule(SimScheduler.NO_NODE, 50, this::restoreMembership);
    }

    /** Whether every running replica of every register partition has every node as a voter, nothing in flight. */
    boolean membershipComplete() {
        if (!mix.membership()) {
            return true;
        }
        for (int p = 1; p <= registerPartitions; p++) {
            for (SimNode node : nodes) {
                if (node.state() != SimNode.State.UP) {
                    continue;
                }
                ReplicaView view = node.partition(p) == null ? null : node.partition(p).view();
                if (view == null || view.configuration() == null
                        || view.configuration().voters().size() != nodes.size()
                        || view.configurationChangesInFlight() > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Crashes or cuts off a node that leads quiesced partitions, for 1.2 to 2.5 s: their followers sleep, and only
     * node-level liveness can tell them that their leader is gone ({@link QuiescenceMonitor} checks that it does).
     */
    private void takeOutSleepingLeader(SplittableRandom random) {
        List<SimNode> candidates = nodes.stream().filter(this::leadsSleepingPartition).toList();
        if (candidates.isEmpty() || sleepingLeaderOut != null) {
            return;
        }
        SimNode victim = candidates.get(random.nextInt(candidates.size()));
        sleepingLeaderOut = victim;
        boolean crash = random.nextBoolean();
        if (crash) {
            victim.crash(partitions);
        } else {
            List<Integer> others = nodes.stream().map(SimNode::index).filter(i -> i != victim.index()).toList();
            network.partition(List.of(victim.index()), others);
        }
        scheduler.schedule(SimScheduler.NO_NODE, 1_200 + random.nextInt(1_300), () -> {
            sleepingLeaderOut = null;
            if (crash && running) {
                recover(victim);
            } else if (running) {
                network.heal();
            }
        });
    }

    private boolean leadsSleepingPartition(SimNode node) {
        if (node.state() != SimNode.State.UP) {
            return false;
        }
        for (int p = 0; p <= partitions; p++) {
            RaftPartition partition = node.partition(p);
            if (partition != null && partition.isLeaderQuick() && node.manager().quiescence().isQuiesced(p)) {
                return true;
            }
        }
        return false;
    }

    /** A running node; half the time one that leads some partition, since losing a leader is what tests most. */
    private SimNode pickUp(SplittableRandom random) {
        List<SimNode> up = members().stream().filter(n -> n.state() == SimNode.State.UP).toList();
        List<SimNode> leaders = up.stream().filter(this::leadsSomething).toList();
        List<SimNode> from = !leaders.isEmpty() && random.nextBoolean() ? leaders : up;
        return from.get(random.nextInt(from.size()));
    }

    private boolean leadsSomething(SimNode node) {
        for (int p = 0; p <= partitions; p++) {
            RaftPartition partition = node.partition(p);
            if (partition != null && partition.isLeaderQuick()) {
                return true;
            }
        }
        return false;
    }

    private void split(SplittableRandom random) {
        List<Integer> side = new ArrayList<>();
        List<Integer> other = new ArrayList<>();
        List<SimNode> members = members();
        if (members.size() < 2) {
            return;
        }
        if (mix.churn() && random.nextBoolean() && members.stream().anyMatch(n -> n.state() == SimNode.State.UP)) {
            // Isolate one node, often a leader, so it goes on alone with entries no one else has.
            int isolated = pickUp(random).index();
            members.forEach(n -> (n.index() == isolated ? side : other).add(n.index()));
        } else {
            for (SimNode node : members) {
                (random.nextBoolean() ? side : other).add(node.index());
            }
        }
        if (side.isEmpty() || other.isEmpty()) {
            int a = random.nextInt(members.size());
            int b = (a + 1 + random.nextInt(members.size() - 1)) % members.size();
            network.cut(members.get(a).index(), members.get(b).index());
        } else {
            network.partition(side, other);
        }
    }

    /** Ends a node's impairment: restarts it (once left, if leaving) or resumes it. */
    static void recover(SimNode node) {
        switch (node.state()) {
            case DOWN -> node.start();
            case PAUSED -> node.resume();
            case LEAVING -> node.restartWhenLeft();
            case UP -> {
            }
        }
    }

    /**
     * Ends every fault: heals the network, restarts and resumes nodes, stops losses, disk errors and torn writes, and
     * restarts a node with a partition that gave up after repeated WAL failures (as its operator would).
     */
    void healAll() {
        running = false;
        network.heal();
        network.setConditions(SimNetwork.Conditions.RELIABLE);
        for (SimNode node : nodes) {
            node.disk().setWriteFailure(0);
            node.disk().disarmTear();
        }
        if (nodeChanges != null) {
            nodeChanges.settle();
        }
        for (SimNode node : members()) {
            if (node.partitionGaveUp()) {
                node.crash(partitions);
            }
            if (node != heldDown) {
                recover(node);
            }
        }
        if (heldDown != null) {
            // Restarted within the quiet period, far behind: it catches up while the others already serve.
            SimNode late = heldDown;
            scheduler.schedule(SimScheduler.NO_NODE, 200 + scheduler.random().nextInt(1_000), () -> recover(late));
            heldDown = null;
        }
    }
}
