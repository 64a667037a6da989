package io.kommander.internal.node;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionState;
import io.kommander.internal.partition.Configuration;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.ReplicaView;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.MembershipQuery;
import io.kommander.transport.RaftMessage.ReplicaRemoved;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How a replica taken out of its partition while it was cut off learns it. Its leader took it out with a
 * configuration entry it never received (or whose commit it never heard of), and no longer sends to it; its
 * pre-votes are refused. So each stranded
 * replica ({@link NodeReplicas#stranded}) asks the partition's members, the map's replicas and those of the
 * configuration it holds, with a {@link MembershipQuery}, at most once per {@code intervalMillis}. A member whose
 * committed configuration (no change in flight after it) does not hold the asker answers with a
 * {@link ReplicaRemoved} naming that configuration's index; the asker keeps the highest ({@link
 * NodeReplicas#toldRemoved}) and its node closes the replica and deletes its data at the next pass if the
 * configuration it holds then is no newer ({@link NodeReplicas#takenOut}).
 *
 * <p>A node the roster removed asks too (every user replica it holds is stranded), and members answer it although it
 * is no member: the answer states a fact about their committed configuration, and the query changes nothing.
 *
 * <p>A member whose map removed the partition (itself, or merged into a neighbour) answers with {@link #GONE}: it has
 * no replica left to show a configuration, and the partition's data is needed nowhere.
 *
 * <p>Any member may answer, the leader or a follower: a commit index is never beyond what a quorum committed, so
 * whichever replica shows a configuration committed shows one the partition committed. Only a configuration an entry holds counts
 * (index 1 or more): a fresh log's first configuration is each node's own guess, not committed data.
 *
 * <p>Thread-safe: reads only the partitions' lock-free views and the applied map.
 */
final class ReplicaRemovals {

    /**
     * The configuration index a {@link ReplicaRemoved} names for a partition the map removed: above any index, so the
     * asker deletes its replica whatever configuration it holds.
     */
    static final long GONE = Long.MAX_VALUE;

    private final String self;
    private final Supplier<PartitionMap> map;
    private final Map<Integer, RaftPartition> byId;
    private final NodeReplicas replicas;
    private final BiConsumer<String, RaftMessage> send;
    private final LongSupplier clock;
    private final long intervalMillis;
    /** Per stranded replica: when this node last asked about it. */
    private final Map<Integer, Long> lastAsked = new ConcurrentHashMap<>();
    /** A planted bug (a negative control): answer every query, whatever the committed configuration holds. */
    private volatile boolean answerAll;
    /** A planted bug (a negative control): stranded replicas never ask. */
    private volatile boolean neverAsk;
    /** A planted bug (a negative control): a query about a partition the map removed goes unanswered. */
    private volatile boolean removedUnanswered;

    /**
     * @param byId           the node's open partitions by id
     * @param send           sends a message to a peer
     * @param clock          the node's monotonic clock, in milliseconds
     * @param intervalMillis the least time between two queries about one replica
     */
    ReplicaRemovals(String self, Supplier<PartitionMap> map, Map<Integer, RaftPartition> byId,
                    NodeReplicas replicas, BiConsumer<String, RaftMessage> send, LongSupplier clock,
                    long intervalMillis) {
        this.self = self;
        this.map = map;
        this.byId = byId;
        this.replicas = replicas;
        this.send = send;
        this.clock = clock;
        this.intervalMillis = intervalMillis;
    }

    /** At every reconciler pass: asks about each stranded replica not asked about within the interval. */
    void ask() {
        if (neverAsk) {
            return;
        }
        long now = clock.getAsLong();
        lastAsked.keySet().removeIf(id -> !byId.containsKey(id));
        for (RaftPartition partition : byId.values()) {
            ReplicaView view = partition.view();
            if (view.configuration() == null || !replicas.stranded(partition)) {
                continue;
            }
            Long last = lastAsked.get(partition.id());
            if (last != null && now - last < intervalMillis) {
                continue;
            }
            lastAsked.put(partition.id(), now);
            MembershipQuery query = new MembershipQuery(partition.id(), view.term(), view.configurationIndex());
            members(partition.id(), view.configuration()).forEach(member -> send.accept(member, query));
        }
    }

    /** Whom a stranded replica asks: the map's replicas and the members of the configuration it holds. */
    private Set<String> members(int partition, Configuration configuration) {
        Set<String> members = new TreeSet<>(configuration.othersThan(self));
        PartitionMap known = map.get();
        if (known != null) {
            known.partition(partition).map(PartitionDescriptor::replicas).ifPresent(members::addAll);
        }
        members.remove(self);
        return members;
    }

    /**
     * A query about a replica of a user partition: answered if the replica open here shows a committed configuration
     * that excludes the asker, or, with {@link #GONE}, if this node's map removed the partition.
     */
    void onQuery(String from, MembershipQuery query) {
        // Partition 0 is never stranded: it stays on every voter of the roster.
        if (query.partition() == RaftSystemCoordinator.SYSTEM_PARTITION) {
            return;
        }
        RaftPartition partition = byId.get(query.partition());
        if (partition == null && !removedUnanswered && removedByMap(query.partition())) {
            // Every node closed it and deleted its data when it applied the removal, so no replica is left to answer;
            // a node the roster removed applies no map any more, and without this answer would keep its replica and
            // data for ever (the simulator's nodes mix, seed 1986). The partition is gone: its data is needed nowhere.
            send.accept(from, new ReplicaRemoved(query.partition(), query.term(), GONE));
            return;
        }
        ReplicaView view = partition == null ? null : partition.view();
        if (view == null || view.configuration() == null) {
            return;
        }
        boolean committedWithout = view.configurationChangesInFlight() == 0 && view.configurationIndex() > 0
                && view.configurationIndex() >= query.configurationIndex() && !view.configuration().contains(from);
        if (committedWithout || answerAll) {
            send.accept(from, new ReplicaRemoved(query.partition(), view.term(),
                    Math.max(view.configurationIndex(), query.configurationIndex())));
        }
    }

    /** Whether this node's applied map shows partition {@code id} {@code REMOVED} (removed, or merged away). */
    private boolean removedByMap(int id) {
        PartitionMap known = map.get();
        return known != null && known.partition(id).map(d -> d.state() == PartitionState.REMOVED).orElse(false);
    }

    /** A member says its committed configuration no longer holds this node's replica (or the map removed it). */
    void onRemoved(ReplicaRemoved notice) {
        RaftPartition partition = byId.get(notice.partition());
        if (partition != null && replicas.stranded(partition)) {
            replicas.toldRemoved(notice.partition(), notice.configurationIndex());
        }
    }

    /** Plants "stranded replicas never ask" (a liveness control of the simulator's stranded-replica check). */
    void plantNeverAsk() {
        neverAsk = true;
    }

    /** Plants "a query about a removed partition goes unanswered" (a liveness control of the same check). */
    void plantRemovedPartitionsUnanswered() {
        removedUnanswered = true;
    }

    /** Plants "every query answered, every notice believed" (a negative control of the simulator's deletion check). */
    void plantAnswerAll() {
        answerAll = true;
        replicas.plantAnyNotice();
    }
}
