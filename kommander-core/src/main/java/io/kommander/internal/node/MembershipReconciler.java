package io.kommander.internal.node;

import io.kommander.Member;
import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.ConfigurationAlignment;
import io.kommander.internal.partition.ConfigurationChange;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.internal.system.Roster;
import io.kommander.internal.system.RosterCommand;
import io.kommander.internal.system.RosterService;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Moves the configuration of every partition this node leads (partition 0 included) toward its target (the roster,
 * or the partition's replicas once the map places it: {@link PartitionTarget}), one change at a time per partition
 * ({@link ConfigurationAlignment}): adds new members as learners (never beyond the target + 1 members: a full
 * configuration takes out a member the target no longer has first), promotes the target's voters once the partition's
 * own rule finds them caught up, takes out members the target no longer has, and hands leadership away first when
 * this node is the one to go. Once a placed partition's configuration matches its target, it hands leadership to the
 * map's preferred leader. On partition 0's leader it also ends a leave: once no partition's configuration (as this
 * node's replicas see it) and no placement holds a leaving member, it asks the roster to remove it.
 *
 * <p>A partition that refuses to take a leaving member out for want of current voters (a remaining voter lags there)
 * refuses again at every pass; once that has lasted {@code refusalBound} (a voter that lags this long is not current
 * in partition 0's sense either), each further refusal is reported to partition 0's leader, which then answers the
 * waiting removal {@link RaftOperationStatus#TooFewVoters}. A passing refusal (an acknowledgement trailing a commit)
 * is never reported.
 *
 * <p>Runs on the node's timer and on every roster change; reads only the partitions' lock-free views and never
 * waits, so no executor is held up. A change that is refused (a learner not caught up yet, a change still in
 * flight) is simply tried again at the next pass. Thread-safe.
 */
final class MembershipReconciler {

    private final String self;
    private final Supplier<Roster> roster;
    private final Supplier<PartitionMap> map;
    private final Supplier<Collection<RaftPartition>> partitions;
    /** Whether a replica is one the map moved away from this node ({@link NodeReplicas#stranded}). */
    private final Predicate<RaftPartition> stranded;
    private final RosterService service;
    /** Partitions with a change or transfer of ours in flight. */
    private final Set<Integer> busy = ConcurrentHashMap.newKeySet();
    private final Map<String, Boolean> removing = new ConcurrentHashMap<>();
    /** What the partitions this node cannot watch answered about leaving members. */
    private final LeaveReleases releases;
    /** Per partition: how many times this node asked to hand it over as it leaves. */
    private final Map<Integer, Integer> transfers = new ConcurrentHashMap<>();
    /** Per partition: since when it refuses, at every pass, to take a leaving member out for want of voters. */
    private final Map<Integer, Refusal> refusals = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final long refusalBound;
    private final long refusalGap;
    private final Consumer<String> reportRefusal;
    private final PreferredLeaderHandOvers handOvers;
    /** A planted bug (a negative control): a placed partition's moved replica goes before its replacement comes. */
    private volatile boolean removalFirst;
    /** A planted bug (a negative control): a placed partition adds a missing member however many it holds. */
    private volatile boolean addFirst;
    /** A planted bug (a negative control): a leaving node keeps leading the placed partitions its map puts on it. */
    private volatile boolean leaderStaysWhileLeaving;
    /**
     * A planted bug (a negative control): partition 0 takes a leaving member out once no replica of this node shows
     * it, whatever the partitions this node cannot watch hold.
     */
    private volatile boolean systemRemovalIgnoresOthers;

    /** A run of refusals to take {@code member} out: the first at {@code since}, the latest at {@code last}. */
    private record Refusal(String member, long since, long last) {
    }

    /**
     * @param clock         the node's monotonic clock, in milliseconds
     * @param refusalBound  how long a partition's refusal to take a leaving member out must last to be reported
     * @param refusalGap    the longest time between two refusals of one run (longer: a new run starts)
     * @param reportRefusal tells partition 0's leader that a partition refuses to take the member out
     * @param handOvers     admits hand-overs to preferred leaders
     */
    MembershipReconciler(String self, Supplier<Roster> roster, Supplier<PartitionMap> map,
                         Supplier<Collection<RaftPartition>> partitions, Predicate<RaftPartition> stranded,
                         RosterService service, LongSupplier clock, long refusalBound, long refusalGap,
                         Consumer<String> reportRefusal, PreferredLeaderHandOvers handOvers,
                         LeaveReleases releases) {
        this.self = self;
        this.releases = releases;
        this.roster = roster;
        this.map = map;
        this.partitions = partitions;
        this.stranded = stranded;
        this.service = service;
        this.clock = clock;
        this.refusalBound = refusalBound;
        this.refusalGap = refusalGap;
        this.reportRefusal = reportRefusal;
        this.handOvers = handOvers;
    }

    /** One pass over every partition this node leads. */
    void reconcile() {
        Roster current = roster.get();
        if (current == null) {
            return;
        }
        PartitionTarget everyMember = PartitionTarget.of(current, null);
        PartitionMap known = map.get();
        Member me = current.members().get(self);
        boolean leaving = me != null && me.role() == Member.Role.LEAVING;
        for (RaftPartition partition : partitions.get()) {
            ReplicaView view = partition.view();
            if (view.leader() && view.configuration() != null && view.configurationChangesInFlight() == 0) {
                PartitionDescriptor descriptor = descriptor(known, partition.id());
                PartitionTarget target = descriptor == null || descriptor.replicas().isEmpty() ? everyMember
                        : PartitionTarget.of(current, descriptor);
                step(partition, view.configuration(), target.voters(), target.learners(), descriptor, leaving);
            }
        }
        finishLeaves(current, known);
    }

    private static PartitionDescriptor descriptor(PartitionMap known, int partition) {
        return known == null || partition == RaftSystemCoordinator.SYSTEM_PARTITION ? null
                : known.partition(partition).orElse(null);
    }

    /** Plants "take a moved replica out before its replacement is a voter" (a negative control). */
    void plantRemovalFirst() {
        removalFirst = true;
    }

    /** Plants "a leaving node keeps leading the placed partitions its map puts on it" (a negative control). */
    void plantLeaderStaysWhileLeaving() {
        leaderStaysWhileLeaving = true;
    }

    /** Plants "add a missing member first, however many the configuration holds" (a negative control). */
    void plantAddFirst() {
        addFirst = true;
    }

    /** Plants "partition 0 takes a leaving member out without asking the partitions it cannot watch" (a control). */
    void plantSystemRemovalIgnoresOthers() {
        systemRemovalIgnoresOthers = true;
    }

    /**
     * Whether some partition still holds {@code member}: the map places a live partition on it, or a configuration
     * seen here holds it ({@link #stillConfigured}). The roster removes a leaving member only once neither is so.
     */
    boolean stillHeld(String member) {
        PartitionMap known = map.get();
        return stillHeld(member, known) || !releases.released(member, known);
    }

    private boolean stillHeld(String member, PartitionMap known) {
        return stillConfigured(member) || stillPlaced(known, member);
    }

    /**
     * Whether {@code member} is still in some partition's configuration, or a change is in flight, as seen here. A
     * replica the map moved away from this node does not count: its configuration need not be the partition's
     * ({@link NodeReplicas#stranded}); the map's placement says who the partition still holds ({@link #stillPlaced}),
     * and the partition's own leader takes the leaving member out.
     */
    private boolean stillConfigured(String member) {
        for (RaftPartition partition : partitions.get()) {
            if (stranded.test(partition)) {
                continue;
            }
            ReplicaView view = partition.view();
            if (view.configuration() == null || view.configuration().contains(member)
                    || view.configurationChangesInFlight() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes this node's next step in a partition it leads. A leaving node hands a placed partition over before
     * anything else, whatever its own map says of it: partition 0 may take the node out before it applies the map
     * change that moves its replica away, its map then stays stale for good, and only another member's leader can
     * make that move (sim seed 5052). Its target is not thinned for it (that would let the partition fall below its
     * placed voters: sim seed 3498); unplaced partitions and partition 0 leave it out of their target already.
     */
    private void step(RaftPartition partition, Configuration configuration, Set<String> voters,
                      Set<String> learners, PartitionDescriptor descriptor, boolean leaving) {
        boolean placed = descriptor != null && !descriptor.replicas().isEmpty();
        ConfigurationAlignment.Step planted = !placed ? null
                : removalFirst ? removalFirst(configuration, voters, learners)
                : addFirst ? addFirst(configuration, voters, learners) : null;
        ConfigurationAlignment.Step handOver = placed && leaving && !leaderStaysWhileLeaving
                && configuration.isVoter(self) ? new ConfigurationAlignment.Step(null, true) : null;
        ConfigurationAlignment.Step step = planted != null ? planted : handOver != null ? handOver
                : ConfigurationAlignment.next(configuration, voters, learners, self);
        if (step == null) {
            transferToPreferred(partition, configuration, voters, descriptor);
            return;
        }
        if (removedFromSystemTooSoon(partition, step) || !busy.add(partition.id())) {
            return;
        }
        CompletableFuture<?> done;
        if (step.transferAway()) {
            // Another voter each attempt: the first one may lag too far to take over (it cannot catch up while
            // asked to, again and again).
            List<String> targets = configuration.voters().stream()
                    .filter(v -> !v.equals(self) && voters.contains(v)).toList();
            int attempt = transfers.merge(partition.id(), 1, Integer::sum);
            String target = targets.isEmpty() ? null : targets.get(Math.floorMod(attempt, targets.size()));
            done = target == null ? CompletableFuture.completedFuture(RaftOperationStatus.TooFewVoters)
                    : partition.transferLeadership(target);
        } else {
            done = partition.changeConfiguration(step.change()).whenComplete((result, error) ->
                    noteOutcome(partition.id(), step.change(), result == null ? null : result.status()));
        }
        done.whenComplete((result, error) -> busy.remove(partition.id()));
    }

    /** The planted bug's step: another member the target no longer has, taken out first; null if none. */
    private ConfigurationAlignment.Step removalFirst(Configuration configuration, Set<String> voters,
                                                     Set<String> learners) {
        return configuration.othersThan(self).stream()
                .filter(member -> !voters.contains(member) && !learners.contains(member)).findFirst()
                .map(member -> new ConfigurationAlignment.Step(
                        new ConfigurationChange(ConfigurationChange.Kind.REMOVE, member), false))
                .orElse(null);
    }

    /**
     * The other planted bug's step: the missing member added at once, as before the alignment made room first, so a
     * second move of a partition (or a co-location) brings R + 2 members or more; null if none is missing.
     */
    private static ConfigurationAlignment.Step addFirst(Configuration configuration, Set<String> voters,
                                                        Set<String> learners) {
        String missing = ConfigurationAlignment.missing(configuration, voters, learners);
        return missing == null ? null : new ConfigurationAlignment.Step(
                new ConfigurationChange(ConfigurationChange.Kind.ADD_LEARNER, missing), false);
    }

    /**
     * A partition whose configuration is where the map wants it, led by another member than its preferred leader:
     * hands leadership to that one (a voter caught up enough; if not, the transfer fails and the next pass tries
     * again), if {@link PreferredLeaderHandOvers} admits it (the preferred leader is up and holds every committed
     * entry, few hand-overs are under way).
     */
    private void transferToPreferred(RaftPartition partition, Configuration configuration, Set<String> voters,
                                     PartitionDescriptor descriptor) {
        if (descriptor == null || descriptor.leaderPreference().isEmpty()
                || descriptor.state() != PartitionState.ACTIVE) {
            return;
        }
        String preferred = descriptor.leaderPreference().get(0);
        if (preferred.equals(self) || !configuration.isVoter(preferred) || !voters.contains(preferred)
                || !busy.add(partition.id())) {
            return;
        }
        if (!handOvers.begin(preferred)) {
            busy.remove(partition.id());
            return;
        }
        partition.status().thenCompose(status -> PreferredLeaderHandOvers.caughtUp(status, preferred)
                        ? partition.transferLeadership(preferred) : CompletableFuture.completedFuture(null))
                .whenComplete((result, error) -> {
                    handOvers.end();
                    busy.remove(partition.id());
                });
    }

    /** Tracks how long a partition has refused to take a member out, and reports a refusal that lasts. */
    private void noteOutcome(int partition, ConfigurationChange change, RaftOperationStatus status) {
        if (change.kind() != ConfigurationChange.Kind.REMOVE || status != RaftOperationStatus.TooFewVoters) {
            refusals.remove(partition);
            return;
        }
        long now = clock.getAsLong();
        Refusal refusal = refusals.compute(partition, (p, previous) ->
                previous != null && previous.member().equals(change.member()) && now - previous.last() <= refusalGap
                        ? new Refusal(change.member(), previous.since(), now) : new Refusal(change.member(), now, now));
        if (now - refusal.since() >= refusalBound) {
            reportRefusal.accept(change.member());
        }
    }

    /**
     * Partition 0 takes a member out last: until then the member learns the roster through partition 0's log, and
     * so that it is leaving, which it must know to hand over the partitions it leads (no one else can take it out of
     * those). Taken out of partition 0 first, a member that missed the commit of its leave never learns it.
     */
    private boolean removedFromSystemTooSoon(RaftPartition partition, ConfigurationAlignment.Step step) {
        if (partition.id() != RaftSystemCoordinator.SYSTEM_PARTITION || step.change() == null
                || step.change().kind() != ConfigurationChange.Kind.REMOVE) {
            return false;
        }
        return heldBesidesSystem(step.change().member(), map.get());
    }

    /**
     * Whether a partition other than 0 may still hold {@code member}: a replica here shows it, the map places a live
     * partition on it, or a partition this node cannot watch has not said it let the member go (simulator seed 67632:
     * partition 0's leader hosted no replica of a partition whose leader was the leaving member, took the member out
     * of partition 0 first, and the member, down meanwhile, came back to lead that partition without ever learning
     * that it was leaving).
     */
    private boolean heldBesidesSystem(String member, PartitionMap known) {
        if (heldHereOrPlaced(member, known)) {
            return true;
        }
        // Only a leaving member's releases are asked for (finishLeaves); any other removal is not waited on.
        Roster current = roster.get();
        return !systemRemovalIgnoresOthers && current != null && leaving(current, member)
                && !releases.released(member, known);
    }

    /** Whether a replica here, of a partition other than 0, shows {@code member}, or the map places one on it. */
    private boolean heldHereOrPlaced(String member, PartitionMap known) {
        for (RaftPartition other : partitions.get()) {
            Configuration configuration = other.view().configuration();
            if (other.id() != RaftSystemCoordinator.SYSTEM_PARTITION && configuration != null
                    && !stranded.test(other) && configuration.contains(member)) {
                return true;
            }
        }
        return !systemRemovalIgnoresOthers && stillPlaced(known, member);
    }

    /**
     * On partition 0's leader: removes from the roster each leaving member no partition holds any more, as its own
     * replicas see them and as the partitions it cannot watch answer ({@link LeaveReleases}).
     */
    private void finishLeaves(Roster current, PartitionMap known) {
        releases.forgetUnless(endpoint -> leaving(current, endpoint));
        if (!leadsSystemPartition()) {
            return;
        }
        for (Member member : current.members().values()) {
            if (member.role() != Member.Role.LEAVING) {
                continue;
            }
            // The partitions this node cannot watch are asked, and must answer, before partition 0 takes the member
            // out, which it does last (removedFromSystemTooSoon); the roster removes it once partition 0 has too. The
            // planted bug asks only once partition 0 let the member go, as before.
            boolean held = systemRemovalIgnoresOthers ? stillHeld(member.endpoint(), known)
                    : heldHereOrPlaced(member.endpoint(), known);
            if (held) {
                continue;
            }
            if (!releases.released(member.endpoint(), known)) {
                releases.ask(member.endpoint(), known, current);
            } else if (!stillHeld(member.endpoint(), known)
                    && removing.putIfAbsent(member.endpoint(), Boolean.TRUE) == null) {
                service.submit(RosterCommand.of(RosterCommand.Kind.REMOVE, member.endpoint(), 0, 0))
                        .whenComplete((answer, error) -> removing.remove(member.endpoint()));
            }
        }
    }

    private boolean leadsSystemPartition() {
        for (RaftPartition partition : partitions.get()) {
            if (partition.id() == RaftSystemCoordinator.SYSTEM_PARTITION) {
                return partition.view().leader();
            }
        }
        return false;
    }

    private static boolean leaving(Roster roster, String endpoint) {
        Member member = roster.members().get(endpoint);
        return member != null && member.role() == Member.Role.LEAVING;
    }

    /**
     * Whether the map still places a live partition on {@code member}: its replicas move elsewhere (and the
     * partitions this node does not host take it out) before the roster removes it.
     */
    private static boolean stillPlaced(PartitionMap known, String member) {
        return known != null && known.partitions().stream().anyMatch(p -> p.state() != PartitionState.REMOVED
                && p.replicas().contains(member));
    }
}
