package io.kommander.internal.system;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one rule book of partition map changes, a pure function of the map and a command: used by partition 0's
 * leader before it proposes (to answer the caller at once) and by every node when it applies (so that a command
 * that became invalid meanwhile changes nothing, on every node alike). A repeated command (a retry whose first
 * attempt committed) is accepted and changes nothing. Stateless.
 */
public final class PartitionMapRules {

    /** The outcome of a command: a status and the map after it (the same map when refused or a no-op). */
    public record Decision(RaftOperationStatus status, PartitionMap map) {
        /** Whether the command was accepted (possibly as a no-op). */
        public boolean accepted() {
            return status == RaftOperationStatus.Success;
        }
    }

    private PartitionMapRules() {
    }

    /** The first map, derived from the ranges record today's and older versions write first on partition 0. */
    public static PartitionMap first(PartitionRanges ranges) {
        List<PartitionDescriptor> partitions = new ArrayList<>(ranges.count());
        for (int id = 1; id <= ranges.count(); id++) {
            partitions.add(PartitionDescriptor.active(id, ranges.range(id)));
        }
        return new PartitionMap(1, partitions);
    }

    /** Decides a command against a map. */
    public static Decision decide(PartitionMap map, MapCommand command) {
        return decide(map, command, true);
    }

    /**
     * Decides a command against a map; {@code halvesOnSourceReplicas} false is the planted bug "a split's new half
     * is placed on every member while the split runs" (a negative control; tests only).
     */
    static Decision decide(PartitionMap map, MapCommand command, boolean halvesOnSourceReplicas) {
        PartitionDescriptor current = map.partition(command.partition()).orElse(null);
        return switch (command.kind()) {
            case CREATE -> create(map, command, current);
            case DRAIN -> current == null || command.partition() < 1 ? same(map, RaftOperationStatus.UnknownPartition)
                    : mergeBusy(map, current) ? same(map, RaftOperationStatus.PartitionBusy)
                    : current.state() == PartitionState.DRAINING ? same(map, RaftOperationStatus.Success)
                    : current.state() != PartitionState.ACTIVE ? same(map, RaftOperationStatus.UnknownPartition)
                    : changed(map, current.withState(PartitionState.DRAINING));
            case REMOVE -> current == null ? same(map, RaftOperationStatus.UnknownPartition)
                    : current.state() == PartitionState.REMOVED ? same(map, RaftOperationStatus.Success)
                    : map.mergeSurvivor(current.id()).isPresent() ? same(map, RaftOperationStatus.PartitionBusy)
                    : current.state() != PartitionState.DRAINING ? same(map, RaftOperationStatus.PartitionNotDrained)
                    : changed(map, current.withState(PartitionState.REMOVED));
            case SPLIT -> split(map, command, current, halvesOnSourceReplicas);
            case FINISH_SPLIT -> finishSplit(map, current);
            case MERGE -> merge(map, command, current);
            case FINISH_MERGE -> finishMerge(map, current);
            case PLACE -> place(map, command, current);
            case COLOCATE -> colocate(map, command, current);
            case REPLICATION -> same(map, RaftOperationStatus.Success); // the coordinator keeps it, not the map
        };
    }

    /**
     * Whether a removal must wait for a merge: the partition is a merge's adjacent one, or abuts a merging survivor
     * (whose one draining neighbour must stay the partition merging into it).
     */
    private static boolean mergeBusy(PartitionMap map, PartitionDescriptor partition) {
        return map.mergeSurvivor(partition.id()).isPresent() || partition.routed() && map.partitions().stream()
                .anyMatch(p -> p.state() == PartitionState.MERGING && PartitionMap.abut(p.range(), partition.range()));
    }

    private static Decision merge(PartitionMap map, MapCommand command, PartitionDescriptor survivor) {
        PartitionDescriptor adjacent = adjacentNamed(map, command);
        if (survivor != null && adjacent != null && map.mergeAdjacent(survivor.id())
                .map(a -> a.id() == adjacent.id()).orElse(false)) {
            return same(map, RaftOperationStatus.Success); // a retry of a merge under way
        }
        Decision refused = mergeRefusal(map, survivor, adjacent);
        if (refused != null) {
            return refused;
        }
        if (!colocated(survivor, adjacent)) {
            // The survivor's leader must hold the adjacent's state: first COLOCATE, then MERGE.
            return same(map, RaftOperationStatus.PartitionBusy);
        }
        List<PartitionDescriptor> next = new ArrayList<>(map.partitions());
        next.removeIf(p -> p.id() == survivor.id() || p.id() == adjacent.id());
        next.add(survivor.withState(PartitionState.MERGING));
        next.add(adjacent.withState(PartitionState.DRAINING));
        return new Decision(RaftOperationStatus.Success, new PartitionMap(map.version() + 1, next));
    }

    /**
     * A merge's first step when the two partitions live on different members: the adjacent partition is placed on
     * the survivor's replicas (with its leader preference), and stays ACTIVE while its replicas move. Accepted
     * (a no-op) when they share their replicas already.
     */
    private static Decision colocate(PartitionMap map, MapCommand command, PartitionDescriptor survivor) {
        PartitionDescriptor adjacent = adjacentNamed(map, command);
        Decision refused = mergeRefusal(map, survivor, adjacent);
        if (refused != null) {
            return refused;
        }
        if (colocated(survivor, adjacent)) {
            return same(map, RaftOperationStatus.Success);
        }
        return changed(map, adjacent.withPlacement(survivor.replicas(), survivor.leaderPreference()));
    }

    /** Whether two partitions live on the same members (both on every member, or on the same replicas). */
    public static boolean colocated(PartitionDescriptor survivor, PartitionDescriptor adjacent) {
        return Set.copyOf(survivor.replicas()).equals(Set.copyOf(adjacent.replicas()));
    }

    /** The live partition owning exactly a merge command's range, or null. */
    private static PartitionDescriptor adjacentNamed(PartitionMap map, MapCommand command) {
        return command.range() == null ? null : map.partitions().stream()
                .filter(p -> p.state() != PartitionState.REMOVED && command.range().equals(p.range()))
                .findFirst().orElse(null);
    }

    /** Why two partitions cannot start to merge now (whatever their replicas), or null if they can. */
    private static Decision mergeRefusal(PartitionMap map, PartitionDescriptor survivor, PartitionDescriptor adjacent) {
        if (survivor == null || survivor.id() < 1 || adjacent == null) {
            return same(map, RaftOperationStatus.UnknownPartition);
        }
        if (adjacent.id() == survivor.id() || !survivor.routed()) {
            return same(map, RaftOperationStatus.PartitionsNotAdjacent);
        }
        for (PartitionDescriptor p : List.of(survivor, adjacent)) {
            if (p.state() == PartitionState.SPLITTING || p.state() == PartitionState.MERGING) {
                return same(map, RaftOperationStatus.PartitionBusy);
            }
            if (p.state() != PartitionState.ACTIVE) {
                return same(map, RaftOperationStatus.UnknownPartition);
            }
        }
        if (!PartitionMap.abut(survivor.range(), adjacent.range())) {
            return same(map, RaftOperationStatus.PartitionsNotAdjacent);
        }
        // Each merge's survivor has exactly one draining neighbour: the partition merging into it.
        boolean neighbourBusy = map.partitions().stream().anyMatch(p -> p.id() != survivor.id()
                && p.id() != adjacent.id() && p.routed() && (p.state() == PartitionState.MERGING
                || p.state() == PartitionState.DRAINING) && (PartitionMap.abut(p.range(), survivor.range())
                || PartitionMap.abut(p.range(), adjacent.range())));
        return neighbourBusy ? same(map, RaftOperationStatus.PartitionBusy) : null;
    }

    private static Decision finishMerge(PartitionMap map, PartitionDescriptor survivor) {
        if (survivor == null) {
            return same(map, RaftOperationStatus.UnknownPartition);
        }
        PartitionDescriptor adjacent = map.mergeAdjacent(survivor.id()).orElse(null);
        if (adjacent == null) {
            // Finished already (a retry), or no merge into it was ever begun.
            return same(map, survivor.state() == PartitionState.ACTIVE ? RaftOperationStatus.Success
                    : RaftOperationStatus.UnknownPartition);
        }
        PartitionRange union = Long.compareUnsigned(survivor.range().first(), adjacent.range().first()) < 0
                ? new PartitionRange(survivor.range().first(), adjacent.range().last())
                : new PartitionRange(adjacent.range().first(), survivor.range().last());
        List<PartitionDescriptor> next = new ArrayList<>(map.partitions());
        next.removeIf(p -> p.id() == survivor.id() || p.id() == adjacent.id());
        next.add(new PartitionDescriptor(survivor.id(), union, survivor.generation() + 1, PartitionState.ACTIVE,
                survivor.replicas(), survivor.leaderPreference()));
        next.add(adjacent.withState(PartitionState.REMOVED));
        return new Decision(RaftOperationStatus.Success, new PartitionMap(map.version() + 1, next));
    }

    private static Decision split(PartitionMap map, MapCommand command, PartitionDescriptor source,
                                  boolean onSourceReplicas) {
        if (source == null || command.partition() < 1 || command.range() == null) {
            return same(map, RaftOperationStatus.UnknownPartition);
        }
        PartitionDescriptor target = map.splitTarget(source.id()).orElse(null);
        if (target != null) {
            // A retry of the same split is accepted and changes nothing; another split of it must wait.
            return same(map, target.range().equals(command.range()) ? RaftOperationStatus.Success
                    : RaftOperationStatus.PartitionBusy);
        }
        if (source.state() != PartitionState.ACTIVE) {
            return same(map, source.state() == PartitionState.SPLITTING || source.state() == PartitionState.MERGING
                    ? RaftOperationStatus.PartitionBusy
                    : RaftOperationStatus.UnknownPartition);
        }
        PartitionRange range = source.range();
        PartitionRange moved = command.range();
        if (range == null || moved.last() != range.last()
                || Long.compareUnsigned(moved.first(), range.first()) <= 0) {
            return same(map, RaftOperationStatus.PartitionRangeTaken);
        }
        List<PartitionDescriptor> next = new ArrayList<>(map.partitions());
        next.removeIf(p -> p.id() == source.id());
        next.add(source.withState(PartitionState.SPLITTING));
        // The new half starts from the source's state at the split entry, which only the source's replicas produce:
        // it lives where the source does, with the source's leader preference (whose replica holds that state).
        next.add(onSourceReplicas
                ? new PartitionDescriptor(map.highestId() + 1, moved, 1, PartitionState.SPLITTING, source.replicas(),
                        source.leaderPreference())
                : new PartitionDescriptor(map.highestId() + 1, moved, 1, PartitionState.SPLITTING, List.of(),
                        List.of()));
        return new Decision(RaftOperationStatus.Success, new PartitionMap(map.version() + 1, next));
    }

    private static Decision finishSplit(PartitionMap map, PartitionDescriptor source) {
        if (source == null) {
            return same(map, RaftOperationStatus.UnknownPartition);
        }
        PartitionDescriptor target = map.splitTarget(source.id()).orElse(null);
        if (target == null) {
            // Finished already (a retry), or no split of it was ever begun.
            return same(map, source.state() == PartitionState.ACTIVE ? RaftOperationStatus.Success
                    : RaftOperationStatus.UnknownPartition);
        }
        List<PartitionDescriptor> next = new ArrayList<>(map.partitions());
        next.removeIf(p -> p.id() == source.id() || p.id() == target.id());
        PartitionRange lower = new PartitionRange(source.range().first(), target.range().first() - 1);
        next.add(new PartitionDescriptor(source.id(), lower, source.generation() + 1, PartitionState.ACTIVE,
                source.replicas(), source.leaderPreference()));
        // The new half stays on the source's replicas (where the split placed it).
        next.add(new PartitionDescriptor(target.id(), target.range(), target.generation() + 1, PartitionState.ACTIVE,
                source.replicas(), source.leaderPreference()));
        return new Decision(RaftOperationStatus.Success, new PartitionMap(map.version() + 1, next));
    }

    /** A placement: only of an ACTIVE partition (a split or a removal under way keeps its replicas). */
    private static Decision place(PartitionMap map, MapCommand command, PartitionDescriptor current) {
        RaftOperationStatus status = placement(command, current);
        PartitionDescriptor placed = placed(command, current, status);
        return placed == null ? same(map, status) : changed(map, placed);
    }

    /** Whether a placement of {@code current} is accepted (an ACTIVE partition), or why not. */
    private static RaftOperationStatus placement(MapCommand command, PartitionDescriptor current) {
        return current == null || current.state() != PartitionState.ACTIVE || command.kind() != MapCommand.Kind.PLACE
                ? RaftOperationStatus.UnknownPartition : RaftOperationStatus.Success;
    }

    /** The partition an accepted placement leaves, or null if it changes nothing (refused, or already so). */
    private static PartitionDescriptor placed(MapCommand command, PartitionDescriptor current,
                                              RaftOperationStatus status) {
        if (status != RaftOperationStatus.Success || current.replicas().equals(command.replicas())
                && current.leaderPreference().equals(command.leaderPreference())) {
            return null;
        }
        return current.withPlacement(command.replicas(), command.leaderPreference());
    }

    /**
     * Decides a batch of placements ({@link PlacementBatch}), each as {@link #decide} decides a {@link
     * MapCommand.Kind#PLACE}, in order, against the map the ones before it left, and makes them one change: the
     * map one version on (the same map if none changes anything), built once. The status is the first refused
     * placement's, or {@code Success}.
     */
    public static BatchDecision decide(PartitionMap map, PlacementBatch batch) {
        Map<Integer, PartitionDescriptor> changed = new LinkedHashMap<>();
        RaftOperationStatus status = RaftOperationStatus.Success;
        for (MapCommand command : batch.placements()) {
            PartitionDescriptor current = changed.containsKey(command.partition()) ? changed.get(command.partition())
                    : map.partition(command.partition()).orElse(null);
            RaftOperationStatus outcome = placement(command, current);
            if (status == RaftOperationStatus.Success) {
                status = outcome;
            }
            PartitionDescriptor placed = placed(command, current, outcome);
            if (placed != null) {
                changed.put(placed.id(), placed);
            }
        }
        return new BatchDecision(status, changed.isEmpty() ? map : map.next(changed.values()),
                List.copyOf(changed.keySet()));
    }

    /**
     * The outcome of a batch of placements.
     *
     * @param status the first refused placement's status, or {@code Success}
     * @param map    the map after the batch (the same map if no placement changed anything)
     * @param placed the partitions whose placement changed, in the batch's order
     */
    public record BatchDecision(RaftOperationStatus status, PartitionMap map, List<Integer> placed) {
    }

    private static Decision create(PartitionMap map, MapCommand command, PartitionDescriptor current) {
        if (current != null) {
            // A retry of a create that committed names the id it was given; anything else is a stale proposal.
            boolean same = current.state() == PartitionState.ACTIVE && Objects.equals(current.range(),
                    command.range());
            return same(map, same ? RaftOperationStatus.Success : RaftOperationStatus.PartitionRangeTaken);
        }
        if (command.partition() != map.highestId() + 1) {
            return same(map, RaftOperationStatus.PartitionRangeTaken);
        }
        if (command.range() != null && !map.owners(command.range()).isEmpty()) {
            return same(map, RaftOperationStatus.PartitionRangeTaken);
        }
        return changed(map, PartitionDescriptor.active(command.partition(), command.range()));
    }

    private static Decision same(PartitionMap map, RaftOperationStatus status) {
        return new Decision(status, map);
    }

    private static Decision changed(PartitionMap map, PartitionDescriptor partition) {
        return new Decision(RaftOperationStatus.Success, map.next(List.of(partition)));
    }
}
