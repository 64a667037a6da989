package io.kommander.internal.system;

import io.kommander.Member;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.internal.partition.Configuration;
import io.kommander.internal.system.ReplicaPlacement.Assignment;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * On partition 0's ready leader: moves the map toward {@link ReplicaPlacement}'s placement of the roster's voters with
 * {@link MapCommand.Kind#PLACE} steps: at most one that brings a replica in per pass, plus up to {@link
 * #LIGHT_STEPS_PER_PASS} that bring none in (a leader preference only, or replicas taken out), proposed together as one
 * map change ({@link PlacementBatch}). A pass proposes nothing while the previous pass's steps are unanswered. Each
 * step changes a partition's replicas by at most one member in and one out, so its leader (the node's reconciler) adds
 * the new one as a learner, catches it up, promotes it, and only then takes the old one out: a partition never has more
 * than R + 1 members during a move ({@code ConfigurationAlignment} makes room first when a second move overlaps the
 * first). At most {@link #MOVES_IN_FLIGHT} steps that add a member are under way at once; steps that only take members
 * out or move a leader preference cost no catch-up and are not counted. Only ACTIVE partitions move, and neither
 * partition of a pending merge ({@link RaftSystemCoordinator#pendingMerges}): its adjacent partition is being placed on
 * the survivor's replicas.
 *
 * <p>A step is under way until this node's own replica of the partition shows a configuration whose voters are
 * exactly the new replicas, or, for a partition this node does not host (so cannot watch), for {@code settleMillis}
 * after it was proposed.
 *
 * <p>The replication factor is the first one partition 0's log holds: while it holds none, the leader writes its own
 * configured one, once the roster has more voters than that. Until then (a cluster of up to R members) every member
 * hosts every partition and the balancer places leader preferences only, from the configured factor: each such step
 * changes no replicas, so it costs no catch-up and is not counted.
 *
 * <p>Runs on the node's reconciler timer; thread-safe.
 */
public final class ReplicaBalancer {

    /** How many moves that add a replica may be under way at once, cluster-wide. */
    public static final int MOVES_IN_FLIGHT = 2;

    /**
     * How many steps that bring no replica in (a leader preference only, or replicas taken out) one pass may propose,
     * all in one map change ({@link PlacementBatch}): they copy no data, and one map change costs every node one new
     * map and one run of its listeners whatever it carries, so a map of 10,000 partitions gets its preferences in 10
     * passes. Bounded to keep a pass's entry (about 100 bytes a step) and its burst of hand-overs and configuration
     * changes modest.
     */
    public static final int LIGHT_STEPS_PER_PASS = 1_024;

    /** The most bytes a pass's batch of light steps may take, if the node's {@code maxEntryBytes} allows as many. */
    public static final int LIGHT_STEP_BYTES_PER_PASS = 128 << 10;

    private final RaftSystemCoordinator coordinator;
    private final PartitionMapService service;
    private final int configuredFactor;
    private final IntFunction<Configuration> hostedConfiguration;
    private final LongSupplier clock;
    private final long settleMillis;
    /** The most bytes a pass's batch of light steps takes: within the node's largest entry. */
    private final int batchBytes;
    /** Partitions with a step that adds a member under way: since when, and the members it brings in. */
    private final Map<Integer, Move> inFlight = new ConcurrentHashMap<>();
    /** Map changes proposed and not yet answered; a pass proposes only when none is. */
    private final AtomicInteger proposing = new AtomicInteger();
    /** A negative control: steps that bring a leaving member in stay under way (seed 24708). */
    private volatile boolean holdsMovesToLeavers;

    /**
     * @param configuredFactor    this node's configured replication factor (written if the log holds none)
     * @param hostedConfiguration this node's replica's configuration of a partition, or null if it does not host it
     * @param clock               the node's monotonic clock, in milliseconds
     * @param settleMillis        how long a step this node cannot watch counts as under way
     * @param maxEntryBytes       the node's largest entry ({@code RaftConfiguration.maxEntryBytes}): a batch of light
     *                            steps, type included, stays within it (and within {@link #LIGHT_STEP_BYTES_PER_PASS})
     */
    public ReplicaBalancer(RaftSystemCoordinator coordinator, PartitionMapService service, int configuredFactor,
                           IntFunction<Configuration> hostedConfiguration, LongSupplier clock, long settleMillis,
                           int maxEntryBytes) {
        this.coordinator = coordinator;
        this.service = service;
        this.configuredFactor = configuredFactor;
        this.hostedConfiguration = hostedConfiguration;
        this.clock = clock;
        this.settleMillis = settleMillis;
        this.batchBytes = Math.min(LIGHT_STEP_BYTES_PER_PASS,
                maxEntryBytes - MapCommand.TYPE.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    /** One pass: proposes the next step, if this node leads partition 0 and one is due. */
    public void rebalance() {
        PartitionMap map = coordinator.map();
        Roster roster = coordinator.roster();
        if (!coordinator.isReadyLeader() || map == null || roster == null) {
            inFlight.clear();
            return;
        }
        SortedSet<String> voters = roster.endpoints(Member.Role.VOTER);
        int factor = coordinator.replicationFactor();
        if (factor == 0 && voters.size() > configuredFactor) {
            if (proposing.compareAndSet(0, 1)) {
                coordinator.proposeMapChange(new MapCommand(MapCommand.Kind.REPLICATION, configuredFactor, null))
                        .whenComplete((result, error) -> proposing.decrementAndGet());
            }
            return;
        }
        if (factor == 0) {
            factor = configuredFactor; // at least the voters: every member hosts every partition
        }
        settle(map, holdsMovesToLeavers ? roster.members().keySet() : voters);
        if (proposing.get() > 0 || voters.isEmpty()) {
            return;
        }
        Pass pass = plan(map, ReplicaPlacement.place(map, voters, factor), roster, factor,
                partition -> inFlight.containsKey(partition) || coordinator.pendingMerge(partition),
                inFlight.size() >= MOVES_IN_FLIGHT, batchBytes);
        if (pass.light().isEmpty() && pass.move() == null) {
            return;
        }
        if (!proposing.compareAndSet(0, (pass.light().isEmpty() ? 0 : 1) + (pass.move() == null ? 0 : 1))) {
            return;
        }
        if (!pass.light().isEmpty()) {
            service.place(new PlacementBatch(pass.light()))
                    .whenComplete((result, error) -> proposing.decrementAndGet());
        }
        MapCommand move = pass.move();
        if (move != null) {
            if (pass.moveAdds()) {
                inFlight.put(move.partition(), new Move(clock.getAsLong(), pass.moveBringsIn()));
            }
            service.propose(move).whenComplete((result, error) -> {
                if (pass.moveAdds() && (error != null || !result.success())) {
                    inFlight.remove(move.partition());
                }
                proposing.decrementAndGet();
            });
        }
    }

    /**
     * What one pass proposes.
     *
     * @param light        the steps that bring no replica in, in partition id order: one {@link PlacementBatch}
     * @param move         the one step that brings a replica in (or back to every member), or null
     * @param moveBringsIn the members {@code move} brings in (none for a move back to every member)
     */
    record Pass(List<MapCommand> light, MapCommand move, Set<String> moveBringsIn) {

        /** Whether {@code move} brings a replica in (it is then under way until it settles). */
        boolean moveAdds() {
            return !moveBringsIn.isEmpty();
        }
    }

    /** A step that brings members in, under way since {@code sinceMillis}. */
    private record Move(long sinceMillis, Set<String> bringsIn) {
    }

    /**
     * The steps of one pass from {@code map} toward {@code target} (a pure function): every ACTIVE partition not
     * {@code held} (a step under way, a pending merge's) that is not where the target wants it gets its next step; up
     * to {@link #LIGHT_STEPS_PER_PASS} light ones, within {@code batchBytes} as a batch (at least one), and the first
     * heavy one, if it brings no replica in or {@code movesFull} is false (fewer than {@link #MOVES_IN_FLIGHT} under
     * way).
     */
    static Pass plan(PartitionMap map, SortedMap<Integer, Assignment> target, Roster roster, int factor,
                     IntPredicate held, boolean movesFull, int batchBytes) {
        List<MapCommand> light = new ArrayList<>();
        int lightBytes = PlacementBatch.HEADER_BYTES;
        MapCommand move = null; // the pass's one step that brings a replica in, or back to every member
        Set<String> moveBringsIn = Set.of();
        for (PartitionDescriptor partition : map.partitions()) {
            Assignment wanted = target.get(partition.id());
            // A pending merge's partitions are being placed together: moving one without the other would undo it.
            if (partition.state() != PartitionState.ACTIVE || wanted == null || held.test(partition.id())
                    || (wanted.replicas().equals(partition.replicas())
                    && wanted.leaderPreference().equals(partition.leaderPreference()))) {
                continue;
            }
            Set<String> holders = partition.replicas().isEmpty() ? roster.members().keySet()
                    : Set.copyOf(partition.replicas());
            MapCommand step = step(partition, holders, wanted, factor, roster);
            // Back to every member (the cluster shrank to R or fewer voters): it may bring the partition to members it
            // was not on, one per pass as before; not tracked as under way (no configuration equals empty replicas).
            boolean toEveryMember = step.replicas().isEmpty() && !partition.replicas().isEmpty();
            boolean adds = step.replicas().stream().anyMatch(m -> !holders.contains(m));
            if (!adds && !toEveryMember) {
                // A preference alone, or replicas taken out, copies no data: many go in one pass, as one map change,
                // so a large map gets its leaders, or shrinks to R when the cluster grows past R, in a few passes.
                // At least one, whatever the bound: a single placement was always proposed, as its own entry.
                int bytes = PlacementBatch.bytesOf(step);
                if (light.isEmpty() || light.size() < LIGHT_STEPS_PER_PASS && lightBytes + bytes <= batchBytes) {
                    light.add(step);
                    lightBytes += bytes;
                }
                continue;
            }
            if (move != null || (adds && movesFull)) {
                continue;
            }
            move = step;
            // Collected for the one chosen move only: a pass walks every partition that is not where it should be.
            moveBringsIn = step.replicas().stream().filter(m -> !holders.contains(m))
                    .collect(Collectors.toUnmodifiableSet());
        }
        return new Pass(light, move, moveBringsIn);
    }

    /** How many steps that add a member are under way, as this node counts them. */
    public int movesInFlight() {
        return inFlight.size();
    }

    /**
     * The next step from where a partition is toward {@code wanted}: everything at once when no member comes in (or
     * the wanted placement is every member); otherwise the members that stay, one that comes in, and as many of those
     * that go (those not leaving first) as keep it at R.
     */
    static MapCommand step(PartitionDescriptor partition, Set<String> holders, Assignment wanted, int factor,
                           Roster roster) {
        List<String> in = wanted.replicas().stream().filter(m -> !holders.contains(m)).toList();
        if (wanted.replicas().isEmpty() || in.size() <= 1) {
            return MapCommand.place(partition.id(), wanted.replicas(), wanted.leaderPreference());
        }
        LinkedHashSet<String> next = new LinkedHashSet<>();
        wanted.replicas().stream().filter(holders::contains).forEach(next::add);
        next.add(in.get(0));
        List<String> out = new ArrayList<>(new TreeSet<>(holders));
        out.removeAll(wanted.replicas());
        out.sort((a, b) -> Boolean.compare(leaving(roster, a), leaving(roster, b)));
        for (int i = 0; next.size() < factor && i < out.size(); i++) {
            next.add(out.get(i));
        }
        String preferred = wanted.leaderPreference().isEmpty() ? null : wanted.leaderPreference().get(0);
        if (preferred == null || !next.contains(preferred)) {
            preferred = partition.leaderPreference().isEmpty() || !next.contains(partition.leaderPreference().get(0))
                    ? next.iterator().next() : partition.leaderPreference().get(0);
        }
        return MapCommand.place(partition.id(), List.copyOf(next), List.of(preferred));
    }

    /** Plants {@code BALANCER_HOLDS_MOVES_TO_LEAVERS}: a leaving member counts as a voter for ending steps. */
    void plantHoldsMovesToLeavers() {
        holdsMovesToLeavers = true;
    }

    /** Ends the steps that are over ({@link #ended}). */
    private void settle(PartitionMap map, Set<String> voters) {
        long now = clock.getAsLong();
        inFlight.entrySet().removeIf(step -> ended(map.partition(step.getKey()).orElse(null),
                hostedConfiguration.apply(step.getKey()), voters, step.getValue().bringsIn(),
                now - step.getValue().sinceMillis(), settleMillis));
    }

    /**
     * Whether a step that brings {@code bringsIn} in, under way for {@code ageMillis}, is over (a pure function): the
     * partition is gone or no longer ACTIVE; a member it brings in is no longer a voter; this node's replica
     * ({@code hosted}, null if it has none) shows a configuration whose voters are exactly the map's replicas, with no
     * learner; or, for a partition this node cannot watch, {@code settleMillis} have passed.
     */
    static boolean ended(PartitionDescriptor partition, Configuration hosted, Set<String> voters, Set<String> bringsIn,
                         long ageMillis, long settleMillis) {
        if (partition == null || partition.state() != PartitionState.ACTIVE) {
            return true;
        }
        // The member it brings in began to leave, or was removed, after the step was proposed: the step can never
        // finish as planned (a leaving node may stop following partition 0 and never open its new replica, whose
        // learner then never catches up), and while it counts as under way the partition cannot move off that member,
        // so the leave never ends (simulator seed 24708). Ended; the next pass places the partition on voters only. A
        // member that stays and leaves meanwhile holds nothing up: the move completes, then the next one takes it out.
        if (!voters.containsAll(bringsIn)) {
            return true;
        }
        if (hosted != null) {
            return hosted.learners().isEmpty() && hosted.voters().equals(new TreeSet<>(partition.replicas()));
        }
        return ageMillis >= settleMillis;
    }

    private static boolean leaving(Roster roster, String member) {
        Member known = roster.member(member);
        return known != null && known.role() == Member.Role.LEAVING;
    }
}
