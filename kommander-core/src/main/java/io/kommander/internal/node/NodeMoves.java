package io.kommander.internal.node;

import io.kommander.IRaftStateMachineTransfer;
import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.MoveEntry;
import io.kommander.internal.partition.PartitionMoves;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.SeedAssembly;
import io.kommander.internal.partition.SeedEntry;
import io.kommander.internal.partition.WriteFence;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.wal.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * This node's part in the moves of keys under way between partitions: splits and merges (see
 * {@code docs/partitions.md}). Both take the same steps, from the partition the keys leave (a split's source, a
 * merge's adjacent partition) to the one that takes them (a split's new half, a merge's survivor). Each step is taken
 * again, from the applied map and the partitions' logs, whenever something it waits on happens (a map change, a
 * partition's leader becoming ready, an entry applied, a failed attempt's retry), so a crash anywhere converges:
 * <ol>
 *   <li>the leader of the partition the keys leave appends the {@link MoveEntry} (unless its log holds it already):
 *       the fence;</li>
 *   <li>every replica of that partition, when the move entry is applied, has the application produce the moved keys'
 *       state ({@link IRaftStateMachineTransfer#produceRangeSnapshot}) and keeps it: the seed;</li>
 *   <li>the taking partition's leader, if it holds the seed, appends it as a new sequence of {@link SeedEntry}
 *       chunks, each within {@code maxEntryBytes} (unless its log holds a complete sequence already), which every
 *       replica of the taking partition absorbs ({@link IRaftStateMachineTransfer#absorbSnapshot}) once, when the
 *       sequence's last chunk applies ({@link SeedAssembly}: a sequence cut short by a change of leader is superseded
 *       by the next leader's, never continued or mixed);</li>
 *   <li>the taking partition's leader, once it has applied the seed, asks partition 0's leader to finish the move.
 *   </li>
 * </ol>
 * Move and seed entries are the library's own: they never reach the application's listeners.
 *
 * <p>Thread-safe: called from partitions' executors and from partition 0's.
 */
final class NodeMoves {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMoves.class);

    /**
     * One move under way, as the applied map shows it.
     *
     * @param merge whether it is a merge (else a split)
     * @param from  the partition the keys leave
     * @param to    the partition that takes them
     * @param fence the move entry {@code from}'s leader appends
     */
    private record Move(boolean merge, int from, int to, MoveEntry fence) {

        static Move split(PartitionDescriptor source, PartitionDescriptor target) {
            return new Move(false, source.id(), target.id(), new MoveEntry(target.id(), target.range(),
                    source.generation() + 1));
        }

        static Move merge(PartitionDescriptor adjacent, PartitionDescriptor survivor) {
            return new Move(true, adjacent.id(), survivor.id(), new MoveEntry(survivor.id(), adjacent.range(),
                    RaftSystemCoordinator.mergedOwner(survivor).generation()));
        }

        /** Names the move in this process's bookkeeping: the same partitions may meet in a split, then a merge. */
        static String key(boolean merge, int from, int to) {
            return (merge ? "merge/" : "split/") + from + "/" + to;
        }

        String key() {
            return key(merge, from, to);
        }

        /** The partition the keys leave, in a {@link #key}. */
        static int fromOf(String key) {
            return Integer.parseInt(key.split("/")[1]);
        }

        /** The partition that takes the keys, in a {@link #key}. */
        static int toOf(String key) {
            return Integer.parseInt(key.split("/")[2]);
        }

        String fenceType() {
            return merge ? MoveEntry.MERGE_TYPE : MoveEntry.SPLIT_TYPE;
        }

        String seedType() {
            return merge ? SeedEntry.MERGE_TYPE : SeedEntry.TYPE;
        }

        /** Whether {@code from}'s log holds this move's entry. */
        boolean fenceHeld(PartitionMoves moves) {
            return merge ? moves.mergedInto() != null : moves.holdsSplitTo(to);
        }

        /** Whether {@code to}'s log holds this move's whole seed (a complete sequence of its chunks). */
        boolean seedHeld(PartitionMoves moves) {
            return merge ? moves.holdsMergeSeedFrom(from) : moves.holdsSeed();
        }
    }

    private final Map<Integer, RaftPartition> partitions;
    private final RaftSystemCoordinator coordinator;
    private final IRaftStateMachineTransfer transfer;
    private final IRaftRuntime runtime;
    private final IntFunction<CompletableFuture<?>> finishSplit;
    private final IntFunction<CompletableFuture<?>> finishMerge;
    private final BiFunction<Integer, Integer, CompletableFuture<?>> beginMerge;
    private final long retryMillis;
    private final SeedProposals proposals;
    /** Seeds this node's replicas produced, by move; dropped once the taking partition applied its seed. */
    private final Map<String, Seed> seeds = new ConcurrentHashMap<>();
    /**
     * The seeds this node's taking replicas are putting together from the chunks applied so far, by move; each
     * touched by its taking partition's executor only. Gone once absorbed, or when the replica starts over.
     */
    private final Map<String, SeedAssembly> assemblies = new ConcurrentHashMap<>();
    /** Moves whose move entry was applied here (in this process). */
    private final Set<String> fenced = ConcurrentHashMap.newKeySet();
    /** Moves whose seed was applied here (in this process). */
    private final Set<String> seeded = ConcurrentHashMap.newKeySet();
    /** Leadership handovers of each taking partition by this node (a different voter each time). */
    private final Map<String, Integer> handovers = new ConcurrentHashMap<>();
    /** Steps with an attempt under way, by step and move, so that one runs at a time. */
    private final Set<String> underWay = ConcurrentHashMap.newKeySet();
    /** A planted bug (a negative control): absorb a seed's first chunk as if it were the whole state. */
    private volatile boolean absorbFirstChunk;
    /** A planted bug (a negative control): a survivor's leader hands over while the adjacent is not co-located. */
    private volatile boolean handOverBeforeColocation;

    /** A seed this node's replica of the partition the keys leave produced at its move entry. */
    private record Seed(int source, long sourceIndex, byte[] state) {
    }

    /**
     * @param finishSplit asks partition 0's leader to finish the split of a source (retried by itself until its bound)
     * @param finishMerge asks partition 0's leader to finish the merge into a survivor (likewise)
     * @param beginMerge  asks partition 0's leader to merge an adjacent partition (second) into a survivor (first):
     *                    the merge call itself, made by a pending merge's adjacent leader once co-located
     * @param retryMillis how long after a failed attempt a step is tried again
     * @param proposals   cuts a seed into the chunks and proposals that append it
     */
    NodeMoves(Map<Integer, RaftPartition> partitions, RaftSystemCoordinator coordinator,
              IRaftStateMachineTransfer transfer, IRaftRuntime runtime, IntFunction<CompletableFuture<?>> finishSplit,
              IntFunction<CompletableFuture<?>> finishMerge, BiFunction<Integer, Integer, CompletableFuture<?>> beginMerge,
              long retryMillis, SeedProposals proposals) {
        this.partitions = partitions;
        this.coordinator = coordinator;
        this.transfer = transfer;
        this.runtime = runtime;
        this.finishSplit = finishSplit;
        this.finishMerge = finishMerge;
        this.beginMerge = beginMerge;
        this.retryMillis = retryMillis;
        this.proposals = proposals;
    }

    /** Whether the application can split and merge partitions. */
    boolean supported() {
        return transfer != null && transfer.splitsPartitions();
    }

    /** Whether an entry is the library's own (a move or a seed): it is handled here and never delivered. */
    static boolean isOwn(RaftLog log) {
        String type = log.applicationType();
        return MoveEntry.SPLIT_TYPE.equals(type) || MoveEntry.MERGE_TYPE.equals(type) || SeedEntry.TYPE.equals(type)
                || SeedEntry.MERGE_TYPE.equals(type);
    }

    /** A move or seed entry applied (delivered or restored) on this node's replica of {@code partition}. */
    void applied(int partition, RaftLog log) {
        String type = log.applicationType();
        try {
            if (MoveEntry.SPLIT_TYPE.equals(type) || MoveEntry.MERGE_TYPE.equals(type)) {
                fenceApplied(MoveEntry.MERGE_TYPE.equals(type), partition, log.index(), MoveEntry.decode(log.data()));
            } else {
                chunkApplied(SeedEntry.MERGE_TYPE.equals(type), partition, log.index(), SeedEntry.decode(log.data()));
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("partition {}: skipping an unreadable {} entry at {}: {}", partition, type, log.index(),
                    e.getMessage());
        }
    }

    /**
     * Whether this node's replica of {@code partition} has applied part of a seed it has not absorbed yet: it keeps
     * its log meanwhile (see {@link MoveCompactionHold}), since a restart from a snapshot between two chunks of a
     * sequence would never put that sequence together again.
     */
    boolean assembling(int partition) {
        return assemblies.entrySet().stream().anyMatch(e -> Move.toOf(e.getKey()) == partition
                && e.getValue().underWay());
    }

    /**
     * This node's replica of {@code partition} starts its applied state over (a restore, or a snapshot installed from
     * its leader): the chunks it applied so far count for nothing; its log, replayed, or the snapshot, says the rest.
     */
    void startedOver(int partition) {
        assemblies.keySet().removeIf(key -> Move.toOf(key) == partition);
    }

    /** Plants the bug of absorbing a seed's first chunk as the whole state (a negative control). */
    void plantAbsorbFirstChunk() {
        absorbFirstChunk = true;
    }

    /** Plants the bug of handing a survivor's leadership round before the co-location ended (a negative control). */
    void plantHandOverBeforeColocation() {
        handOverBeforeColocation = true;
    }

    /**
     * This node's replica of {@code partition} was closed and its data deleted (the map moved it away, or removed it).
     * What this process remembers of that replica's move and seed entries goes with it: if the map places the
     * partition here again, the fresh replica replays its log from nothing, and the application (which starts that
     * partition afresh, see {@code onRestoreStarted}) must again drop the keys a split moved away and absorb the
     * seeds it took in. Kept, they would make the replay skip both (keys held twice, or lost, on this node).
     */
    void forget(int partition) {
        fenced.removeIf(key -> Move.fromOf(key) == partition);
        seeded.removeIf(key -> Move.toOf(key) == partition);
        startedOver(partition);
    }

    private void fenceApplied(boolean merge, int from, long index, MoveEntry move) {
        String key = Move.key(merge, from, move.target());
        if (!fenced.add(key) || transfer == null) {
            return; // a repeated move entry: the first one moved the state
        }
        PartitionRange range = move.range();
        transfer.produceRangeSnapshot(from, index, range).whenComplete((state, error) -> {
            if (error != null || state == null) {
                LOG.error("partition {}: the application produced no state of range {} at {}", from, range, index,
                        error);
                return;
            }
            if (!seeded.contains(key)) {
                seeds.put(key, new Seed(from, index, state));
                drive(move.target());
            }
        });
    }

    /**
     * A seed chunk applied on this node's replica of {@code to}: the seed is absorbed when a sequence completes. A
     * chunk that continues no sequence under way is refused (logged, nothing absorbed); chunks of a move already
     * absorbed here are not even put together (a second complete sequence must not absorb twice).
     */
    private void chunkApplied(boolean merge, int to, long index, SeedEntry chunk) {
        String key = Move.key(merge, chunk.source(), to);
        if (seeded.contains(key)) {
            return;
        }
        if (absorbFirstChunk && chunk.number() == 0) {
            seedApplied(key, to, index, chunk.source(), chunk.bytes());
            return;
        }
        byte[] state;
        try {
            state = assemblies.computeIfAbsent(key, k -> new SeedAssembly(true)).accept(chunk);
        } catch (IllegalArgumentException e) {
            LOG.warn("partition {}: skipping the seed chunk at {}: {}", to, index, e.getMessage());
            return;
        }
        if (state != null) {
            assemblies.remove(key);
            seedApplied(key, to, index, chunk.source(), state);
        }
    }

    private void seedApplied(String key, int to, long index, int source, byte[] state) {
        if (!seeded.add(key) || transfer == null) {
            return;
        }
        seeds.remove(key);
        transfer.absorbSnapshot(to, index, source, state).whenComplete((done, error) -> {
            if (error != null) {
                LOG.error("partition {}: the application could not absorb the state of partition {}", to, source,
                        error);
            }
        });
        drive(to);
    }

    /** This node's replica of {@code partition} became its ready leader. */
    void leaderReady(int partition) {
        drive(partition);
    }

    /** The applied map changed: every move under way may have a step for this node. */
    void mapChanged(PartitionMap map) {
        movesOf(map).forEach(this::step);
        coordinator.pendingMerges().forEach(this::colocated);
    }

    /** Takes whatever step this node can take in the moves {@code partition} is part of. */
    private void drive(int partition) {
        PartitionMap map = coordinator.map();
        if (map != null) {
            movesOf(map, partition).forEach(this::step);
            coordinator.pendingMerges().forEach((survivor, adjacent) -> {
                if (adjacent == partition) {
                    colocated(survivor, adjacent);
                }
            });
        }
    }

    /**
     * A pending merge (its adjacent partition being placed on the survivor's replicas): if this node leads the
     * adjacent and its configuration's voters are the survivor's, asks partition 0's leader to begin the merge; if
     * they are not yet, looks again a retry period later (a configuration change drives nothing here).
     */
    private void colocated(int survivor, int adjacent) {
        RaftPartition replica = partitions.get(adjacent);
        if (replica == null || !replica.isLeaderQuick()) {
            return;
        }
        String key = Move.key(true, adjacent, survivor);
        if (onSurvivorsReplicas(replica, survivor)) {
            attempt("begin", key, adjacent, () -> beginMerge.apply(survivor, adjacent));
        } else {
            colocationLater(key, adjacent);
        }
    }

    /**
     * Whether a merge's adjacent partition has the survivor's voters, as this node's replicas of both show their
     * configurations, so that every voter of the survivor holds the adjacent's state once the move entry applies.
     * Compared with the survivor's configuration rather than its map replicas, so that a member the roster dropped
     * meanwhile (the balancer does not move a merging partition) does not hold the merge up. Partitions on every
     * member have no replicas to compare: they are co-located by construction.
     */
    private boolean onSurvivorsReplicas(RaftPartition adjacent, int survivor) {
        PartitionMap map = coordinator.map();
        PartitionDescriptor kept = map == null ? null : map.partition(survivor).orElse(null);
        if (kept == null || kept.replicas().isEmpty()) {
            return true;
        }
        RaftPartition survivorReplica = partitions.get(survivor);
        Configuration merged = adjacent.view().configuration();
        Configuration keeping = survivorReplica == null ? null : survivorReplica.view().configuration();
        return merged != null && keeping != null && merged.voters().equals(keeping.voters());
    }

    /** The splits and merges under way in a map (each partition's look-ups are cheap unless it is moving). */
    private static List<Move> movesOf(PartitionMap map) {
        List<Move> moves = new ArrayList<>();
        for (PartitionDescriptor partition : map.partitions()) {
            map.splitSource(partition.id()).ifPresent(source -> moves.add(Move.split(source, partition)));
            map.mergeAdjacent(partition.id()).ifPresent(adjacent -> moves.add(Move.merge(adjacent, partition)));
        }
        return moves;
    }

    /** The moves under way that {@code partition} takes part in, found without walking every partition's moves. */
    private static List<Move> movesOf(PartitionMap map, int partition) {
        PartitionDescriptor self = map.partition(partition).orElse(null);
        if (self == null) {
            return List.of();
        }
        List<Move> moves = new ArrayList<>();
        if (self.state() == PartitionState.SPLITTING) {
            map.splitSource(partition).ifPresent(source -> moves.add(Move.split(source, self)));
            map.splitTarget(partition).ifPresent(target -> moves.add(Move.split(self, target)));
        }
        map.mergeAdjacent(partition).ifPresent(adjacent -> moves.add(Move.merge(adjacent, self)));
        map.mergeSurvivor(partition).ifPresent(survivor -> moves.add(Move.merge(self, survivor)));
        return moves;
    }

    private void step(Move move) {
        String key = move.key();
        RaftPartition fromReplica = partitions.get(move.from());
        if (fromReplica != null && fromReplica.isLeaderQuick() && !fenced.contains(key) && move.merge()
                && !onSurvivorsReplicas(fromReplica, move.to())) {
            // A merge begun before the adjacent's replicas settled on the survivor's: the fence waits for them.
            colocationLater(key, move.from());
        } else if (fromReplica != null && fromReplica.isLeaderQuick() && !fenced.contains(key)) {
            attempt("fence", key, move.to(), () -> fromReplica.replicate(EntryKind.SYSTEM, move.fenceType(),
                    List.of(move.fence().encode()), holds(fromReplica, move::fenceHeld)));
        }
        RaftPartition toReplica = partitions.get(move.to());
        if (toReplica == null || !toReplica.isLeaderQuick()) {
            return;
        }
        Seed seed = seeds.get(key);
        if (seeded.contains(key)) {
            attempt("finish", key, move.to(), () -> move.merge() ? finishMerge.apply(move.to())
                    : finishSplit.apply(move.from()));
        } else if (seed != null) {
            attempt("seed", key, move.to(), () -> appendInTurn(toReplica, move.seedType(), proposals.of(
                    move.seedType(), seed.source(), seed.sourceIndex(), seed.state()), 0,
                    holds(toReplica, move::seedHeld)));
        } else if (move.merge() && fromReplica != null && !handOverBeforeColocation
                && !onSurvivorsReplicas(fromReplica, move.to())) {
            // No voter can hold the seed yet: the merge entry waits for the co-location to end, and handing the
            // survivor's leadership round meanwhile would restart, at every hand-over, the snapshot that brings the
            // survivor's last newcomer in (seed 936), so the co-location would never end.
            colocationLater(key, move.from());
        } else {
            handOverLater(toReplica, move);
        }
    }

    /**
     * This node leads a taking partition but holds no seed for it: its replica of the partition the keys leave has
     * not applied the move entry yet, or never will in this process (it restarted after its log was compacted past
     * the entry, or installed a snapshot beyond it). If it still holds none a retry period later, it hands the
     * leadership to another voter, a different one each time, so that a node that holds the seed comes to lead.
     */
    private void handOverLater(RaftPartition replica, Move move) {
        String key = move.key();
        if (!underWay.add("handover/" + key)) {
            return;
        }
        runtime.schedule(retryMillis, () -> {
            underWay.remove("handover/" + key);
            PartitionMap map = coordinator.map();
            if (map == null || !movesOf(map, move.to()).contains(move) || !replica.isLeaderQuick() || seeded.contains(key)
                    || seeds.containsKey(key)) {
                drive(move.to());
                return;
            }
            List<String> others = replica.view().configuration().votersOtherThan(replica.leaderQuick());
            if (!others.isEmpty()) {
                try {
                    replica.transferLeadership(others.get(Math.floorMod(handovers.merge(key, 1, Integer::sum),
                            others.size())));
                } catch (IllegalArgumentException e) {
                    // The configuration changed meanwhile: the next drive decides again.
                }
            }
        });
    }

    /** Drives a merge's adjacent partition again a retry period later, while its replicas are still moving. */
    private void colocationLater(String move, int adjacent) {
        if (underWay.add("colocate/" + move)) {
            runtime.schedule(retryMillis, () -> {
                underWay.remove("colocate/" + move);
                drive(adjacent);
            });
        }
    }

    /**
     * Appends a seed's proposals from {@code next} on, each once the one before succeeded: the first that fails ends
     * the attempt with its result (a retry starts a new sequence, which supersedes the one cut short).
     */
    private static CompletableFuture<RaftReplicationResult> appendInTurn(RaftPartition replica, String type,
                                                                         List<List<byte[]>> proposals, int next,
                                                                         WriteFence fence) {
        return replica.replicate(EntryKind.SYSTEM, type, proposals.get(next), fence).thenCompose(result ->
                result.success() && next + 1 < proposals.size()
                        ? appendInTurn(replica, type, proposals, next + 1, fence)
                        : CompletableFuture.completedFuture(result));
    }

    /** A fence that refuses a library entry its log holds already (read on the partition's executor). */
    private static WriteFence holds(RaftPartition replica, Predicate<PartitionMoves> held) {
        return () -> {
            PartitionMoves moves = replica.moves();
            return moves != null && held.test(moves)
                    ? RaftReplicationResult.failure(RaftOperationStatus.ActiveProposal, null) : null;
        };
    }

    /**
     * Runs one attempt of a step unless one is under way; a failed attempt (this node was not the ready leader, a
     * timeout) is driven again after {@link #retryMillis}. A refusal because the log holds the entry already needs
     * no retry: applying that entry drives the next step.
     */
    private void attempt(String step, String move, int driven, Supplier<CompletableFuture<?>> call) {
        String key = step + "/" + move;
        if (!underWay.add(key)) {
            return;
        }
        call.get().whenComplete((result, error) -> {
            underWay.remove(key);
            boolean held = result instanceof RaftReplicationResult r && r.status() == RaftOperationStatus.ActiveProposal;
            boolean succeeded = error == null && (result instanceof RaftReplicationResult r ? r.success()
                    : result instanceof PartitionChangeResult c && c.success());
            if (!succeeded && !held) {
                runtime.schedule(retryMillis, () -> drive(driven));
            }
        });
    }
}
