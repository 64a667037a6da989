package io.kommander.internal.system;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftLog;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.PartitionCallbacks;
import io.kommander.internal.partition.ReservedTypes;
import io.kommander.wal.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kommander.RaftOperationStatus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The owner of the system partition (partition 0): it is that partition's {@link PartitionCallbacks}, so every
 * system entry, delivered or restored, reaches it and nothing else. It applies two kinds of entry, in commit order:
 * <ul>
 *   <li>the partition ranges: the first node to become partition 0's ready leader proposes them from
 *       {@code initialPartitions}; applying that entry (or restoring it) gives the first {@link PartitionMap}
 *       ({@link PartitionMapRules#first}), and every node creates its user partitions then. The first ranges entry
 *       in the log wins; later ones are ignored;</li>
 *   <li>the partition map's changes ({@link MapCommand}: create, drain, remove, split, place a partition; a
 *       {@link PlacementBatch}: many placements as one change), and the cluster's replication factor (the first one
 *       written counts), which come through {@link #proposeMapChange} and {@link #proposePlacements}; every node opens a created partition (or a split's new half) and closes
 *       and deletes a removed one when it applies the change, so a restart replays them and converges. A created
 *       partition's first configuration is the members that vote in it by the roster at that entry (a split's new
 *       half, placed on its source's replicas: those of them that vote; {@link CreatedPartitions}), so every node
 *       opens it alike whenever it does;</li>
 *   <li>the {@link Roster}: the same ready leader proposes the first roster (the configured members, all voters)
 *       right after the ranges, or alone on a cluster an older version started; later {@link RosterCommand}s come
 *       through {@link RosterService}. Each is decided again when applied, so a command that became invalid
 *       meanwhile changes nothing, on every node alike.</li>
 * </ul>
 *
 * <p>Its callbacks run on partition 0's executor; the other methods may be called from any thread.
 */
public final class RaftSystemCoordinator implements PartitionCallbacks {

    /** The partition that carries system commands. */
    public static final int SYSTEM_PARTITION = 0;
    /** The type string of the ranges-initialization entry. */
    public static final String RANGES_TYPE = ReservedTypes.PREFIX + "system.ranges";

    private static final Logger LOG = LoggerFactory.getLogger(RaftSystemCoordinator.class);

    /** How many applied roster commands' outcomes are remembered for the leader's answers. */
    private static final int OUTCOMES_KEPT = 64;

    private final int initialPartitions;
    private final Hosting hosting;
    private final Supplier<RosterCommand> bootstrap;
    private final CompletableFuture<PartitionRanges> rangesKnown = new CompletableFuture<>();
    private final AtomicLong ignoredEntries = new AtomicLong();
    private volatile PartitionRanges ranges;
    private volatile PartitionMap map;
    /** The cluster's replication factor as partition 0's log holds it; 0 until it holds one. */
    private volatile int replicationFactor;
    private volatile Consumer<PartitionMap> mapChanged = m -> { };
    /**
     * Merges asked of partitions on different members, by survivor: the adjacent partition's id. Applied from
     * partition 0's log like the map (so every node, and a restart, has the same), but not part of the map. Sorted,
     * so that every node walks it in the same order.
     */
    private volatile SortedMap<Integer, Integer> pendingMerges = Collections.emptySortedMap();
    /** The first configurations of the partitions created online, applied from partition 0's log like the map. */
    private final CreatedPartitions created = new CreatedPartitions();
    private volatile Roster roster;
    private volatile boolean readyLeader;
    private volatile Consumer<Roster> rosterChanged = r -> { };
    /** Planted bug (tests only, through SystemSeams): roster changes are not taken one at a time. */
    private volatile boolean mergeChanges;
    /** Planted bug (tests only): a split's new half is placed on every member while the split runs. */
    private volatile boolean halvesEverywhere;
    /** Applied roster commands' outcomes by log index; guarded by itself. */
    private final Map<Long, RaftOperationStatus> outcomes = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, RaftOperationStatus> eldest) {
            return size() > OUTCOMES_KEPT;
        }
    };
    /** The partitions callers' create, split and merge calls made or kept, by call (a retried call is a repeat). */
    private final MapCalls calls = new MapCalls();
    /** Whether partition 0 is reading its log back: partitions open once the whole map is known. Executor-only. */
    private boolean restoring;
    private SystemLog systemLog; // attached before partition 0 starts; its executor's queue publishes it

    /**
     * Where the coordinator writes: partition 0 on this node ({@code RaftPartition::replicate}). Partition 0 and
     * its coordinator refer to each other, so the node attaches one to the other after building both.
     */
    @FunctionalInterface
    public interface SystemLog {
        /** Proposes entries on partition 0; refused unless this node leads it. */
        CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String type, List<byte[]> payloads);
    }

    /**
     * What this node does as the map changes; called on partition 0's executor, in commit order, both when entries
     * are delivered and when they are restored, so each must be idempotent.
     */
    public interface Hosting {
        /** Opens (and starts) a user partition this node hosts, unless already open. */
        void open(int partition);

        /** Closes a removed user partition, if open, and deletes its data from this node's WAL. */
        void remove(int partition);

        /**
         * A partition's replicas changed: opens it if this node is now one of them (a replica it leaves is closed
         * later, once the partition's configuration no longer holds it).
         */
        default void placed(int partition) {
        }
    }

    /**
     * A coordinator whose first roster is {@code bootstrap} (evaluated when proposed).
     *
     * @param initialPartitions user partitions to create when the cluster first starts
     * @param hosting           opens and removes user partitions on this node
     * @param bootstrap         the first roster's command: the configured members, all voters
     */
    public RaftSystemCoordinator(int initialPartitions, Hosting hosting, Supplier<RosterCommand> bootstrap) {
        this.initialPartitions = initialPartitions;
        this.hosting = hosting;
        this.bootstrap = bootstrap;
    }

    /** Where each applied map change goes (the node); called on partition 0's executor, in commit order. */
    public void onMapChanged(Consumer<PartitionMap> listener) {
        this.mapChanged = listener;
    }

    /** The partition map this node has applied, or null until the ranges are known. */
    public PartitionMap map() {
        return map;
    }

    /**
     * Why a write addressed to {@code partition} (at {@code expectedGeneration}, or any generation if it is 0)
     * must be refused by the applied map, or null to take it. Read on the partition's executor at proposal time.
     */
    public RaftReplicationResult fence(int partition, long expectedGeneration) {
        PartitionMap known = map;
        PartitionDescriptor current = known == null ? null : known.partition(partition).orElse(null);
        if (current == null) {
            return null; // nothing applied yet says otherwise: the partition itself decides
        }
        if (current.state() == PartitionState.REMOVED) {
            RaftReplicationResult.PartitionOwner owner = rangeOwner(known, current);
            return owner != null ? RaftReplicationResult.moved(owner)
                    : RaftReplicationResult.failure(RaftOperationStatus.UnknownPartition, null);
        }
        if (current.state() == PartitionState.DRAINING) {
            PartitionDescriptor survivor = known.mergeSurvivor(partition).orElse(null);
            return survivor != null ? RaftReplicationResult.moved(mergedOwner(survivor))
                    : RaftReplicationResult.failure(RaftOperationStatus.PartitionDraining, null);
        }
        if (known.splitSource(partition).isPresent()) {
            return RaftReplicationResult.moved(null); // a split's new half takes no write before the split finishes
        }
        if (expectedGeneration != 0 && expectedGeneration < current.generation()) {
            return RaftReplicationResult.moved(
                    new RaftReplicationResult.PartitionOwner(current.id(), current.generation()));
        }
        return null;
    }

    /**
     * Where a merge's adjacent partition sends its writes: the survivor, at the generation it will have once the
     * merge finishes (route there once the map shows it).
     */
    public static RaftReplicationResult.PartitionOwner mergedOwner(PartitionDescriptor survivor) {
        return new RaftReplicationResult.PartitionOwner(survivor.id(), survivor.generation() + 1);
    }

    /**
     * The merges asked whose adjacent partition is being placed on the survivor's replicas first ({@link
     * MapCommand.Kind#COLOCATE}) and that have not begun: survivor to adjacent.
     */
    public SortedMap<Integer, Integer> pendingMerges() {
        return pendingMerges;
    }

    /** Whether {@code partition} is the survivor or the adjacent partition of a pending merge. */
    public boolean pendingMerge(int partition) {
        SortedMap<Integer, Integer> pending = pendingMerges;
        return !pending.isEmpty() && (pending.containsKey(partition) || pending.containsValue(partition));
    }

    /**
     * The voters of {@code partition}'s first configuration if it was created online (a CREATE, or a SPLIT's new
     * half): the roster's voters at the index of that entry, the same on every node; null for the initial partitions
     * (the bootstrapping members') and for one this node has not applied the creation of.
     */
    public Set<String> firstVoters(int partition) {
        return created.voters(partition);
    }

    /**
     * The incarnation the roster held for {@code endpoint} when it created {@code partition} online, if it was one of
     * the first voters; 0 otherwise. A node that started without data whose current incarnation was a first voter
     * cannot have held the partition in an earlier life: its fresh replica need not catch up before it votes.
     */
    public long firstVoterIncarnation(int partition, String endpoint) {
        return created.firstIncarnation(partition, endpoint);
    }

    /**
     * Whether the map ever placed {@code partition} away from {@code endpoint} (a first voter of a partition created
     * online, or a member that hosted an initial partition): its replica there may have been deleted with its term
     * and vote, so a fresh one must not count itself a voter.
     */
    public boolean placedAway(int partition, String endpoint) {
        return created.placedAway(partition, endpoint);
    }

    /**
     * The cluster's replication factor: the first {@link MapCommand.Kind#REPLICATION} in partition 0's log, or 0 while
     * there is none (every member hosts every partition).
     */
    public int replicationFactor() {
        return replicationFactor;
    }

    /** Proposes a map change on partition 0; refused unless this node leads it. */
    CompletableFuture<RaftReplicationResult> proposeMapChange(MapCommand command) {
        return systemLog.replicate(EntryKind.SYSTEM, MapCommand.TYPE, List.of(command.encode()));
    }

    /** Proposes many placements as one map change on partition 0; refused unless this node leads it. */
    CompletableFuture<RaftReplicationResult> proposePlacements(PlacementBatch batch) {
        return systemLog.replicate(EntryKind.SYSTEM, MapCommand.TYPE, List.of(batch.encode()));
    }


    /** Where each applied roster change goes (the node); called on partition 0's executor, in commit order. */
    public void onRosterChanged(Consumer<Roster> listener) {
        this.rosterChanged = listener;
    }

    /** The roster, or null until known. */
    public Roster roster() {
        return roster;
    }

    /** Whether this node is partition 0's leader and has applied everything committed before its term. */
    public boolean isReadyLeader() {
        return readyLeader;
    }

    /** The outcome of the roster command applied at {@code index}, if still remembered. */
    public RaftOperationStatus outcomeAt(long index) {
        synchronized (outcomes) {
            return outcomes.get(index);
        }
    }

    /** Plants the known-wrong rule "several membership changes at once" (a negative control; tests only). */
    void plantMergedChanges() {
        mergeChanges = true;
    }

    /** Plants "a split's new half on every member while the split runs" (a negative control; tests only). */
    void plantSplitHalvesEverywhere() {
        halvesEverywhere = true;
    }

    /**
     * Plants "a call is not remembered": a retried create makes a second partition, a split or merge retried after it
     * finished is refused (tests only).
     */
    void plantCreateCallsForgotten() {
        calls.plantForgotten();
    }

    /**
     * The partition that {@code call}'s create made, or whose split or merge it began (the new half, the survivor), as
     * this node applied partition 0's log (the same on every node once it applied as far), or null if none did (or it
     * is no longer remembered).
     */
    public Integer madeBy(String call) {
        return calls.partitionOf(call);
    }

    /** Decides a command against a roster by this node's rules (the planted bug included, if planted). */
    Roster.Decision decide(Roster roster, RosterCommand command) {
        return roster.decide(command, !mergeChanges);
    }

    /** Proposes a roster command on partition 0; refused unless this node leads it. */
    CompletableFuture<RaftReplicationResult> propose(RosterCommand command) {
        return systemLog.replicate(EntryKind.SYSTEM, RosterCommand.TYPE, List.of(command.encode()));
    }

    /** Attaches partition 0, built with this coordinator as its callbacks; call before the partition starts. */
    public void attach(SystemLog systemPartition) {
        this.systemLog = systemPartition;
    }

    /** The ranges, or null until known. */
    public PartitionRanges ranges() {
        return ranges;
    }

    /** Completes when the ranges are known on this node. */
    public CompletableFuture<PartitionRanges> rangesKnown() {
        return rangesKnown;
    }

    /** System entries this node did not understand (written by a newer version) and skipped. */
    public long ignoredEntries() {
        return ignoredEntries.get();
    }

    @Override
    public void delivered(int partition, RaftLog log) {
        apply(log);
    }

    @Override
    public void restored(int partition, RaftLog log) {
        apply(log);
    }

    /**
     * Proposes the ranges if none are known yet. A ready leader has applied everything committed before its
     * term, so "none known" means no earlier ranges entry survives in the log. The outcome needs no handling: an
     * accepted entry that times out stays in the leader's log and commits with the next quorum; a leader refuses
     * only after losing leadership or while handing it over (the node is leaving), and then the next ready leader
     * proposes.
     */
    @Override
    public void leaderReady(int partition) {
        if (ranges == null) {
            systemLog.replicate(EntryKind.SYSTEM, RANGES_TYPE,
                    List.of(PartitionRanges.split(initialPartitions).encode()));
        }
        if (roster == null) {
            // Also on a cluster an older version started: its ranges are known, and its members are the configured ones.
            propose(bootstrap.get());
        }
        readyLeader = true;
    }

    @Override
    public void leaderChanged(int partition, String leader) {
        // Whoever leads now (maybe this node again, in a new term) is ready only once it says so.
        readyLeader = false;
    }

    @Override
    public void restoreStarted(int partition) {
        // The entries restored next are applied one by one; partitions open at the end, so that one removed later in
        // the log is never opened (and a join never waits on a partition that closes again).
        restoring = true;
    }

    @Override
    public void restoreFinished(int partition) {
        restoring = false;
        PartitionMap restored = map;
        if (restored != null) {
            openLive(restored);
            rangesKnown.complete(ranges);
        }
    }

    private void apply(RaftLog log) {
        if (RosterCommand.TYPE.equals(log.applicationType())) {
            applyRoster(log);
            return;
        }
        if (MapCommand.TYPE.equals(log.applicationType())) {
            if (PlacementBatch.isBatch(log.data())) {
                applyPlacements(log);
            } else {
                applyMap(log);
            }
            return;
        }
        if (!RANGES_TYPE.equals(log.applicationType())) {
            ignoredEntries.incrementAndGet();
            LOG.warn("ignoring unknown system entry {} at {}", log.applicationType(), log.index());
            return;
        }
        if (ranges != null) {
            return;
        }
        PartitionRanges decoded = PartitionRanges.decode(log.data());
        ranges = decoded;
        PartitionMap first = PartitionMapRules.first(decoded);
        map = first;
        mapChanged.accept(first);
        if (!restoring) {
            openLive(first);
            rangesKnown.complete(decoded);
        }
    }

    /** Opens the partitions the restored map holds, and removes again those it says are gone (idempotent). */
    private void openLive(PartitionMap known) {
        for (PartitionDescriptor partition : known.partitions()) {
            if (partition.state() == PartitionState.REMOVED) {
                hosting.remove(partition.id());
            } else {
                hosting.open(partition.id());
            }
        }
    }

    private void applyMap(RaftLog log) {
        MapCommand command = MapCommand.decode(log.data());
        if (command.kind() == MapCommand.Kind.REPLICATION) {
            if (replicationFactor == 0 && command.partition() >= 1) {
                replicationFactor = command.partition();
            }
            synchronized (outcomes) {
                outcomes.put(log.index(), RaftOperationStatus.Success);
            }
            return;
        }
        PartitionMap before = map;
        if (command.kind() == MapCommand.Kind.CREATE && calls.partitionOf(command.call()) != null) {
            // A retry of a create whose first attempt was applied (answered by a leader that lost its leadership
            // since): it changes nothing, and its caller is answered the partition the first made.
            synchronized (outcomes) {
                outcomes.put(log.index(), RaftOperationStatus.Success);
            }
            return;
        }
        PartitionMapRules.Decision decision = before == null
                ? new PartitionMapRules.Decision(RaftOperationStatus.UnknownPartition, null)
                : PartitionMapRules.decide(before, command, !halvesEverywhere);
        synchronized (outcomes) {
            outcomes.put(log.index(), decision.status());
        }
        if (command.kind() == MapCommand.Kind.COLOCATE && decision.accepted()) {
            PartitionDescriptor adjacent = decision.map().owners(command.range()).stream().findFirst().orElse(null);
            if (adjacent != null) {
                SortedMap<Integer, Integer> pending = new TreeMap<>(pendingMerges);
                pending.put(command.partition(), adjacent.id());
                pendingMerges = Collections.unmodifiableSortedMap(pending);
            }
        }
        if (decision.map() == null || decision.map() == before) {
            return;
        }
        switch (command.kind()) {
            case CREATE -> decision.map().partition(command.partition()).ifPresent(p -> {
                created.created(p.id(), p.replicas(), roster);
                calls.made(command.call(), p.id());
            });
            case SPLIT -> decision.map().splitTarget(command.partition()).ifPresent(t -> {
                created.created(t.id(), t.replicas(), roster);
                calls.made(command.call(), t.id());
            });
            case MERGE, COLOCATE -> calls.made(command.call(), command.partition());
            default -> { }
        }
        created.mapApplied(decision.map());
        map = decision.map();
        dropSettledMerges(decision.map());
        if (!restoring) {
            switch (command.kind()) {
                case CREATE -> hosting.open(command.partition());
                case REMOVE -> hosting.remove(command.partition());
                case SPLIT -> decision.map().splitTarget(command.partition()).ifPresent(t -> hosting.open(t.id()));
                // A merged partition is gone as a removed one is: its data is deleted from every WAL.
                case FINISH_MERGE -> before.mergeAdjacent(command.partition()).ifPresent(a -> hosting.remove(a.id()));
                case PLACE -> hosting.placed(command.partition());
                case COLOCATE -> decision.map().owners(command.range()).forEach(a -> hosting.placed(a.id()));
                // The fence reads the map: a drained partition refuses new writes from now on, and the halves of a
                // finished split or merge take writes by their new generations.
                case DRAIN, FINISH_SPLIT, MERGE, REPLICATION -> { }
            }
        }
        mapChanged.accept(decision.map());
    }

    /**
     * Applies a batch of placements as one map change: each decided in order, one new map, one call of the listener.
     * A placement changes no state, so no pending merge ends here (the balancer places neither partition of one).
     */
    private void applyPlacements(RaftLog log) {
        PlacementBatch batch = PlacementBatch.decode(log.data());
        PartitionMap before = map;
        PartitionMapRules.BatchDecision decision = before == null
                ? new PartitionMapRules.BatchDecision(RaftOperationStatus.UnknownPartition, null, List.of())
                : PartitionMapRules.decide(before, batch);
        synchronized (outcomes) {
            outcomes.put(log.index(), decision.status());
        }
        if (decision.map() == null || decision.map() == before) {
            return;
        }
        created.mapApplied(decision.map());
        map = decision.map();
        if (!restoring) {
            decision.placed().forEach(hosting::placed);
        }
        mapChanged.accept(decision.map());
    }

    /** Forgets the pending merges that began, or whose partitions left ACTIVE (split, drained or removed meanwhile). */
    private void dropSettledMerges(PartitionMap known) {
        SortedMap<Integer, Integer> pending = pendingMerges;
        if (pending.isEmpty()) {
            return;
        }
        SortedMap<Integer, Integer> left = new TreeMap<>();
        pending.forEach((survivor, adjacent) -> {
            if (active(known, survivor) && active(known, adjacent)) {
                left.put(survivor, adjacent);
            }
        });
        pendingMerges = Collections.unmodifiableSortedMap(left);
    }

    private static boolean active(PartitionMap known, int partition) {
        return known.partition(partition).map(p -> p.state() == PartitionState.ACTIVE).orElse(false);
    }

    /** The one live partition that owns a removed partition's range now, if there is one. */
    private static RaftReplicationResult.PartitionOwner rangeOwner(PartitionMap known, PartitionDescriptor moved) {
        if (moved.range() == null) {
            return null;
        }
        List<PartitionDescriptor> owners = known.owners(moved.range());
        return owners.size() == 1
                ? new RaftReplicationResult.PartitionOwner(owners.get(0).id(), owners.get(0).generation()) : null;
    }

    private void applyRoster(RaftLog log) {
        RosterCommand command = RosterCommand.decode(log.data());
        Roster before = roster;
        RaftOperationStatus status;
        Roster after;
        if (before == null) {
            boolean first = command.kind() == RosterCommand.Kind.BOOTSTRAP;
            status = first ? RaftOperationStatus.Success : RaftOperationStatus.NotAMember;
            after = first ? Roster.first(command) : null;
        } else {
            Roster.Decision decision = decide(before, command);
            status = decision.status();
            after = decision.roster();
        }
        synchronized (outcomes) {
            outcomes.put(log.index(), status);
        }
        if (after != null && after != before) {
            roster = after;
            rosterChanged.accept(after);
        }
    }
}
