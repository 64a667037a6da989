package io.kommander.internal.system;

import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.RaftOperationStatus;

import io.kommander.runtime.IRaftRuntime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Takes partition map changes on the node that leads the system partition, as {@link RosterService} takes roster
 * commands: decides each against the applied map (so the caller learns at once why a change is refused), proposes
 * accepted ones one at a time, and answers once the entry has been applied here, with the outcome it had when
 * applied. A removal is two changes, each its own entry: DRAIN (the partition takes no new writes from then on),
 * then, a grace period later, REMOVE (every node closes it). The grace lets writes that the partition's leader
 * appended before it applied the drain commit and be delivered before the partition closes; safety does not rest
 * on it (a write still in flight at the close completes with {@code NodeClosed}).
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
     * answer rather than create a second partition: see {@link #once}.
     */
    public CompletableFuture<PartitionChangeResult> create(PartitionRange range, String requester, long callId) {
        return once(requester, callId, () -> submit(
                map -> new MapCommand(MapCommand.Kind.CREATE, map.highestId() + 1, range)));
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
     * Runs a call once per ({@code requester}, {@code callId}): this leader remembers the last
     * {@value #REMEMBERED_CALLS} calls it took and hands a retry the first attempt's future. A call refused before
     * anything was proposed is not remembered, so its retry is decided afresh.
     */
    private CompletableFuture<PartitionChangeResult> once(String requester, long callId,
                                                          Supplier<CompletableFuture<PartitionChangeResult>> call) {
        String key = requester + "/" + callId;
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
        return answer;
    }

    private CompletableFuture<Void> afterGrace() {
        CompletableFuture<Void> graced = new CompletableFuture<>();
        runtime.schedule(drainGraceMillis, () -> graced.complete(null));
        return graced;
    }

    private CompletableFuture<PartitionChangeResult> submit(java.util.function.Function<PartitionMap, MapCommand>
                                                                    commandFor) {
        PartitionMap map = coordinator.map();
        if (!coordinator.isReadyLeader() || map == null) {
            return done(answer(RaftOperationStatus.NodeIsNotLeader, null));
        }
        MapCommand command;
        synchronized (this) {
            if (pending) {
                return done(answer(RaftOperationStatus.ProposalQueueFull, null));
            }
            command = commandFor.apply(map);
            PartitionMapRules.Decision decision = PartitionMapRules.decide(map, command);
            if (!decision.accepted() || decision.map() == map) {
                // A refused create chose no partition; a refused removal still names its own.
                return done(answer(decision.status(), decision.accepted() || command.kind() != MapCommand.Kind.CREATE
                        ? command.partition() : null));
            }
            pending = true;
        }
        return coordinator.proposeMapChange(command).handle((result, error) -> {
            synchronized (this) {
                pending = false;
            }
            if (error != null) {
                return answer(RaftOperationStatus.Errored, null);
            }
            if (!result.success()) {
                return answer(result.status(), null);
            }
            RaftOperationStatus applied = coordinator.outcomeAt(result.logIndex());
            return answer(applied != null ? applied : RaftOperationStatus.Success, command.partition());
        });
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
