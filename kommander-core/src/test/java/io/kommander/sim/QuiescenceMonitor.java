package io.kommander.sim;

import io.kommander.internal.node.RaftNode;
import io.kommander.internal.partition.QuiescedPartitions;
import io.kommander.internal.partition.RaftPartition;

import java.util.Arrays;
import java.util.List;

/**
 * Checks, after every event, that quiescence never costs liveness:
 * <ul>
 *   <li>a quiesced follower never sleeps longer than {@link #SLEEP_BOUND_MILLIS} under a leader whose node is dead
 *       to it (down, paused, leaving, or its link to the follower cut): node-level liveness must wake it;</li>
 *   <li>once such a follower was seen, its partition has a leader connected to every node up within
 *       {@link #LEADER_BOUND_MILLIS} of virtual time while a majority of the nodes, the dead leader's excluded, is up
 *       and fully connected (the clock restarts whenever that majority breaks).</li>
 * </ul>
 * It also counts, over the run, how often partitions quiesced and woke, for the run summary. The views it reads are
 * what each node last published ({@link QuiescedPartitions}, {@link RaftPartition#leaderQuick()}).
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class QuiescenceMonitor {

    /** Liveness suspects a silent node after an election timeout (100 to 200 ms here) and a tick: far below this. */
    static final long SLEEP_BOUND_MILLIS = 1_000;
    /** Suspicion, an election timeout, a pre-vote and a vote round (with split votes and losses): far below this. */
    static final long LEADER_BOUND_MILLIS = 4_000;

    private final List<SimNode> nodes;
    private final SimNetwork network;
    private final SimScheduler scheduler;
    private final SafetyMonitor monitor;
    private final int partitions;
    /** [node][partition]: since when the replica sleeps under a dead leader, or -1. */
    private final long[][] sleepingUnderDeadSince;
    /** [partition]: since when a replica was seen asleep under a dead leader with a majority reachable, or -1. */
    private final long[] orphanedSince;
    /** [partition]: the dead leader's node while orphaned. */
    private final int[] orphanedBy;
    /** [node]: the lifetime counted so far; a new one counts from zero. */
    private final RaftNode[] lifetimes;
    private final long[] quiescesBefore;
    private final long[] wakesBefore;
    private long quiesces;
    private long wakes;

    QuiescenceMonitor(List<SimNode> nodes, SimNetwork network, SimScheduler scheduler, SafetyMonitor monitor,
                      int partitions) {
        this.nodes = nodes;
        this.network = network;
        this.scheduler = scheduler;
        this.monitor = monitor;
        this.partitions = partitions;
        this.sleepingUnderDeadSince = new long[nodes.size()][partitions + 1];
        this.orphanedSince = new long[partitions + 1];
        this.orphanedBy = new int[partitions + 1];
        this.lifetimes = new RaftNode[nodes.size()];
        this.quiescesBefore = new long[nodes.size()];
        this.wakesBefore = new long[nodes.size()];
        for (long[] row : sleepingUnderDeadSince) {
            Arrays.fill(row, -1);
        }
        Arrays.fill(orphanedSince, -1);
    }

    /** Quiesce events seen over the run, every node and lifetime. */
    long quiesces() {
        return quiesces;
    }

    /** Wake events seen over the run, every node and lifetime. */
    long wakes() {
        return wakes;
    }

    /** Looks at every running replica. */
    void check() {
        long now = scheduler.now();
        for (SimNode node : nodes) {
            RaftNode raft = node.state() == SimNode.State.UP ? node.manager() : null;
            count(node.index(), node.manager());
            for (int p = 0; p <= partitions; p++) {
                int deadLeader = raft == null ? -1 : deadLeaderOf(node, raft.quiescence(), p);
                checkSleeper(node.index(), p, deadLeader, now);
                if (deadLeader >= 0 && orphanedSince[p] < 0 && majorityWithout(deadLeader)) {
                    orphanedSince[p] = now;
                    orphanedBy[p] = deadLeader;
                }
            }
        }
        for (int p = 0; p <= partitions; p++) {
            checkOrphan(p, now);
        }
    }

    private void count(int node, RaftNode raft) {
        if (raft != lifetimes[node]) {
            lifetimes[node] = raft;
            quiescesBefore[node] = 0;
            wakesBefore[node] = 0;
        }
        if (raft == null) {
            return;
        }
        QuiescedPartitions q = raft.quiescence();
        quiesces += q.quiesceEvents() - quiescesBefore[node];
        wakes += q.wakeEvents() - wakesBefore[node];
        quiescesBefore[node] = q.quiesceEvents();
        wakesBefore[node] = q.wakeEvents();
    }

    /** The node of the leader {@code node}'s quiesced follower replica of {@code p} sleeps under, if dead to it; else -1. */
    private int deadLeaderOf(SimNode node, QuiescedPartitions quiescence, int p) {
        RaftPartition replica = node.partition(p);
        if (replica == null || !quiescence.isQuiesced(p) || replica.isLeaderQuick()) {
            return -1;
        }
        int leader = indexOf(replica.leaderQuick());
        if (leader < 0 || leader == node.index()) {
            return -1;
        }
        boolean dead = nodes.get(leader).state() != SimNode.State.UP || network.isCut(leader, node.index());
        return dead ? leader : -1;
    }

    private void checkSleeper(int node, int p, int deadLeader, long now) {
        if (deadLeader < 0) {
            sleepingUnderDeadSince[node][p] = -1;
        } else if (sleepingUnderDeadSince[node][p] < 0) {
            sleepingUnderDeadSince[node][p] = now;
        } else if (now - sleepingUnderDeadSince[node][p] > SLEEP_BOUND_MILLIS) {
            monitor.fail("quiescence: n" + node + " sleeps on p" + p + " under n" + deadLeader + ", whose node is"
                    + " dead to it, since " + sleepingUnderDeadSince[node][p] + " ms (now " + now + ")");
        }
    }

    private void checkOrphan(int p, long now) {
        if (orphanedSince[p] < 0) {
            return;
        }
        int dead = orphanedBy[p];
        if (!majorityWithout(dead) || ledByReachable(p)) {
            orphanedSince[p] = -1;
        } else if (now - orphanedSince[p] > LEADER_BOUND_MILLIS) {
            monitor.fail("quiescence: p" + p + " has no leader " + LEADER_BOUND_MILLIS + " ms after a replica slept"
                    + " under n" + dead + ", whose node is dead, though a majority is up and connected");
        }
    }

    /**
     * Whether a node that is up and connected both ways with a majority (itself included) leads {@code p}: a new
     * leader, or the old one back. An isolated leader that still believes it leads does not count; a leader with a
     * majority does, even if some node that is up is cut off from it (the partitions mix cuts links without
     * crashing anyone: the sleeper's leader may be up, cut off from the sleeper, and still lead with the third node).
     */
    private boolean ledByReachable(int p) {
        for (SimNode node : nodes) {
            RaftPartition replica = node.state() == SimNode.State.UP ? node.partition(p) : null;
            if (replica != null && replica.isLeaderQuick() && reachesAMajority(node)) {
                return true;
            }
        }
        return false;
    }

    private boolean reachesAMajority(SimNode node) {
        int reached = 1;
        for (SimNode other : nodes) {
            if (other != node && other.state() == SimNode.State.UP
                    && !network.isCut(node.index(), other.index()) && !network.isCut(other.index(), node.index())) {
                reached++;
            }
        }
        return reached > nodes.size() / 2;
    }

    private boolean majorityWithout(int excluded) {
        List<SimNode> up = nodes.stream().filter(n -> n.index() != excluded && n.state() == SimNode.State.UP)
                .toList();
        if (up.size() <= nodes.size() / 2) {
            return false;
        }
        for (SimNode a : up) {
            for (SimNode b : up) {
                if (a != b && network.isCut(a.index(), b.index())) {
                    return false;
                }
            }
        }
        return true;
    }

    private int indexOf(String endpoint) {
        if (endpoint == null) {
            return -1;
        }
        for (SimNode node : nodes) {
            if (node.endpoint().equals(endpoint)) {
                return node.index();
            }
        }
        return -1;
    }
}
