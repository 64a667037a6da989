package io.kommander.sim;

import io.kommander.internal.partition.PartitionSeams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deterministic simulation: many seeds of whole clusters under faults, each checked for Raft's safety
 * properties, convergence, and linearizability of client histories; a replay of one seed; and negative controls
 * that plant known bugs and require the simulator to catch each. See {@code docs/testing.md}.
 *
 * <p>Seeds: {@code -Dkommander.sim.firstSeed=N -Dkommander.sim.seeds=COUNT} (default 1 and 1,000);
 * {@code -Dkommander.sim.threads=T} (default 2); negative controls search {@code -Dkommander.sim.controlSeeds}
 * seeds at most (default 200).
 */
class SimulationTest {

    private static final long FIRST_SEED = Long.getLong("kommander.sim.firstSeed", 1);
    private static final int SEEDS = Integer.getInteger("kommander.sim.seeds", 1_000);
    private static final int THREADS = Integer.getInteger("kommander.sim.threads", 2);
    private static final int NEGATIVE_CONTROL_SEEDS = Integer.getInteger("kommander.sim.controlSeeds", 200);
    /** {@code -Dkommander.sim.mix=NAME}: the sweep runs only seeds of that fault mix ({@link FaultMix#name()}). */
    private static final FaultMix MIX = mixNamed(System.getProperty("kommander.sim.mix"));
    /** Seeds of the nodes mix the negative control of a promotion before catch-up searches. */
    private static final int MEMBERSHIP_CONTROL_SEEDS = 60;
    private static final int NODES_CONTROL_SEEDS = 30;
    /** Placement seeds (a third of the nodes mix's) the negative control of a removal before catch-up searches. */
    private static final int PLACEMENT_CONTROL_SEEDS = 20;
    /**
     * Seeds of the nodes mix that keep a removed node running and place no replicas (a third of the mix's) that each
     * negative control on a removed node searches.
     */
    private static final int KEPT_REMOVED_CONTROL_SEEDS = 30;
    /**
     * Placement seeds the negative control of an addition before making room searches: an overlap of two moves of one
     * partition (or a co-location of several replicas) is rarer than a move, so it needs more of them (caught at the
     * 43rd, seed 1776; at the 31st, seed 1272, before session 13's changes moved that seed's run; at the 25th, seed
     * 810, before a pass's light steps were one map change).
     */
    private static final int MOVE_OVERLAP_CONTROL_SEEDS = 80;
    /** Seeds past CI's sweep that once failed ({@link #regressionSeedsKeepRaftSafeAndSettle}). */
    private static final long[] REGRESSION_SEEDS = {1272, 1844, 2196, 3498, 3582, 5052, 6354, 7656, 10974, 13410,
        14414, 24708, 57187, 67632, 81800};
    /** Seeds of the reliable mix the negative control of the campaign order searches. */
    private static final int SUCCESSION_CONTROL_SEEDS = 40;

    @Test
    void everySeedKeepsRaftSafeAndClientHistoriesLinearizable() {
        SeedSweep.Summary summary = SeedSweep.run(FIRST_SEED, SEEDS, Set.of(), THREADS, MIX);
        System.out.println("[simulation] " + summary);
        summary.failures().forEach(f -> System.out.println("[simulation] " + f.report()));
        assertThat(summary.failures())
                .as("failing seeds (replay each with the command in its report above)")
                .extracting(SimResult::replayCommand)
                .isEmpty();
    }

    @Test
    void oneSeedReplaysTheSameRun() {
        for (FaultMix mix : FaultMix.ALL) {
            long seed = FIRST_SEED + indexOf(mix);
            SimResult first = new Simulation(seed, Set.of()).run();
            SimResult again = new Simulation(seed, Set.of()).run();
            assertThat(first.mix()).isEqualTo(mix);
            // A real run, not an empty one; single-node seed 9 spends 5 of its 7 s paused: 920 events, 81 operations.
            assertThat(again.events()).isEqualTo(first.events()).isGreaterThan(500);
            assertThat(again.operations()).isEqualTo(first.operations()).isGreaterThan(50);
            assertThat(again.digest()).as("digest of seed %d", seed).isEqualTo(first.digest());
        }
    }

    /**
     * Wall clocks of a quiet cluster step back and forward by seconds: leaders keep their terms and no write times
     * out, since only tickets read the wall clock.
     */
    @Test
    void clockStepsChangeNothingButTickets() {
        assertNoFailures(FaultMix.CLOCK_STEPS, 12);
    }

    /** A cluster of one node, with crashes, pauses, clock steps and disk errors, compacts like any other. */
    @Test
    void singleNodeClustersCompactAndSurviveFaults() {
        assertNoFailures(FaultMix.SINGLE_NODE, 12);
    }

    private static void assertNoFailures(FaultMix mix, int count) {
        List<SimResult> failures = new ArrayList<>();
        for (long seed = FIRST_SEED + indexOf(mix), run = 0; run < count; seed += FaultMix.ALL.length, run++) {
            SimResult result = new Simulation(seed, Set.of()).run();
            assertThat(result.mix()).isEqualTo(mix);
            if (result.failed()) {
                System.out.println("[simulation] " + result.report());
                failures.add(result);
            }
        }
        assertThat(failures).as("failing %s seeds (reports above)", mix).extracting(SimResult::violation).isEmpty();
    }

    /**
     * COMMIT_OLD_TERM_BY_COUNTING is not listed: the figure-8 interleaving it needs (a leader of a middle term
     * isolated before its barrier leaves, then the old leader dying before its own barrier reaches a majority) was
     * not produced by 4,000 seeds of random faults; docs/testing.md records this gap, and the interaction script
     * {@code interaction/figure-8-planted-bug.txt} drives that interleaving with the bug planted.
     */
    @ParameterizedTest
    @EnumSource(value = PartitionSeams.Bug.class, names = {"VOTE_WITHOUT_LOG_CHECK", "ACK_BEFORE_SYNC", "SKIP_ANCHOR_CHECK",
            "DELIVER_BEFORE_DURABLE", "TRANSFER_SUCCESS_EARLY", "RESTORE_SKIPS_FIRST",
            "REPORT_APPENDED_AS_NOT_APPENDED", "IGNORE_REQUEST_IDS", "LEARNER_COUNTS_IN_QUORUM", "TWO_CHANGES_AT_ONCE",
            "ADOPT_IMPLAUSIBLE_TERM", "FRESH_REPLICA_VOTES", "ACCEPT_CORRUPT_SNAPSHOT", "PROMOTE_BEFORE_CAUGHT_UP",
            "QUIESCED_FOLLOWER_IGNORES_DEAD_LEADER", "RESTORED_ONLY_THROUGH_STORED_COMMIT"})
    void plantedBugIsCaught(PartitionSeams.Bug bug) {
        SimResult caught = SeedSweep.firstCaught(bug, 1, NEGATIVE_CONTROL_SEEDS);
        System.out.println("[simulation] planted " + bug + ": " + (caught == null ? "not caught"
                : "caught at seed " + caught.seed() + ": " + caught.violation()));
        assertThat(caught).as("%s caught within %d seeds", bug, NEGATIVE_CONTROL_SEEDS).isNotNull();
    }

    /**
     * A learner promoted before it holds everything committed: the nodes mix, whose fresh nodes join as learners and
     * are promoted once the roster makes them voters, catches it by itself (the promotion check of
     * {@link ConfigurationMonitor}), within a few of its own seeds.
     */
    @Test
    void promotionBeforeCatchUpIsCaughtByTheNodesMix() {
        assertCaughtByMix(PartitionSeams.Bug.PROMOTE_BEFORE_CAUGHT_UP, FaultMix.NODES, NODES_CONTROL_SEEDS, "promotion:");
    }

    /**
     * A node that asks the roster to make it a voter before it caught up on every partition: the nodes mix catches it
     * by itself (the roster promotion check of {@link RosterMonitor}), within a few of its own seeds.
     */
    @Test
    void rosterPromotionBeforeCatchUpIsCaughtByTheNodesMix() {
        assertCaughtByMix(PartitionSeams.Bug.ROSTER_PROMOTES_EARLY, FaultMix.NODES, NODES_CONTROL_SEEDS, "roster promotion:");
    }

    /**
     * Partitions created online that open from each node's configured members, not from the first voters partition 0's
     * log records: the nodes mix's seeds that do not place replicas create a partition between a replacement's removal
     * and its fresh node, which may come back at the removed node's endpoint. The others count it a voter of the
     * created partition while its own fresh replica joins, so its join never ends (the final membership check).
     */
    @Test
    void createdPartitionsOpeningFromOwnPeersAreCaughtByTheNodesMix() {
        assertCaughtByMix(PartitionSeams.Bug.CREATED_FROM_OWN_PEERS, FaultMix.NODES, NODES_CONTROL_SEEDS, "membership:");
    }

    /**
     * A placed partition's leader that takes the replica the map moved away out before its replacement is a voter:
     * the placement seeds of the nodes mix (every third of its seeds), whose joins and leaves move replicas, catch it
     * by themselves (the removal check of {@link PlacementMonitor}), within a few of those seeds.
     */
    @Test
    void rebalanceRemovingBeforeCatchUpIsCaughtByThePlacementSeeds() {
        SimResult caught = firstCaughtByPlacementSeeds(PartitionSeams.Bug.REBALANCE_REMOVES_BEFORE_CATCH_UP);
        assertThat(caught.violation()).startsWith("placement:");
    }

    /**
     * A placed partition's leader that adds a missing replica at once, however many members its configuration holds
     * (as before the alignment made room first): a partition moved again before its first move ended, or co-located
     * for a merge, holds R + 2 members or more. The placement seeds, whose joins and leaves move partitions and whose
     * merges co-locate them, catch it by themselves (the addition check of {@link PlacementMonitor}), within
     * {@value #MOVE_OVERLAP_CONTROL_SEEDS} of those seeds.
     */
    @Test
    void moveOverlapAddingFirstIsCaughtByThePlacementSeeds() {
        SimResult caught = firstCaughtByPlacementSeeds(PartitionSeams.Bug.MOVE_OVERLAPS_ADD_FIRST,
                MOVE_OVERLAP_CONTROL_SEEDS);
        assertThat(caught.violation()).startsWith("placement:").contains("added a member");
    }

    /**
     * A member that answers every stranded replica's membership query with a removal notice, and a replica that takes
     * any notice as proof: a replica the map moves away deletes its data while the partition's committed
     * configuration still counts it as a voter. The placement seeds catch it (the deletion check of
     * {@link StrandedReplicaMonitor}).
     */
    @Test
    void removalNoticeTakenUncheckedIsCaughtByThePlacementSeeds() {
        SimResult caught = firstCaughtByPlacementSeeds(PartitionSeams.Bug.REMOVAL_NOTICE_UNCHECKED);
        assertThat(caught.violation()).startsWith("replica deletion:");
    }

    /**
     * Partition 0's leader ending a leave on the map's word for the partitions it does not host: a move takes the
     * leaving member out of a partition's placement at once, while the partition's leader keeps it a voter until its
     * replacement caught up, so the roster drops a member a partition still needs. The placement seeds catch it (the
     * removal rule of {@link RosterMonitor}).
     */
    @Test
    void leaveTrustingTheMapIsCaughtByThePlacementSeeds() {
        SimResult caught = firstCaughtByPlacementSeeds(PartitionSeams.Bug.LEAVE_TRUSTS_THE_MAP);
        assertThat(caught.violation()).startsWith("roster removal:");
    }

    /**
     * Stranded replicas that never ask whether they were taken out: one taken out while it was cut off (or that missed
     * the commit of its removal) stays open with its data. The placement seeds catch it (the settle check of
     * {@link StrandedReplicaMonitor}): a liveness control.
     */
    @Test
    void strandedReplicaNeverAskingIsCaughtByThePlacementSeeds() {
        SimResult caught = firstCaughtByPlacementSeeds(PartitionSeams.Bug.STRANDED_REPLICA_NEVER_ASKS);
        assertThat(caught.violation()).startsWith("stranded replica:");
    }

    /**
     * The same bug seen on a node the roster removed: its replicas never ask, so none learns it was taken out and the
     * node keeps them, open and with their data, for ever. The nodes mix's seeds that keep a removed node running to
     * the end and place no replicas (every member hosts every partition, so only the removed node strands anything)
     * catch it (the settle check of {@link StrandedReplicaMonitor}).
     */
    @Test
    void removedNodeNeverAskingIsCaughtByTheSeedsKeepingOneRunning() {
        SimResult caught = firstCaughtBySeedsKeepingARemovedNode(PartitionSeams.Bug.STRANDED_REPLICA_NEVER_ASKS, 1,
                KEPT_REMOVED_CONTROL_SEEDS, true);
        assertThat(caught.violation()).startsWith("stranded replica:").contains(", out of the roster, keeps p");
    }

    /**
     * Members whose map removed a partition leave a removed node's query about it unanswered: the removed node, which
     * applies no map any more, keeps its replica of a partition removed after its removal for ever. The seeds that
     * keep a removed node and place no replicas produce it on purpose: the node to be kept hosts a created partition,
     * cut off on it as its removal is asked and removed once it is kept (the settle check of
     * {@link StrandedReplicaMonitor}).
     */
    @Test
    void removedPartitionQueryUnansweredIsCaughtByTheSeedsKeepingOneRunning() {
        SimResult caught = firstCaughtBySeedsKeepingARemovedNode(
                PartitionSeams.Bug.REMOVED_PARTITION_QUERY_UNANSWERED, 1, KEPT_REMOVED_CONTROL_SEEDS, true);
        assertThat(caught.violation()).startsWith("stranded replica:").contains("(the map removed it;");
    }

    /**
     * Seeds past CI's sweep that once failed, run in every build with no bug planted: 1844 (a split whose source
     * replicas were all rebuilt from snapshots past the split entry never finished, before replicas kept their logs
     * through moves), 2196 and 6354 (a leave never ended: a partition that never changed its configuration had no
     * replica that would answer that it let the leaving member go), 3498 (a leaving leader's first hand-over let a
     * placed partition fall below its voters), 3582 (a replaced node, down but still a voter of a partition, took its
     * leader's whole snapshot budget, so a joining node never caught up there), 5052 (a leaving node that led a
     * placed partition on a stale map never handed it over), 7656 and 10974 (the roster removed a leaving member
     * while a moving partition still counted it a voter: partition 0's leader trusted its own learner's configuration,
     * which predated the member) and 13410 (a replica of an initial partition, deleted when the map placed it away and
     * reopened empty when every member hosted it again, voted a candidate without a committed entry into leadership).
     */
    @Test
    void regressionSeedsKeepRaftSafeAndSettle() {
        for (long seed : REGRESSION_SEEDS) {
            SimResult result = new Simulation(seed, Set.of()).run();
            assertThat(result.failed()).as("seed %d: %s", seed, result.violation()).isFalse();
        }
    }

    /**
     * A partition's leader that does not answer a release query from a first configuration no entry holds (as before
     * seed 2196): a partition created, or split off, on members that all stayed never changes its configuration, so no
     * replica of it may say that it let a leaving member go, and the leave never ends. Seed 6354, a {@code nodes}-mix
     * seed like 2196 and a regression seed of this bug, shows it (the membership settle check; seed 2616 did until
     * partition 0 waited for the release queries before taking a leaving member out, session 21, and 2196 until the
     * commit index rode with the next write, session 17); it passes without the bug.
     */
    @Test
    void firstConfigurationsNeverReleasingAreCaughtBySeed6354() {
        SimResult caught = firstCaughtAmong(PartitionSeams.Bug.FIRST_CONFIGURATION_NEVER_RELEASES,
                List.of(6354L).iterator(), 1, "seeds of its kind");
        assertThat(caught.violation()).startsWith("membership:").contains("did not settle");
    }

    /**
     * A follower's or learner's configuration taken as proof that a partition let a leaving member go (as before seeds
     * 7656 and 10974): a replica whose log ends before the entry that added the member shows a configuration without
     * it. Seed 17106, a {@code nodes}-mix seed of 10974's kind, shows it (the roster removal check of
     * {@link RosterMonitor}; regression seed 10974 did until the commit index rode with the next write, session 17, and
     * 7656 until the fix of seed 13410 changed its run); it passes without the bug.
     */
    @Test
    void followersReleasingAreCaughtBySeed17106() {
        SimResult caught = firstCaughtAmong(PartitionSeams.Bug.FOLLOWERS_RELEASE, List.of(17106L).iterator(), 1,
                "seeds of its kind");
        assertThat(caught.violation()).startsWith("roster removal:");
    }

    /**
     * Partition 0 taking a leaving member out before the partitions its leader cannot watch let it go (as before seed
     * 67632): the member, down when its leave began, comes back to lead such a partition without learning that it
     * leaves, never hands it over, and the leave never ends (the final membership check). Seed 67632, a
     * {@code nodes}-mix seed, shows it; it passes without the bug.
     */
    @Test
    void systemRemovalIgnoringOtherPartitionsIsCaughtBySeed67632() {
        SimResult caught = firstCaughtAmong(PartitionSeams.Bug.SYSTEM_REMOVAL_IGNORES_OTHERS,
                List.of(67632L).iterator(), 1, "seeds of its kind");
        assertThat(caught.violation()).startsWith("membership:");
    }

    /**
     * A joining node that takes its replicas' lasting verification and its roster as applied for proof that it caught
     * up (as before seeds 67282 and 81800): removed while down, restarted and joining again, it asks for promotion
     * while its old configurations still name it a voter, before its partitions added it again. Seed 81800, a
     * {@code nodes}-mix seed, shows it (the roster promotion check); it passes without the bug.
     */
    @Test
    void joinTrustingOldReplicasIsCaughtBySeed81800() {
        SimResult caught = firstCaughtAmong(PartitionSeams.Bug.JOIN_TRUSTS_OLD_REPLICAS,
                List.of(81800L).iterator(), 1, "seeds of its kind");
        assertThat(caught.violation()).startsWith("roster promotion:");
    }

    /**
     * A leader that sends what a catch-up read brought back after compaction passed it (as before seed 57187): the
     * entry before the read entries is compacted, so the AppendLogs carries previous term -1 where a snapshot was due.
     * Seed 57187, a {@code wipes}-mix seed, shows it (leader completeness); it passes without the bug.
     */
    @Test
    void staleReadsSentPastCompactionAreCaughtBySeed57187() {
        SimResult caught = firstCaughtAmong(PartitionSeams.Bug.STALE_READ_SENT_PAST_COMPACTION,
                List.of(57187L).iterator(), 1, "seeds of its kind");
        assertThat(caught.violation()).startsWith("leader completeness:");
    }

    /**
     * A joining replica with nothing stored that votes at once (as before seed 13410): reopened on a node that deleted
     * it before, its empty log grants any candidate its vote. Seed 56754, a {@code nodes}-mix seed of 13410's kind,
     * shows it (leader completeness; regression seed 13410 did until the commit index rode with the next write,
     * session 17); it passes without the bug.
     */
    @Test
    void emptyReplicasVotingAreCaughtBySeed56754() {
        SimResult caught = firstCaughtAmong(PartitionSeams.Bug.EMPTY_REPLICA_VOTES, List.of(56754L).iterator(), 1,
                "seeds of its kind");
        assertThat(caught.violation()).startsWith("leader completeness:");
    }

    /**
     * Replicas that snapshot and compact through a split or merge under way (as before the hold existed): a restart
     * past the move entry forgets the moved keys' state, and once every replica of the source has, the move never
     * finishes (sim seed 1844, with its source rebuilt from snapshots). The membership mix's splits and merges, on a
     * partition that compacts every few entries, catch it (the check of {@link MoveLogMonitor}).
     */
    @Test
    void compactingThroughMovesIsCaughtByTheMembershipMix() {
        assertCaughtByMix(PartitionSeams.Bug.COMPACTS_THROUGH_MOVES, FaultMix.MEMBERSHIP, MEMBERSHIP_CONTROL_SEEDS,
                "move log:");
    }

    /**
     * The first seed from {@code first} on, among {@code limit} of the nodes mix's seeds that keep a removed node
     * running ({@link Simulation#keepsARemovedNode}) (with {@code unplacedOnly}, of those that place no replicas),
     * that catches {@code bug}; fails the test if none does.
     */
    private static SimResult firstCaughtBySeedsKeepingARemovedNode(PartitionSeams.Bug bug, long first, int limit,
                                                                   boolean unplacedOnly) {
        Iterator<Long> seeds = LongStream.iterate(first, seed -> seed + 1)
                .filter(seed -> Simulation.keepsARemovedNode(seed)
                        && !(unplacedOnly && Simulation.placesReplicas(seed))).limit(limit).iterator();
        return firstCaughtAmong(bug, seeds, limit, "seeds keeping a removed node");
    }

    /**
     * The first of {@code seeds} whose run, with {@code bug} planted, fails, and whose run without it passes (a seed
     * that fails either way shows another bug, not this one: it is reported and passed over); fails the test if none
     * does. {@code kind} names the seeds in the log line and the assertion, and {@code limit} is how many there are.
     */
    private static SimResult firstCaughtAmong(PartitionSeams.Bug bug, Iterator<Long> seeds, int limit, String kind) {
        SimResult caught = null;
        while (caught == null && seeds.hasNext()) {
            long seed = seeds.next();
            SimResult result = new Simulation(seed, Set.of(bug)).run();
            if (result.failed()) {
                SimResult clean = new Simulation(seed, Set.of()).run();
                if (clean.failed()) {
                    System.out.println("[simulation] planted " + bug + " (" + kind + "): seed " + seed
                            + " fails without it too, passed over: " + clean.violation().lines().findFirst()
                            .orElse(""));
                } else {
                    caught = result;
                }
            }
        }
        System.out.println("[simulation] planted " + bug + " (" + kind + "): " + (caught == null
                ? "not caught" : "caught at seed " + caught.seed() + ": " + caught.violation()));
        assertThat(caught).as("%s caught within %d %s", bug, limit, kind).isNotNull();
        return caught;
    }

    /**
     * A split's new half placed on every member while the split runs (as before it was placed on its source's
     * replicas): members that host no replica of the source open it, though only the source's replicas produce the
     * state it starts from. The placement seeds, which split and merge while nodes join, leave and are replaced, catch
     * it (the co-location check of {@link ColocationMonitor}), within a few of those seeds.
     */
    @Test
    void splitHalvesOnEveryMemberAreCaughtByThePlacementSeeds() {
        SimResult caught = firstCaughtByPlacementSeeds(PartitionSeams.Bug.SPLIT_HALVES_ON_EVERY_MEMBER);
        assertThat(caught.violation()).startsWith("co-location:");
    }

    /**
     * The first placement seed (every third of the nodes mix's, {@link Simulation#placesReplicas}) that catches
     * {@code bug}, among the first {@value #PLACEMENT_CONTROL_SEEDS}; fails the test if none does.
     */
    private static SimResult firstCaughtByPlacementSeeds(PartitionSeams.Bug bug) {
        return firstCaughtByPlacementSeeds(bug, PLACEMENT_CONTROL_SEEDS);
    }

    /** The first of the first {@code budget} placement seeds that catches {@code bug}; fails the test if none does. */
    private static SimResult firstCaughtByPlacementSeeds(PartitionSeams.Bug bug, int budget) {
        Iterator<Long> seeds = SeedSweep.seeds(1, 3 * budget, FaultMix.NODES).stream()
                .filter(Simulation::placesReplicas).iterator();
        return firstCaughtAmong(bug, seeds, budget, "placement seeds");
    }

    @Test
    void drainingPartitionTakingWritesIsCaughtByTheMembershipMix() {
        // Partitions are created and removed in the membership mix only, one seed in fourteen of the rotation.
        assertCaughtByMix(PartitionSeams.Bug.DRAINING_TAKES_WRITES, FaultMix.MEMBERSHIP, MEMBERSHIP_CONTROL_SEEDS,
                "draining partition took a write");
    }

    @Test
    void splitSourceTakingOldWritesIsCaughtByTheMembershipMix() {
        // Splits happen in the membership mix only; a keyed write routed before a split must reach the source after
        // its split entry (while the writer's map still shows the split under way) for the bug to show.
        assertCaughtByMix(PartitionSeams.Bug.SPLIT_SOURCE_TAKES_OLD_WRITES, FaultMix.MEMBERSHIP, MEMBERSHIP_CONTROL_SEEDS, "split:");
    }

    @Test
    void seedAbsorbedAtItsFirstChunkIsCaughtByTheMembershipMix() {
        // Half of the membership mix's seeds give their nodes a maxEntryBytes below the moved state of a split or a
        // merge (Simulation#chunksSeeds): a replica that absorbs the first chunk as the whole seed loses the keys of
        // the others, which the split churn's check of acknowledged keyed writes sees.
        assertCaughtByMix(PartitionSeams.Bug.SEED_ABSORBED_AT_FIRST_CHUNK, FaultMix.MEMBERSHIP, MEMBERSHIP_CONTROL_SEEDS,
                "split:");
    }

    @Test
    void mergeAdjacentTakingWritesIsCaughtByTheMembershipMix() {
        // Merges happen in the membership mix only; a write must reach the adjacent partition after its fence for the
        // bug to show. The drain probe (a write submitted to a partition the moment a node applies its drain: a
        // merge's begin drains the adjacent) is the first to see it.
        assertCaughtByMix(PartitionSeams.Bug.MERGE_ADJACENT_TAKES_WRITES, FaultMix.MEMBERSHIP, MEMBERSHIP_CONTROL_SEEDS,
                "draining partition took a write");
    }

    /**
     * Replicas that ignore the campaign order split votes again when their leader's node dies: the succession check
     * that ends every quiet run catches it within a few seeds of the reliable mix.
     */
    @Test
    void campaignOrderIgnoredIsCaughtByTheSuccessionCheck() {
        assertCaughtByMix(PartitionSeams.Bug.CAMPAIGNS_IGNORE_ORDER, FaultMix.RELIABLE, SUCCESSION_CONTROL_SEEDS, "succession:");
    }

    /**
     * A leader that skips a follower's heartbeats for good once it sent it entries (where it may skip only the next
     * round's): a follower of a partition that falls idle hears nothing, campaigns and replaces a leader that never
     * failed, which the stable-leaders check of the quiet mixes catches within a few seeds of the reliable mix.
     */
    @Test
    void heartbeatsSkippedForGoodAreCaughtByTheStableLeadersCheck() {
        assertCaughtByMix(PartitionSeams.Bug.HEARTBEATS_SKIPPED_FOR_GOOD, FaultMix.RELIABLE, SUCCESSION_CONTROL_SEEDS,
                "stable leaders:");
    }

    /**
     * Fresh replicas that all stand at once at the cluster's first start, without a pre-vote, split the first vote:
     * the cold-start check that begins every quiet run catches it in the reliable mix's first seed.
     */
    @Test
    void freshReplicasStandingTogetherAreCaughtByTheColdStartCheck() {
        assertCaughtByMix(PartitionSeams.Bug.FRESH_REPLICAS_STAND_TOGETHER, FaultMix.RELIABLE, SUCCESSION_CONTROL_SEEDS,
                "cold start:");
    }

    private static FaultMix mixNamed(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        for (FaultMix mix : FaultMix.ALL) {
            if (mix.name().equals(name)) {
                return mix;
            }
        }
        throw new IllegalArgumentException("no fault mix named " + name);
    }

    private static int indexOf(FaultMix mix) {
        for (int i = 0; i < FaultMix.ALL.length; i++) {
            if (FaultMix.ALL[i] == mix) {
                return (int) Math.floorMod(i - FIRST_SEED, (long) FaultMix.ALL.length);
            }
        }
        throw new IllegalArgumentException(mix.toString());
    }

    /**
     * Requires {@code mix} alone to catch the planted {@code bug} within {@code seeds} of its own seeds, with a
     * violation starting with {@code violation} (the check meant to catch it), and prints the catch for the docs.
     */
    private static void assertCaughtByMix(PartitionSeams.Bug bug, FaultMix mix, int seeds, String violation) {
        SimResult caught = SeedSweep.firstCaught(bug, 1, seeds, mix);
        System.out.println("[simulation] planted " + bug + " (" + mix.name() + " mix): " + (caught == null
                ? "not caught" : "caught at seed " + caught.seed() + ": " + caught.violation()));
        assertThat(caught).as("%s caught within %d seeds of the %s mix", bug, seeds, mix.name()).isNotNull();
        assertThat(caught.violation()).startsWith(violation);
    }
}
