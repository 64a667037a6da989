package io.kommander.sim;

/**
 * Which faults a run injects. Every run delays and reorders messages; the mixes add the rest.
 *
 * @param network    per-batch drop and duplication probabilities and the delay range
 * @param partitions symmetric and one-way network partitions, healed at random
 * @param crashes    crashes (losing unsynced state) and restarts
 * @param pauses     node pauses (clocks stop, events held)
 * @param clocks     clock skew and drift
 * @param clockSteps steps of a node's wall clock, back or forward by seconds
 * @param diskFailure probability that a WAL write fails
 * @param churn      leader churn: five nodes, faults every few tens of milliseconds, one entry per append and one
 *                   append in flight, so that leaders often die holding entries of older terms (Raft's figure 8)
 * @param singleNode a cluster of one node
 * @param transfers  leadership transfers: a partition's leader is asked to hand over to a random member
 * @param outages    a whole-cluster crash (every node at once) in half the runs, and one node held down from late in
 *                   the fault phase until into the heal phase
 * @param tornWrites a crash may land inside a WAL write, leaving its last record torn on the disk
 * @param membership configuration changes of the register partitions: a member removed, added back as a learner,
 *                   promoted to voter (the register partitions never compact, so a member added back catches up
 *                   from the log)
 * @param wipes      disk wipes: a node (never a majority, one at a time) crashes and loses its whole disk, then
 *                   restarts without data, as after its data folder was deleted; no partition compacts in such a
 *                   run (a replica needing compacted entries needs a snapshot, which is another mix's business)
 * @param nodes      node-level membership changes through the public API ({@link NodeChanges}): fresh nodes join,
 *                   members are removed (from any node) or leave, a crashed member is replaced by a fresh node;
 *                   no checkpoints, so only the snapshot partition compacts and a fresh node is rebuilt there by
 *                   snapshot, elsewhere from the log
 * @param partitionMaps partitions created and removed online ({@link PartitionChurn}), besides the register
 *                   partitions, with writes to them and the drain check; the snapshot partition's range split
 *                   online under keyed writes ({@link SplitChurn})
 * @param quiescence lulls: every client holds off together for a few hundred milliseconds, so that partitions
 *                   quiesce, and the nemesis then crashes or cuts off a node leading sleeping partitions and keeps
 *                   it out for a second or two (every mix runs with quiescence on; this one makes it the point)
 */
record FaultMix(String name, SimNetwork.Conditions network, boolean partitions, boolean crashes, boolean pauses,
                boolean clocks, boolean clockSteps, double diskFailure, boolean churn, boolean singleNode,
                boolean transfers, boolean outages, boolean tornWrites, boolean membership, boolean wipes,
                boolean nodes, boolean partitionMaps, boolean quiescence) {

    /** A mix without node-level membership changes, partition map changes or lulls. */
    FaultMix(String name, SimNetwork.Conditions network, boolean partitions, boolean crashes, boolean pauses,
             boolean clocks, boolean clockSteps, double diskFailure, boolean churn, boolean singleNode,
             boolean transfers, boolean outages, boolean tornWrites, boolean membership, boolean wipes) {
        this(name, network, partitions, crashes, pauses, clocks, clockSteps, diskFailure, churn, singleNode,
                transfers, outages, tornWrites, membership, wipes, false, false, false);
    }

    /** A mix without disk wipes. */
    FaultMix(String name, SimNetwork.Conditions network, boolean partitions, boolean crashes, boolean pauses,
             boolean clocks, boolean clockSteps, double diskFailure, boolean churn, boolean singleNode,
             boolean transfers, boolean outages, boolean tornWrites, boolean membership) {
        this(name, network, partitions, crashes, pauses, clocks, clockSteps, diskFailure, churn, singleNode,
                transfers, outages, tornWrites, membership, false);
    }

    /** A mix without membership changes. */
    FaultMix(String name, SimNetwork.Conditions network, boolean partitions, boolean crashes, boolean pauses,
             boolean clocks, boolean clockSteps, double diskFailure, boolean churn, boolean singleNode,
             boolean transfers, boolean outages, boolean tornWrites) {
        this(name, network, partitions, crashes, pauses, clocks, clockSteps, diskFailure, churn, singleNode,
                transfers, outages, tornWrites, false);
    }

    /** A mix without transfers, outages or torn writes. */
    FaultMix(String name, SimNetwork.Conditions network, boolean partitions, boolean crashes, boolean pauses,
             boolean clocks, boolean clockSteps, double diskFailure, boolean churn, boolean singleNode) {
        this(name, network, partitions, crashes, pauses, clocks, clockSteps, diskFailure, churn, singleNode, false,
                false, false);
    }

    static final FaultMix RELIABLE = new FaultMix("reliable", new SimNetwork.Conditions(0, 0, 1, 8), false, false,
            false, false, false, 0, false, false);
    static final FaultMix LOSSY = new FaultMix("lossy", new SimNetwork.Conditions(0.15, 0.1, 1, 40, 0.02), false, false,
            false, false, false, 0, false, false);
    static final FaultMix PARTITIONS = new FaultMix("partitions", new SimNetwork.Conditions(0.02, 0.02, 1, 15),
            true, false, false, false, false, 0, false, false, true, false, false);
    static final FaultMix CRASHES = new FaultMix("crashes", new SimNetwork.Conditions(0.02, 0.02, 1, 10), false,
            true, false, false, false, 0, false, false, false, true, true);
    static final FaultMix PAUSES_AND_CLOCKS = new FaultMix("pauses+clocks",
            new SimNetwork.Conditions(0.02, 0.02, 1, 10), false, false, true, true, true, 0, false, false);
    static final FaultMix DISK = new FaultMix("disk", new SimNetwork.Conditions(0.02, 0.02, 1, 10), false, true,
            false, false, false, 0.03, false, false, false, false, true);
    static final FaultMix CHAOS = new FaultMix("chaos", new SimNetwork.Conditions(0.08, 0.05, 1, 30), true, true,
            true, true, true, 0.01, false, false, true, true, true, true);
    static final FaultMix CHURN = new FaultMix("churn", new SimNetwork.Conditions(0.05, 0.02, 1, 20), true, true,
            false, false, false, 0, true, false, true, false, false);
    /** A quiet cluster whose wall clocks step: nothing but tickets may notice. */
    static final FaultMix CLOCK_STEPS = new FaultMix("clock-steps", new SimNetwork.Conditions(0, 0, 1, 8), false,
            false, false, true, true, 0, false, false);
    static final FaultMix SINGLE_NODE = new FaultMix("single-node", new SimNetwork.Conditions(0, 0, 1, 8), false,
            true, true, true, true, 0.03, false, true);

    /** Membership changes, and partitions created and removed, under message loss, partitions and crashes. */
    static final FaultMix MEMBERSHIP = new FaultMix("membership", new SimNetwork.Conditions(0.03, 0.02, 1, 15), true,
            true, false, false, false, 0, false, false, true, false, false, true, false, false, true, false);

    /** Disk wipes among crashes, partitions and leadership transfers, with nothing compacted. */
    static final FaultMix WIPES = new FaultMix("wipes", new SimNetwork.Conditions(0.02, 0.02, 1, 15), true, true,
            false, false, false, 0, false, false, true, false, false, false, true);

    /** Nodes join, leave, are removed and replaced, among crashes, partitions and leadership transfers. */
    static final FaultMix NODES = new FaultMix("nodes", new SimNetwork.Conditions(0.02, 0.02, 1, 15), true, true,
            false, false, false, 0, false, false, true, false, false, false, false, true, false, false);

    /** Lulls in which partitions quiesce, and a node leading sleeping partitions crashed or cut off in them. */
    static final FaultMix QUIESCENCE = new FaultMix("quiescence", new SimNetwork.Conditions(0.02, 0.02, 1, 15), true,
            true, true, false, false, 0, false, false, true, false, false, false, false, false, false, true);

    /** Every mix, in the order seeds cycle through them. */
    static final FaultMix[] ALL = {RELIABLE, LOSSY, PARTITIONS, CRASHES, PAUSES_AND_CLOCKS, DISK, CHAOS, CHURN,
            CLOCK_STEPS, SINGLE_NODE, MEMBERSHIP, WIPES, NODES, QUIESCENCE};

    /** The mix of a seed. */
    static FaultMix forSeed(long seed) {
        return ALL[(int) Math.floorMod(seed, (long) ALL.length)];
    }

    /**
     * Whether nothing but clocks misbehaves: no loss, partition, crash, pause, disk error, transfer or outage, and
     * more than one node.
     * In such a cluster leaders must keep their terms and no write may time out.
     */
    boolean quiet() {
        return !partitions && !crashes && !pauses && diskFailure == 0 && network.drop() == 0
                && network.duplicate() == 0 && !singleNode && !transfers && !outages && !membership && !wipes
                && !nodes && !partitionMaps && !quiescence;
    }

    @Override
    public String toString() {
        return name;
    }
}
