package io.kommander.internal.node;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.internal.system.Roster;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.MemberReleased;
import io.kommander.transport.RaftMessage.ReleaseQuery;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Which partitions partition 0's leader does not lead have let a leaving member go. The roster removes a leaving
 * member only once no partition's configuration holds it; partition 0's leader sees the configurations of the
 * partitions it leads, but not those of partitions placed elsewhere, and the map is no proof for them: a move takes
 * the member out of a partition's placement at once, while its leader keeps it a voter until the newcomer caught up
 * and was promoted (sim seed 810: a member removed that way, and then a second one, left a partition with one voter
 * of three that could vote, and it never had a leader again). So partition 0's leader asks ({@link ReleaseQuery}) the
 * placed replicas of each such partition, and the leaving member, until the partition's leader answers that its
 * configuration, with no change in flight, does not hold the member ({@link MemberReleased}); a leaving member is
 * never added back, so an answer holds until the leave ends.
 *
 * <p>Only a leader's word counts, here and on partition 0's leader's own replicas: a leader's log holds every
 * configuration the partition committed, while a follower's, or a learner's, may end before the entry that added the
 * member, so a configuration without the member proves nothing there (sim seeds 7656 and 10974: partition 0's leader
 * hosted a learner of a moving partition, whose configuration predated the leaving member, and removed it while the
 * partition still counted it a voter). A leader's first configuration, which no entry holds (index 0: the partition
 * never changed its configuration), counts too once it committed an entry: it is the one a majority elected it in
 * (without it, a partition created, or split off, on members that stayed had no replica that could answer, and the
 * leave never ended: sim seeds 2196, 6354 and 7068). A leader cut off from its partition, not yet stepped down, could
 * answer from a configuration a newer leader has replaced since; that window lasts at most a check-quorum period.
 * Thread-safe: reads only the partitions' lock-free views.
 */
final class LeaveReleases {

    private final String self;
    private final Map<Integer, RaftPartition> partitions;
    /** Whether a replica is one the map moved away from this node ({@link NodeReplicas#stranded}). */
    private final Predicate<RaftPartition> stranded;
    private final BiConsumer<String, RaftMessage> send;
    /** Per leaving member, the partitions known to have let it go. */
    private final Map<String, Set<Integer>> released = new ConcurrentHashMap<>();
    /** The negative control {@code LEAVE_TRUSTS_THE_MAP} (tests only): every partition counts as released. */
    private volatile boolean trustsTheMap;
    /** The negative control {@code FOLLOWERS_RELEASE} (tests only): a follower's configuration counts too. */
    private volatile boolean followersAnswer;
    /** The negative control {@code FIRST_CONFIGURATION_NEVER_RELEASES} (tests only): a leader's index 0 never answers. */
    private volatile boolean firstConfigurationsIgnored;

    LeaveReleases(String self, Map<Integer, RaftPartition> partitions, Predicate<RaftPartition> stranded,
                  BiConsumer<String, RaftMessage> send) {
        this.self = self;
        this.partitions = partitions;
        this.stranded = stranded;
        this.send = send;
    }

    /** Whether every live partition of {@code known} that this node cannot watch has let {@code member} go. */
    boolean released(String member, PartitionMap known) {
        if (trustsTheMap) {
            return true;
        }
        return known != null && unanswered(member, known).findAny().isEmpty();
    }

    /** Asks about every partition that has not said it let {@code member} go (the reconciler's pass paces it). */
    void ask(String member, PartitionMap known, Roster roster) {
        if (known == null || trustsTheMap) {
            return;
        }
        unanswered(member, known).forEach(partition -> {
            for (String to : askable(partition, member, roster)) {
                send.accept(to, new ReleaseQuery(partition.id(), 0, member));
            }
        });
    }

    private Stream<PartitionDescriptor> unanswered(String member, PartitionMap known) {
        Set<Integer> answered = released.computeIfAbsent(member, m -> ConcurrentHashMap.newKeySet());
        return known.partitions().stream().filter(p -> p.state() != PartitionState.REMOVED
                && !answered.contains(p.id()) && !watched(p));
    }

    /** Whether {@code member} is not leaving any more: what was learnt of it is dropped. */
    void forgetUnless(Predicate<String> leaving) {
        released.keySet().removeIf(member -> !leaving.test(member));
    }

    /** On any member: answers a query if this node's replica shows a committed configuration without the member. */
    void onQuery(String from, ReleaseQuery query) {
        RaftPartition replica = partitions.get(query.partition());
        ReplicaView view = replica == null ? null : replica.view();
        if (view != null && view.configuration() != null && (view.leader() || followersAnswer) && committed(view)
                && view.configurationChangesInFlight() == 0 && !view.configuration().contains(query.member())) {
            send.accept(from, new MemberReleased(query.partition(), 0, query.member()));
        }
    }

    /** Whether the replica's configuration is one its partition committed, if it leads it (see the class comment). */
    private boolean committed(ReplicaView view) {
        if (firstConfigurationsIgnored) {
            return view.configurationIndex() >= 1;
        }
        return view.configurationIndex() >= 1 || (view.leader() && view.commitIndex() >= 1);
    }

    /** On partition 0's leader: a partition let a leaving member go. */
    void onReleased(MemberReleased answer) {
        Set<Integer> answered = released.get(answer.member());
        if (answered != null) {
            answered.add(answer.partition());
        }
    }

    /** Plants "a partition this node cannot watch counts as released" (a negative control). */
    void plantTrustsTheMap() {
        trustsTheMap = true;
    }

    /** Plants "a first configuration no entry holds never answers", as before seed 2196 (a negative control). */
    void plantFirstConfigurationsIgnored() {
        firstConfigurationsIgnored = true;
    }

    /**
     * Whether this node sees the partition's configuration itself: it leads it (the node's other replicas, which the map
     * has not moved away, still count as holding the member while they show it, see {@code MembershipReconciler}).
     */
    private boolean watched(PartitionDescriptor partition) {
        if (partition.id() == RaftSystemCoordinator.SYSTEM_PARTITION) {
            return true;
        }
        RaftPartition replica = partitions.get(partition.id());
        return replica != null && !stranded.test(replica) && (followersAnswer || replica.view().leader());
    }

    /** Plants "any replica's configuration proves a release, a follower's or a learner's too", as before (tests). */
    void plantFollowersAnswer() {
        followersAnswer = true;
    }

    /** Who may hold the partition: its placed replicas (every member when unplaced) and the leaving member. */
    private Set<String> askable(PartitionDescriptor partition, String member, Roster roster) {
        Set<String> to = new LinkedHashSet<>(partition.replicas().isEmpty() ? roster.members().keySet()
                : partition.replicas());
        to.add(member);
        to.remove(self);
        return to;
    }
}
