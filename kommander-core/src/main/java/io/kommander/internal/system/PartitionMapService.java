package io.kommander.internal.system;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.WriteOutcome;

import io.kommander.runtime.IRaftRuntime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Takes partition map changes on the node that leads the system partition, as {@link RosterService} takes roster
 * commands: decides each against the applied map (so the caller learns at once why a change is refused), proposes
 * accepted ones one at a time, and answers once the entry has been applied here, with the outcome it had when
 * applied. The node's own rebalancing ({@link #propose}) is not held to one at a time: every entry is decided again
 * when applied, and the balancer bounds its own steps. A removal is two changes, each its own entry: DRAIN (the
 * partition takes no new writes from then on), then, a grace period later, REMOVE (every node closes it). The grace
 * lets writes that the partition's leader appended before it applied the drain commit and be delivered before the
 * partition closes; safety does not rest on it (a write still in flight at the close completes with
 * {@code NodeClosed}).
 *
 * <p>Thread-safe; answers complete on partition 0's executor (callers relay them).
 */
public final class PartitionMapService {

    private final RaftSystemCoordinator coordinator;
    private final Supplier<String> leaderHint;
    private final IRaftRuntime runtime;
    private final long drainGraceMillis;
    private static final int REMEMBERED_CALLS = 256;

    private boolean pending; // guarded by this
    /** Calls waiting for the applied map to reach a state, with what they answer then. Guarded by this. */
    private final List<MapWait> waits = new ArrayList<>();

    private record MapWait(Predicate<PartitionMap> reached,
                           CompletableFuture<PartitionChangeResult> answer, int partition) {
    }
    /** The calls this leader took, by caller and call, oldest first. Guarded by this. */
    private final Map<String, CompletableFuture<PartitionChangeResult>> calls = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<PartitionChangeResult>> eldest) {
            return size() > REMEMBERED_CALLS;
        }
    };

    /**
     * @param coordinator      the system partition's owner on this node
     * @param leaderHint       the system partition's leader as last known here
     * @param runtime          the timers the drain grace waits on
     * @param drainGraceMillis how long after a drain commits its removal is proposed
     */
    public PartitionMapService(RaftSystemCoordinator coordinator, Supplier<String> leaderHint, IRaftRuntime runtime,
                               long drainGraceMillis) {
        this.coordinator = coordinator;
        this.leaderHint = leaderHint;
        this.runtime = runtime;
        this.drainGraceMillis = drainGraceMillis;
    }

    /**
     * Creates a partition owning {@code range}, or unrouted if it is null, with the next unused id. A create chooses
     * its id here, so a retry of the same call ({@code requester}, {@code callId}) must get the first attempt's
     * answer rather than create a second partition: this leader hands it the first attempt's future ({@link #once});
     * and the create entry names its call, so that a retry reaching a later leader, once the first attempt was
     * applied, is answered the partition it made ({@link MapCalls}), here or, if it raced the first, when applied.
     */
    public CompletableFuture<PartitionChangeResult> create(PartitionRange range, String requester, long callId) {
        String call = callOf(requester, callId);
        return once(requester, callId, () -> {
            Integer made = coordinator.madeBy(call);
            if (made != null) {
                return done(answer(RaftOperationStatus.Success, made));
            }
            return submit(map -> MapCommand.create(map.highestId() + 1, range, call)).thenApply(result -> {
                Integer first = result.success() ? coordinator.madeBy(call) : null;
                return first == null || first == result.partitionId() ? result
                        : answer(RaftOperationStatus.Success, first);
            });
        });
    }

    /**
     * Drains, then (after the grace) removes, partition {@code id}. Longer than one attempt of its caller (the grace
     * alone is an election timeout), so a retry of the same call gets the first attempt's answer rather than start
     * over on a partition the first attempt removed meanwhile: see {@link #once}.
     */
    public CompletableFuture<PartitionChangeResult> remove(int id, String requester, long callId) {
        return once(requester, callId, () -> submit(map -> new MapCommand(MapCommand.Kind.DRAIN, id, null))
                .thenCompose(drained -> !drained.success() ? done(drained) : afterGrace().thenCompose(
                        graced -> submit(map -> new MapCommand(MapCommand.Kind.REMOVE, id, null)))));
    }

    /**
     * Splits partition {@code source} at {@code boundary}: a new partition takes the source's keys from
     * {@code boundary} to the end of its range. Answers once the split has finished (both halves ACTIVE in the map
     * applied here), naming the new partition; a split refused when decided answers at once. The steps between its
     * start and its finish are driven by the halves' leaders ({@code NodeSplits}), which ask for
     * {@link #finishSplit} when the new half holds its seed.
     */
    public CompletableFuture<PartitionChangeResult> split(int source, long boundary, String requester, long callId) {
        String call = callOf(requester, callId);
        return once(requester, callId, () -> {
            // A retry of a split whose first attempt began it (answered by a leader that lost its leadership since):
            // the map may have moved on (a split that finished leaves no boundary inside the source), so it is
            // answered by the first attempt's new half, once that serves.
            Integer began = coordinator.madeBy(call);
            if (began != null) {
                return finished(began);
            }
            return submit(map -> splitCommand(map, source, boundary, call)).thenCompose(begun -> {
                Integer first = coordinator.madeBy(call);
                if (first != null) {
                    return finished(first);
                }
                PartitionMap map = coordinator.map();
                PartitionDescriptor target = !begun.success() || map == null ? null
                        : map.splitTarget(source).orElse(null);
                if (target == null) {
                    return done(begun.success() ? answer(RaftOperationStatus.PartitionBusy, source) : begun);
                }
                return finished(target.id());
            });
        });
    }

    /** Finishes the split of {@code source} (asked by its new half's leader once that holds its seed). */
    public CompletableFuture<PartitionChangeResult> finishSplit(int source, String requester, long callId) {
        return once(requester, callId, () -> submit(map -> new MapCommand(MapCommand.Kind.FINISH_SPLIT, source, null)));
    }

    /**
     * Merges partition {@code adjacent} into its neighbour {@code survivor}. Answers once the merge has finished (the
     * adjacent REMOVED in the map applied here), naming the survivor; a merge refused when decided answers at once.
     * If the two live on different members, the adjacent is first placed on the survivor's replicas
     * ({@link MapCommand.Kind#COLOCATE}): it keeps serving while its replicas move, and its leader asks for the merge
     * (this same call) once its configuration's voters are the survivor's replicas.
     * The steps between its start and its finish are driven by the partitions' leaders ({@code NodeMoves}), which ask
     * for {@link #finishMerge} when the survivor holds the adjacent's state.
     */
    public CompletableFuture<PartitionChangeResult> merge(int survivor, int adjacent, String requester, long callId) {
        PartitionMap known = coordinator.map();
        PartitionDescriptor other = known == null ? null : known.partition(adjacent).orElse(null);
        if (other != null && other.state() != PartitionState.REMOVED && !other.routed()) {
            return done(answer(RaftOperationStatus.PartitionsNotAdjacent, survivor));
        }
        String call = callOf(requester, callId);
        return once(requester, callId, () -> {
            // A retry of a merge whose first attempt began it: answered once the adjacent is gone, as the first is.
            if (coordinator.madeBy(call) != null) {
                return merged(survivor, adjacent);
            }
            return submit(map -> mergeCommand(map, survivor, adjacent, call)).thenCompose(begun ->
                    begun.success() || coordinator.madeBy(call) != null ? merged(survivor, adjacent) : done(begun));
        });
    }

    /** Completes, naming {@code survivor}, once the applied map has removed {@code adjacent}: the merge finished. */
    private CompletableFuture<PartitionChangeResult> merged(int survivor, int adjacent) {
        return reached(m -> m.partition(adjacent).map(p -> p.state() == PartitionState.REMOVED).orElse(false),
                survivor);
    }

    /**
     * The command a merge asks for: MERGE if the two partitions live on the same members, else COLOCATE (the adjacent
     * moves to the survivor's replicas first; its leader asks for the MERGE once it is there).
     */
    private static MapCommand mergeCommand(PartitionMap map, int survivor, int adjacent, String call) {
        PartitionDescriptor kept = map.partition(survivor).orElse(null);
        PartitionDescriptor merged = map.partition(adjacent).orElse(null);
        boolean apart = kept != null && merged != null && !PartitionMapRules.colocated(kept, merged)
                && map.mergeAdjacent(survivor).isEmpty();
        return MapCommand.called(apart ? MapCommand.Kind.COLOCATE : MapCommand.Kind.MERGE, survivor,
                merged == null ? null : merged.range(), call);
    }

    /** Finishes the merge into {@code survivor} (asked by its leader once that holds the adjacent's state). */
    public CompletableFuture<PartitionChangeResult> finishMerge(int survivor, String requester, long callId) {
        return once(requester, callId, () -> submit(map -> new MapCommand(MapCommand.Kind.FINISH_MERGE, survivor,
                null)));
    }

    /**
     * Proposes a command that needs no deduplication, as the node's own rebalancing does (its next pass decides
     * afresh from the applied map): a placement, or the replication factor.
     */
    public CompletableFuture<PartitionChangeResult> propose(MapCommand command) {
        // Not one at a time: a pass's move goes with its batch of light steps (place), where the gate would let one
        // through per pass and refuse the other. A step decided here against a map the batch then changes is decided
        // again when applied.
        return submit(map -> command, false);
    }

    /**
     * Proposes many placements as one map change, as the node's own rebalancing does with a pass's light steps (its
     * next pass decides afresh from the applied map); proposes nothing if none would change the map now. Answers with
     * the first refused placement's status, or {@code Success}; it names no partition.
     */
    public CompletableFuture<PartitionChangeResult> place(PlacementBatch batch) {
        PartitionMap map = coordinator.map();
        if (!coordinator.isReadyLeader() || map == null) {
            return done(answer(RaftOperationStatus.NodeIsNotLeader, null));
        }
        PartitionMapRules.BatchDecision decision = PartitionMapRules.decide(map, batch);
        if (decision.map() == map) {
            return done(answer(decision.status(), null));
        }
        return coordinator.proposePlacements(batch).handle((result, error) -> applied(result, error, null));
    }

    /** The command a split asks for: the part of the source's range from {@code boundary} on moves. */
    private static MapCommand splitCommand(PartitionMap map, int source, long boundary, String call) {
        PartitionDescriptor current = map.partition(source).orElse(null);
        PartitionRange range = current == null ? null : current.range();
        PartitionRange moved = range == null ? null : Long.compareUnsigned(boundary, range.last()) > 0
                ? range // not inside: refused by the rules (PartitionRangeTaken), as is a boundary at the start
                : new PartitionRange(Long.compareUnsigned(boundary, range.first()) < 0 ? range.first() : boundary,
                range.last());
        return MapCommand.called(MapCommand.Kind.SPLIT, source, moved, call);
    }

    /** Completes once the applied map shows {@code target} serving: its split finished. */
    private CompletableFuture<PartitionChangeResult> finished(int target) {
        return reached(m -> m.partition(target).map(p -> p.state() != PartitionState.SPLITTING).orElse(false),
                target);
    }

    /** Completes, naming {@code partition}, once the applied map has {@code reached} a state. */
    private CompletableFuture<PartitionChangeResult> reached(Predicate<PartitionMap> reached, int partition) {
        CompletableFuture<PartitionChangeResult> answer = new CompletableFuture<>();
        synchronized (this) {
            waits.add(new MapWait(reached, answer, partition));
        }
        PartitionMap now = coordinator.map();
        if (now != null) {
            mapApplied(now);
        }
        return answer;
    }

    /** The map applied on this node changed: answers the calls that waited for it. Called in commit order. */
    public void mapApplied(PartitionMap map) {
        List<MapWait> reached = new ArrayList<>();
        synchronized (this) {
            waits.removeIf(w -> w.reached().test(map) && reached.add(w));
        }
        reached.forEach(w -> w.answer().complete(answer(RaftOperationStatus.Success, w.partition())));
    }

    /**
     * Runs a call once per ({@code requester}, {@code callId}): this leader remembers the last
     * {@value #REMEMBERED_CALLS} calls it took and hands a retry the first attempt's future. A call refused before
     * anything was proposed is not remembered, so its retry is decided afresh; nor, once answered, is one whose last
     * step was refused without proposing anything (a removal's REMOVE that found another map change in flight,
     * {@code ProposalQueueFull}): handed that refusal, every retry would get it again, for ever, and the partition
     * would stay draining (sim seed 390 with splits in the placement seeds).
     */
    /** A call's name, the same for every attempt: its node's endpoint and call number. */
    private static String callOf(String requester, long callId) {
        return requester + "/" + callId;
    }

    private CompletableFuture<PartitionChangeResult> once(String requester, long callId,
                                                          Supplier<CompletableFuture<PartitionChangeResult>> call) {
        String key = callOf(requester, callId);
        synchronized (this) {
            CompletableFuture<PartitionChangeResult> first = calls.get(key);
            if (first != null) {
                return first;
            }
        }
        CompletableFuture<PartitionChangeResult> answer = call.get();
        synchronized (this) {
            if (!answer.isDone() || answer.join().success()) {
                calls.put(key, answer);
            }
        }
        answer.thenAccept(result -> {
            if (result.status().writeOutcome() == WriteOutcome.NOT_APPENDED) {
                synchronized (this) {
                    calls.remove(key, answer);
                }
            }
        });
        return answer;
    }

    private CompletableFuture<Void> afterGrace() {
        CompletableFuture<Void> graced = new CompletableFuture<>();
        runtime.schedule(drainGraceMillis, () -> graced.complete(null));
        return graced;
    }

    private CompletableFuture<PartitionChangeResult> submit(Function<PartitionMap, MapCommand> commandFor) {
        return submit(commandFor, true);
    }

    /**
     * Decides the command against the applied map and proposes it if accepted.
     *
     * @param oneAtATime whether it waits its turn behind the change this leader has in flight (refused with
     *                   {@code ProposalQueueFull} meanwhile): a call's command is decided against the map as the
     *                   change before it left it (a create picks the next free id)
     */
    private CompletableFuture<PartitionChangeResult> submit(Function<PartitionMap, MapCommand> commandFor,
                                                            boolean oneAtATime) {
        PartitionMap map = coordinator.map();
        if (!coordinator.isReadyLeader() || map == null) {
            return done(answer(RaftOperationStatus.NodeIsNotLeader, null));
        }
        MapCommand command;
        synchronized (this) {
            if (oneAtATime && pending) {
                return done(answer(RaftOperationStatus.ProposalQueueFull, null));
            }
            command = commandFor.apply(map);
            PartitionMapRules.Decision decision = PartitionMapRules.decide(map, command);
            if (!decision.accepted() || decision.map() == map) {
                // A refused create chose no partition; a refused removal still names its own.
                return done(answer(decision.status(), decision.accepted() || command.kind() != MapCommand.Kind.CREATE
                        ? command.partition() : null));
            }
            pending |= oneAtATime;
        }
        return coordinator.proposeMapChange(command).handle((result, error) -> {
            if (oneAtATime) {
                synchronized (this) {
                    pending = false;
                }
            }
            return applied(result, error, command.partition());
        });
    }

    /** The answer to a proposed map change: how it was decided when applied here, naming {@code partition}. */
    private PartitionChangeResult applied(RaftReplicationResult result, Throwable error, Integer partition) {
        if (error != null) {
            return answer(RaftOperationStatus.Errored, null);
        }
        if (!result.success()) {
            return answer(result.status(), null);
        }
        RaftOperationStatus applied = coordinator.outcomeAt(result.logIndex());
        return answer(applied != null ? applied : RaftOperationStatus.Success, partition);
    }

    private static CompletableFuture<PartitionChangeResult> done(PartitionChangeResult result) {
        return CompletableFuture.completedFuture(result);
    }

    private PartitionChangeResult answer(RaftOperationStatus status, Integer partition) {
        PartitionMap map = coordinator.map();
        PartitionDescriptor descriptor = map == null || partition == null ? null
                : map.partition(partition).orElse(null);
        return new PartitionChangeResult(status, partition == null ? 0 : partition, descriptor, leaderHint.get());
    }
}
