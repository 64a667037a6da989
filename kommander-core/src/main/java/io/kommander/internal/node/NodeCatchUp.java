package io.kommander.internal.node;

import io.kommander.internal.partition.ReplicaCatchUp;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.IRaftTransport;
import io.kommander.transport.MessageBatch;
import io.kommander.transport.NodeIdentity;
import io.kommander.transport.PeerIdentityHandler;
import io.kommander.wal.IWAL;
import io.kommander.wal.WalBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntToLongFunction;
import java.util.random.RandomGenerator;

/**
 * A node's incarnation and its recovery from lost data. At the first start of a WAL without an incarnation the node
 * stores a random non-zero one (under {@link #INCARNATION_KEY}) before it sends anything; if that WAL was empty, the
 * node is <em>fresh</em>: it may have lost its data, so it also stores the catch-up mark ({@link #CATCH_UP_KEY}) and
 * every replica starts unverified (see {@code ReplicaVerification}) until the {@link FirstStartDecision} says this
 * is the cluster's first start. A replica that caught up marks itself in the WAL, so a crash during the catch-up
 * does not make the other replicas verified.
 *
 * <p>It also answers, for the node's identity, whether the node holds log entries now.
 *
 * <p>Thread-safe.
 */
final class NodeCatchUp implements ReplicaCatchUp, PeerIdentityHandler {

    /** The WAL metadata key of the node's incarnation: 8 bytes, big-endian. */
    static final String INCARNATION_KEY = "node/incarnation";
    /** The WAL metadata key of the catch-up mark: one byte, 1 while the node has not decided its first start. */
    static final String CATCH_UP_KEY = "node/catch-up";
    /** The catch-up mark's value once the node decided this is the cluster's first start. */
    static final byte[] FIRST_START_DECIDED = {0};

    private static final Logger LOG = LoggerFactory.getLogger(NodeCatchUp.class);

    private final String self;
    private final FirstStartDecision decision;
    /** Verifies every replica of the node and stores {@link #FIRST_START_DECIDED} (first start decided). */
    private final Runnable firstStart;
    /** Per partition: this node's incarnation among its first voters, if it was created online; else 0. */
    private final IntToLongFunction firstVoterIncarnation;
    private volatile long incarnation;
    private volatile boolean unverified;
    private volatile boolean holdsEntries;

    /**
     * @param self       this node's endpoint
     * @param members    the initial members, this node included
     * @param firstStart run once if the node decides this is the cluster's first start
     * @param firstVoterIncarnation per partition, the incarnation partition 0's log records for this node among the
     *                   first voters of a partition created online; 0 if none
     */
    NodeCatchUp(String self, Set<String> members, Runnable firstStart, IntToLongFunction firstVoterIncarnation) {
        this.self = self;
        this.decision = new FirstStartDecision(members);
        this.firstStart = firstStart;
        this.firstVoterIncarnation = firstVoterIncarnation;
    }

    /**
     * Reads the incarnation and the catch-up mark, storing them first if the WAL has no incarnation. Blocking (one
     * synced write at a WAL's first start); called once, before the node sends anything.
     *
     * @throws io.kommander.wal.WalException if the WAL fails
     */
    void load(IWAL wal, RandomGenerator random) {
        Set<Integer> partitions = wal.partitions();
        holdsEntries = partitions.stream().anyMatch(p -> wal.lastPosition(p).index() > 0);
        Optional<byte[]> stored = wal.metadata(INCARNATION_KEY);
        if (stored.isPresent()) {
            incarnation = ByteBuffer.wrap(stored.get()).getLong();
            unverified = wal.metadata(CATCH_UP_KEY).map(mark -> mark.length == 1 && mark[0] == 1).orElse(false);
        } else {
            long id = 0;
            while (id == 0) {
                id = random.nextLong();
            }
            // A WAL that holds anything was written by this node before incarnations existed: it lost nothing.
            boolean fresh = partitions.isEmpty();
            byte[] encoded = ByteBuffer.allocate(Long.BYTES).putLong(id).array();
            wal.write(new WalBatch(List.of(), fresh ? Map.of(INCARNATION_KEY, encoded, CATCH_UP_KEY, new byte[] {1})
                    : Map.of(INCARNATION_KEY, encoded)));
            incarnation = id;
            unverified = fresh;
        }
        if (unverified) {
            LOG.info("[{}] started without data (incarnation {}): its replicas vote only once caught up, or once a"
                    + " majority of the members reports a first start", self, Long.toHexString(incarnation));
            decide(decision.report(self, holdsEntries));
        }
    }

    /** The node's incarnation; 0 before {@link #load}. */
    long incarnation() {
        return incarnation;
    }

    /** Whether the node still waits to hear whether this is the cluster's first start. */
    private boolean deciding() {
        return unverified && decision.outcome() == FirstStartDecision.Outcome.PENDING;
    }

    /**
     * While the node decides whether this is the cluster's first start, reaches every initial member it has not heard
     * from (an empty batch: the handshake carries what the node needs to know), once every {@code intervalMillis},
     * until it has decided or {@code stopped} says so.
     */
    void greetUnheardMembers(IRaftTransport transport, IRaftRuntime runtime, long intervalMillis,
                             BooleanSupplier stopped) {
        if (stopped.getAsBoolean() || !deciding()) {
            return;
        }
        for (String member : decision.unheard()) {
            if (!member.equals(self)) {
                transport.send(member, new MessageBatch(self, List.of()));
            }
        }
        runtime.schedule(intervalMillis, () -> greetUnheardMembers(transport, runtime, intervalMillis, stopped));
    }

    /** {@code base} with this node's incarnation and whether it holds entries now. */
    NodeIdentity identity(NodeIdentity base) {
        return base.withState(incarnation, holdsEntries);
    }

    @Override
    public boolean replicasStartUnverified(int partition) {
        // A partition created online with this incarnation among its first voters has no earlier life on this node to
        // have lost (an earlier incarnation at this endpoint is another node to the roster): waiting to catch up from
        // a leader could wait for ever, if such replicas are half its first voters.
        return unverified && !(incarnation != 0 && firstVoterIncarnation.applyAsLong(partition) == incarnation);
    }

    @Override
    public void holdsEntries() {
        if (!holdsEntries) {
            // Read first: every drain of every partition calls this, and a volatile write is dearer than a read.
            holdsEntries = true;
        }
    }

    @Override
    public void onPeerIdentified(NodeIdentity peer) {
        if (unverified) {
            decide(decision.report(peer.endpoint(), peer.holdsEntries()));
        }
    }

    private void decide(FirstStartDecision.Outcome outcome) {
        if (outcome != FirstStartDecision.Outcome.FIRST_START) {
            return;
        }
        synchronized (this) {
            if (!unverified) {
                return;
            }
            unverified = false;
        }
        LOG.info("[{}] a majority of the members holds no data: this is the cluster's first start", self);
        firstStart.run();
    }
}
