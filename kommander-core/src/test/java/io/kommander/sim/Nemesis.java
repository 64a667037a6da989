package io.kommander.sim;

import io.kommander.internal.partition.RaftPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Injects a run's faults at random moments of virtual time, as its {@link FaultMix} allows: crashes and restarts,
 * pauses and resumes, symmetric and one-way partitions and heals, steps of a node's wall clock (back or forward by
 * one to five seconds, half the time on a leader). At most a minority of the nodes is down or
 * paused at once, so the cluster can make progress between faults. {@link #healAll()} ends every fault.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class Nemesis {

    private final FaultMix mix;
    private final List<SimNode> nodes;
    private final SimNetwork network;
    private final SimScheduler scheduler;
    private final int partitions;
    private boolean running;

    Nemesis(FaultMix mix, List<SimNode> nodes, SimNetwork network, SimScheduler scheduler, int partitions) {
        this.mix = mix;
        this.nodes = nodes;
        this.network = network;
        this.scheduler = scheduler;
        this.partitions = partitions;
    }

    /** Starts injecting faults. */
    void start() {
        running = true;
        network.setConditions(mix.network());
        nodes.forEach(n -> n.disk().setWriteFailure(mix.diskFailure()));
        next();
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
        List<SimNode> impaired = nodes.stream().filter(n -> n.state() != SimNode.State.UP).toList();
        boolean mayImpair = impaired.size() < Math.max(1, (nodes.size() - 1) / 2);
        switch (random.nextInt(mix.clockSteps() ? 5 : 4)) {
            case 0 -> {
                if (mix.crashes() && mayImpair) {
                    pickUp(random).crash(partitions);
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
                if (impaired.size() < nodes.size()) {
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

    /** A running node; half the time one that leads some partition, since losing a leader is what tests most. */
    private SimNode pickUp(SplittableRandom random) {
        List<SimNode> up = nodes.stream().filter(n -> n.state() == SimNode.State.UP).toList();
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
        if (mix.churn() && random.nextBoolean() && nodes.stream().anyMatch(n -> n.state() == SimNode.State.UP)) {
            // Isolate one node, often a leader, so it goes on alone with entries no one else has.
            int isolated = pickUp(random).index();
            nodes.forEach(n -> (n.index() == isolated ? side : other).add(n.index()));
        } else {
            for (SimNode node : nodes) {
                (random.nextBoolean() ? side : other).add(node.index());
            }
        }
        if (side.isEmpty() || other.isEmpty()) {
            int a = random.nextInt(nodes.size());
            int b = (a + 1 + random.nextInt(nodes.size() - 1)) % nodes.size();
            network.cut(a, b);
        } else {
            network.partition(side, other);
        }
    }

    private static void recover(SimNode node) {
        if (node.state() == SimNode.State.DOWN) {
            node.start();
        } else if (node.state() == SimNode.State.PAUSED) {
            node.resume();
        }
    }

    /**
     * Ends every fault: heals the network, restarts and resumes nodes, stops losses and disk errors, and restarts a
     * node with a partition that gave up after repeated WAL failures (as its operator would).
     */
    void healAll() {
        running = false;
        network.heal();
        network.setConditions(SimNetwork.Conditions.RELIABLE);
        for (SimNode node : nodes) {
            node.disk().setWriteFailure(0);
            if (node.partitionGaveUp()) {
                node.crash(partitions);
            }
            recover(node);
        }
    }
}
