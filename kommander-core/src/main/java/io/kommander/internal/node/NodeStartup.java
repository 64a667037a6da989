package io.kommander.internal.node;

import io.kommander.RaftConfiguration;
import io.kommander.internal.partition.PartitionCallbacks;
import io.kommander.internal.partition.PartitionContext;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.internal.partition.RaftTimerService;
import io.kommander.internal.system.RaftSystemCoordinator;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.InboundHandler;
import io.kommander.transport.NodeIdentity;
import io.kommander.transport.RefusalHandler;
import io.kommander.transport.TransportBinding;
import io.kommander.wal.IWAL;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * Brings a node up, once: loads its incarnation from the WAL, binds the transport under the right identity,
 * creates and starts the system partition (and the user partitions once their ranges are known), starts the
 * timers and greets the members, and records the cluster's first start when the node decides it is one.
 *
 * <p>Thread-safe: {@link #prepare} and {@link #launch} run under the node's lifecycle lock, partitions are created
 * on partition 0's executor.
 */
final class NodeStartup {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeStartup.class);

    /** The node's parts a start-up wires together. */
    record Parts(RaftConfiguration configuration, IWAL wal, IRaftTransport transport, IRaftRuntime runtime,
                 Set<String> members, NodeCatchUp catchUp, NodeMembership membership,
                 RaftSystemCoordinator coordinator, PartitionContext context, RaftTimerService timers,
                 Map<Integer, RaftPartition> partitions, PartitionCallbacks callbacks, NodeReplicas replicas) {
    }

    private final Parts parts;
    private final String self;
    private final InboundHandler onBatch;
    private final RefusalHandler onRefused;
    private final BooleanSupplier closed;
    private final IntSupplier partitionCount;
    /** Told of each replica closed for deletion, so that what the node remembers of it goes too. */
    private final IntConsumer replicaClosed;
    private volatile Consumer<RaftPartition> beforeStart = partition -> { };
    /** Partitions whose data deletion is queued: not opened again until it is done (the next pass opens them). */
    private final Set<Integer> deleting = java.util.concurrent.ConcurrentHashMap.newKeySet();

    NodeStartup(Parts parts, InboundHandler onBatch, RefusalHandler onRefused,
                BooleanSupplier closed, IntSupplier partitionCount, IntConsumer replicaClosed) {
        this.parts = parts;
        this.self = parts.configuration().endpoint();
        this.onBatch = onBatch;
        this.onRefused = onRefused;
        this.closed = closed;
        this.partitionCount = partitionCount;
        this.replicaClosed = replicaClosed;
    }

    /**
     * Loads the incarnation, binds the transport and creates the system partition, wiring {@code joined} to
     * complete once every partition restored and the node is a member.
     *
     * @return the system partition, for {@link #launch}; null if the incarnation could not be loaded (then
     *         {@code joined} has failed)
     */
    RaftPartition prepare(CompletableFuture<Void> joined) {
        RaftConfiguration configuration = parts.configuration();
        IRaftRuntime runtime = parts.runtime();
        NodeCatchUp catchUp = parts.catchUp();
        RaftSystemCoordinator coordinator = parts.coordinator();
        try {
            // Before anything is sent: peers must never see this lifetime without its incarnation.
            catchUp.load(parts.wal(), runtime.random(runtime.wallClockMillis() ^ ((long) configuration.nodeId() << 40)));
        } catch (RuntimeException e) {
            joined.completeExceptionally(e);
            return null;
        }
        // Members come from the roster once the node has one (its WAL holds the system partition) or joins one;
        // two nodes that both bootstrap still compare their configured lists.
        boolean fromRoster = parts.membership().prepare(parts.wal());
        NodeIdentity identity = fromRoster
                ? NodeIdentity.inRoster(configuration.clusterId(), configuration.nodeId(), self,
                        configuration.initialPartitions())
                : NodeIdentity.of(configuration.clusterId(), configuration.nodeId(), self, parts.members(),
                        configuration.initialPartitions());
        parts.transport().start(new TransportBinding(() -> catchUp.identity(identity), onBatch, onRefused,
                catchUp, parts.context().metrics().transport()));
        RaftPartition system = new RaftPartition(RaftSystemCoordinator.SYSTEM_PARTITION, parts.context(),
                coordinator);
        coordinator.attach(system::replicate);
        CompletableFuture<Void> ready = coordinator.rangesKnown().thenCompose(ranges -> CompletableFuture.allOf(
                userPartitions().stream().map(this::restoredUnlessRemoved).toArray(CompletableFuture[]::new)));
        ready = ready.thenCombine(parts.membership().start(partitionCount),
                (restored, voter) -> null);
        ready.whenComplete((done, error) -> {
                    if (error != null) {
                        joined.completeExceptionally(error);
                    } else {
                        joined.complete(null);
                    }
                });
        // A system partition that cannot restore (or stops) would otherwise leave the join waiting forever.
        system.restoredFuture().whenComplete((restored, error) -> {
            if (error != null) {
                joined.completeExceptionally(error);
            }
        });
        return system;
    }

    /** Starts the system partition from {@link #prepare}, the timers, and the greeting of unheard members. */
    void launch(RaftPartition system) {
        startPartition(system);
        parts.timers().start();
        parts.catchUp().greetUnheardMembers(parts.transport(), parts.runtime(),
                parts.configuration().heartbeatIntervalMillis(), closed);
    }

    /**
     * Opens a user partition if this node hosts it ({@link NodeReplicas}) and it is neither open nor being deleted.
     * Runs on partition 0's executor, where the coordinator applies the map, or on the reconciler's pass; serialized
     * with {@link #removePartition}, so check-then-start cannot race.
     */
    synchronized void openPartition(int id) {
        if (!closed.getAsBoolean() && !parts.partitions().containsKey(id) && !deleting.contains(id)
                && parts.replicas().hosts(id) && live(id)) {
            startPartition(new RaftPartition(id, parts.context(), parts.callbacks(), parts.replicas().joins(id),
                    parts.replicas().firstVoters(id)));
        }
    }

    /**
     * At every reconciler pass: closes (and deletes) the replicas the map moved away once a committed configuration
     * no longer holds this node ({@link NodeReplicas#takenOut}), and opens the partitions placed here that are not
     * open.
     */
    void followPlacement() {
        parts.replicas().takenOut().forEach(this::removeTakenOut);
        parts.replicas().missing().forEach(this::openPartition);
    }

    private synchronized void removeTakenOut(int id) {
        if (parts.replicas().takenOut().contains(id)) {
            LOG.info("[{}] partition {}: the map moved it elsewhere and a committed configuration no longer holds "
                    + "this node; closing it and deleting its data", self, id);
            removePartition(id);
        }
    }

    private boolean live(int id) {
        io.kommander.PartitionMap map = parts.coordinator().map();
        return map == null || map.partition(id).map(p -> p.state() != io.kommander.PartitionState.REMOVED)
                .orElse(true);
    }

    /**
     * Runs on partition 0's executor when a removal is applied: closes the partition if open, then deletes its data
     * from the WAL (queued behind its last writes). Both are idempotent, and the coordinator calls this again for
     * every removed partition when partition 0's restore ends, so a node that stopped before the deletion was durable
     * deletes it then: every crash point converges.
     */
    synchronized void removePartition(int id) {
        RaftPartition partition = parts.partitions().remove(id);
        CompletableFuture<Void> down = partition == null ? CompletableFuture.completedFuture(null)
                : partition.closeAsync();
        deleting.add(id);
        down.whenComplete((closedDown, error) -> {
            replicaClosed.accept(id);
            deleteData(id);
        });
    }

    private void deleteData(int id) {
        parts.context().writes().removePartition(id, error -> {
            deleting.remove(id);
            if (error != null) {
                LOG.warn("[{}] partition {}: deleting its data failed; the node deletes it at its next start", self,
                        id, error);
            }
        });
    }

    /**
     * The cluster's first start: every replica may vote at once, and the node's catch-up mark is cleared (a failed
     * write leaves it set, so the node decides again at its next start: the safe side).
     */
    void firstStart() {
        allPartitions().forEach(RaftPartition::verify);
        parts.context().writes().storeMetadata(RaftSystemCoordinator.SYSTEM_PARTITION,
                Map.of(NodeCatchUp.CATCH_UP_KEY, NodeCatchUp.FIRST_START_DECIDED), error -> { });
    }

    /** Sets what runs on each partition just before it starts (tests plant bugs there). */
    void beforePartitionStarts(Consumer<RaftPartition> hook) {
        beforeStart = hook;
    }

    private Collection<RaftPartition> allPartitions() {
        return parts.partitions().values();
    }

    private List<RaftPartition> userPartitions() {
        return parts.partitions().values().stream()
                .filter(p -> p.id() != RaftSystemCoordinator.SYSTEM_PARTITION).toList();
    }

    /**
     * A partition's restore, as the join waits for it: one that closes because the map removed it meanwhile (a
     * joining node applies a removal written after the partition's creation) is no longer waited for.
     */
    private CompletableFuture<Void> restoredUnlessRemoved(RaftPartition partition) {
        return partition.restoredFuture().handle((done, error) -> error == null
                || parts.partitions().get(partition.id()) != partition ? CompletableFuture.<Void>completedFuture(null)
                : CompletableFuture.<Void>failedFuture(error)).thenCompose(f -> f);
    }

    private void startPartition(RaftPartition partition) {
        beforeStart.accept(partition);
        parts.partitions().put(partition.key(), partition);
        partition.start();
    }
}
