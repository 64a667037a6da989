package io.kommander.internal.node;

import io.kommander.IRaftStateMachineTransfer;
import io.kommander.PartitionChangeResult;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.PartitionMoves;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.SeedEntry;
import io.kommander.internal.partition.SplitEntry;
import io.kommander.internal.partition.WriteFence;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.wal.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * This node's part in the splits under way (see {@code docs/partitions.md}). Each step is taken again, from the
 * applied map and the partitions' logs, whenever something it waits on happens (a map change, a partition's leader
 * becoming ready, an entry applied, a failed attempt's retry), so a crash anywhere converges:
 * <ol>
 *   <li>the source's leader appends the {@link SplitEntry} (unless its log holds one toward the new half already);
 *   </li>
 *   <li>every replica of the source, when the split entry is applied, has the application produce the moved keys'
 *       state ({@link IRaftStateMachineTransfer#produceRangeSnapshot}) and keeps it: the seed;</li>
 *   <li>the new half's leader, if it holds the seed, appends it as the new half's {@link SeedEntry} (unless its log
 *       holds one), which every replica of the new half absorbs ({@link IRaftStateMachineTransfer#absorbSnapshot});
 *   </li>
 *   <li>the new half's leader, once it has applied its seed, asks partition 0's leader to finish the split.</li>
 * </ol>
 * Split and seed entries are the library's own: they never reach the application's listeners.
 *
 * <p>Thread-safe: called from partitions' executors and from partition 0's.
 */
final class NodeSplits {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSplits.class);

    private final Map<Integer, RaftPartition> partitions;
    private final RaftSystemCoordinator coordinator;
    private final IRaftStateMachineTransfer transfer;
    private final IRaftRuntime runtime;
    private final Function<Integer, CompletableFuture<?>> finish;
    private final long retryMillis;
    /** Seeds this node's source replicas produced, by new half; dropped once the new half applied its seed. */
    private final Map<Integer, SeedEntry> seeds = new ConcurrentHashMap<>();
    /** New halves whose split entry was applied here (in this process). */
    private final Set<Integer> splitApplied = ConcurrentHashMap.newKeySet();
    /** New halves whose seed was applied here (in this process). */
    private final Set<Integer> seeded = ConcurrentHashMap.newKeySet();
    /** Leadership handovers of each new half by this node (a different voter each time). */
    private final Map<Integer, Integer> handovers = new ConcurrentHashMap<>();
    /** Steps with an attempt under way, by step and partition, so that one runs at a time. */
    private final Set<String> underWay = ConcurrentHashMap.newKeySet();

    /**
     * @param finish      asks partition 0's leader to finish the split of a source (retried by itself until its bound)
     * @param retryMillis how long after a failed attempt a step is tried again
     */
    NodeSplits(Map<Integer, RaftPartition> partitions, RaftSystemCoordinator coordinator,
               IRaftStateMachineTransfer transfer, IRaftRuntime runtime,
               Function<Integer, CompletableFuture<?>> finish, long retryMillis) {
        this.partitions = partitions;
        this.coordinator = coordinator;
        this.transfer = transfer;
        this.runtime = runtime;
        this.finish = finish;
        this.retryMillis = retryMillis;
    }

    /** Whether the application can split partitions. */
    boolean supported() {
        return transfer != null && transfer.splitsPartitions();
    }

    /** Whether an entry is the library's own (a split or a seed): it is handled here and never delivered. */
    static boolean isOwn(RaftLog log) {
        return SplitEntry.TYPE.equals(log.applicationType()) || SeedEntry.TYPE.equals(log.applicationType());
    }

    /** A split or seed entry applied (delivered or restored) on this node's replica of {@code partition}. */
    void applied(int partition, RaftLog log) {
        try {
            if (SplitEntry.TYPE.equals(log.applicationType())) {
                splitApplied(partition, log.index(), SplitEntry.decode(log.data()));
            } else {
                seedApplied(partition, log.index(), SeedEntry.decode(log.data()));
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("partition {}: skipping an unreadable {} entry at {}", partition, log.applicationType(),
                    log.index());
        }
    }

    private void splitApplied(int source, long index, SplitEntry split) {
        if (!splitApplied.add(split.target()) || transfer == null) {
            return; // a repeated split entry: the first one split the state
        }
        transfer.produceRangeSnapshot(source, index, split.range()).whenComplete((state, error) -> {
            if (error != null || state == null) {
                LOG.error("partition {}: the application produced no state of range {} at {}", source,
                        split.range(), index, error);
                return;
            }
            if (!seeded.contains(split.target())) {
                seeds.put(split.target(), new SeedEntry(source, index, state));
                drive(split.target());
            }
        });
    }

    private void seedApplied(int target, long index, SeedEntry seed) {
        if (!seeded.add(target) || transfer == null) {
            return;
        }
        seeds.remove(target);
        transfer.absorbSnapshot(target, index, seed.source(), seed.state()).whenComplete((done, error) -> {
            if (error != null) {
                LOG.error("partition {}: the application could not absorb its seed from partition {}", target,
                        seed.source(), error);
            }
        });
        drive(target);
    }

    /** This node's replica of {@code partition} became its ready leader. */
    void leaderReady(int partition) {
        drive(partition);
    }

    /** The applied map changed: every split under way may have a step for this node. */
    void mapChanged(PartitionMap map) {
        for (PartitionDescriptor partition : map.partitions()) {
            if (map.splitSource(partition.id()).isPresent()) {
                drive(partition.id());
            }
        }
    }

    /** Takes whatever step of a split this node can take for {@code partition} (a source or a new half). */
    private void drive(int partition) {
        PartitionMap map = coordinator.map();
        if (map == null) {
            return;
        }
        PartitionDescriptor target = map.splitSource(partition).isPresent() ? map.partition(partition).orElse(null)
                : map.splitTarget(partition).orElse(null);
        PartitionDescriptor source = target == null ? null : map.splitSource(target.id()).orElse(null);
        if (source == null) {
            return;
        }
        RaftPartition sourceReplica = partitions.get(source.id());
        if (sourceReplica != null && sourceReplica.isLeaderQuick() && !splitApplied.contains(target.id())) {
            SplitEntry split = new SplitEntry(target.id(), target.range(), source.generation() + 1);
            attempt("split", source.id(), target.id(), () -> sourceReplica.replicate(EntryKind.SYSTEM,
                    SplitEntry.TYPE, List.of(split.encode()),
                    holds(sourceReplica, moves -> moves.holdsSplitTo(target.id()))));
        }
        RaftPartition targetReplica = partitions.get(target.id());
        if (targetReplica == null || !targetReplica.isLeaderQuick()) {
            return;
        }
        SeedEntry seed = seeds.get(target.id());
        if (seeded.contains(target.id())) {
            attempt("finish", target.id(), target.id(), () -> finish.apply(source.id()));
        } else if (seed != null) {
            attempt("seed", target.id(), target.id(), () -> targetReplica.replicate(EntryKind.SYSTEM, SeedEntry.TYPE,
                    List.of(seed.encode()), holds(targetReplica, PartitionMoves::holdsSeed)));
        } else {
            handOverLater(targetReplica, target.id());
        }
    }

    /**
     * This node leads a new half but holds no seed for it: its source replica has not applied the split entry yet,
     * or never will in this process (it restarted after its log was compacted past the entry, or installed a
     * snapshot beyond it). If it still holds none a retry period later, it hands the leadership to another voter,
     * a different one each time, so that a node that holds the seed comes to lead.
     */
    private void handOverLater(RaftPartition replica, int target) {
        String key = "handover/" + target;
        if (!underWay.add(key)) {
            return;
        }
        runtime.schedule(retryMillis, () -> {
            underWay.remove(key);
            PartitionMap map = coordinator.map();
            if (map == null || map.splitSource(target).isEmpty() || !replica.isLeaderQuick()
                    || seeded.contains(target) || seeds.containsKey(target)) {
                drive(target);
                return;
            }
            List<String> others = replica.view().configuration().votersOtherThan(replica.leaderQuick());
            if (!others.isEmpty()) {
                try {
                    replica.transferLeadership(others.get(Math.floorMod(handovers.merge(target, 1, Integer::sum),
                            others.size())));
                } catch (IllegalArgumentException e) {
                    // The configuration changed meanwhile: the next drive decides again.
                }
            }
        });
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
    private void attempt(String step, int partition, int driven, Supplier<CompletableFuture<?>> call) {
        String key = step + "/" + partition;
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
