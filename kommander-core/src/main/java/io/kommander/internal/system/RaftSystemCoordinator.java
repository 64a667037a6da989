package io.kommander.internal.system;

import io.kommander.RaftLog;
import io.kommander.RaftReplicationResult;
import io.kommander.internal.partition.PartitionCallbacks;
import io.kommander.wal.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kommander.RaftOperationStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The owner of the system partition (partition 0): it is that partition's {@link PartitionCallbacks}, so every
 * system entry, delivered or restored, reaches it and nothing else. It applies two kinds of entry, in commit order:
 * <ul>
 *   <li>the partition ranges: the first node to become partition 0's ready leader proposes them from
 *       {@code initialPartitions}, and every node creates its user partitions when it applies (or restores) that
 *       entry. The first ranges entry in the log wins; later ones are ignored;</li>
 *   <li>the {@link Roster}: the same ready leader proposes the first roster (the configured members, all voters)
 *       right after the ranges, or alone on a cluster an older version started; later {@link RosterCommand}s come
 *       through {@link RosterService}. Each is decided again when applied, so a command that became invalid
 *       meanwhile changes nothing, on every node alike.</li>
 * </ul>
 *
 * <p>Its callbacks run on partition 0's executor; the other methods may be called from any thread.
 */
public final class RaftSystemCoordinator implements PartitionCallbacks {

    /** The partition that carries system commands. */
    public static final int SYSTEM_PARTITION = 0;
    /** The type string of the ranges-initialization entry. */
    public static final String RANGES_TYPE = "kommander.system.ranges";

    private static final Logger LOG = LoggerFactory.getLogger(RaftSystemCoordinator.class);

    /** How many applied roster commands' outcomes are remembered for the leader's answers. */
    private static final int OUTCOMES_KEPT = 64;

    private final int initialPartitions;
    private final IntConsumer createPartitions;
    private final Supplier<RosterCommand> bootstrap;
    private final CompletableFuture<PartitionRanges> rangesKnown = new CompletableFuture<>();
    private final AtomicLong ignoredEntries = new AtomicLong();
    private volatile PartitionRanges ranges;
    private volatile Roster roster;
    private volatile boolean readyLeader;
    private volatile Consumer<Roster> rosterChanged = r -> { };
    /** Planted bug (tests only, through SystemSeams): roster changes are not taken one at a time. */
    private volatile boolean mergeChanges;
    /** Applied roster commands' outcomes by log index; guarded by itself. */
    private final Map<Long, RaftOperationStatus> outcomes = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, RaftOperationStatus> eldest) {
            return size() > OUTCOMES_KEPT;
        }
    };
    private SystemLog systemLog; // attached before partition 0 starts; its executor's queue publishes it

    /**
     * Where the coordinator writes: partition 0 on this node ({@code RaftPartition::replicate}). Partition 0 and
     * its coordinator refer to each other, so the node attaches one to the other after building both.
     */
    @FunctionalInterface
    public interface SystemLog {
        /** Proposes entries on partition 0; refused unless this node leads it. */
        CompletableFuture<RaftReplicationResult> replicate(EntryKind kind, String type, List<byte[]> payloads);
    }

    /**
     * A coordinator whose first roster is {@code bootstrap} (evaluated when proposed).
     *
     * @param initialPartitions user partitions to create when the cluster first starts
     * @param createPartitions  creates user partitions 1..n on this node
     * @param bootstrap         the first roster's command: the configured members, all voters
     */
    public RaftSystemCoordinator(int initialPartitions, IntConsumer createPartitions,
                                 Supplier<RosterCommand> bootstrap) {
        this.initialPartitions = initialPartitions;
        this.createPartitions = createPartitions;
        this.bootstrap = bootstrap;
    }

    /** Where each applied roster change goes (the node); called on partition 0's executor, in commit order. */
    public void onRosterChanged(Consumer<Roster> listener) {
        this.rosterChanged = listener;
    }

    /** The roster, or null until known. */
    public Roster roster() {
        return roster;
    }

    /** Whether this node is partition 0's leader and has applied everything committed before its term. */
    public boolean isReadyLeader() {
        return readyLeader;
    }

    /** The outcome of the roster command applied at {@code index}, if still remembered. */
    public RaftOperationStatus outcomeAt(long index) {
        synchronized (outcomes) {
            return outcomes.get(index);
        }
    }

    /** Plants the known-wrong rule "several membership changes at once" (a negative control; tests only). */
    void plantMergedChanges() {
        mergeChanges = true;
    }

    /** Decides a command against a roster by this node's rules (the planted bug included, if planted). */
    Roster.Decision decide(Roster roster, RosterCommand command) {
        return roster.decide(command, !mergeChanges);
    }

    /** Proposes a roster command on partition 0; refused unless this node leads it. */
    CompletableFuture<RaftReplicationResult> propose(RosterCommand command) {
        return systemLog.replicate(EntryKind.SYSTEM, RosterCommand.TYPE, List.of(command.encode()));
    }

    /** Attaches partition 0, built with this coordinator as its callbacks; call before the partition starts. */
    public void attach(SystemLog systemPartition) {
        this.systemLog = systemPartition;
    }

    /** The ranges, or null until known. */
    public PartitionRanges ranges() {
        return ranges;
    }

    /** Completes when the ranges are known on this node. */
    public CompletableFuture<PartitionRanges> rangesKnown() {
        return rangesKnown;
    }

    /** System entries this node did not understand (written by a newer version) and skipped. */
    public long ignoredEntries() {
        return ignoredEntries.get();
    }

    @Override
    public void delivered(int partition, RaftLog log) {
        apply(log);
    }

    @Override
    public void restored(int partition, RaftLog log) {
        apply(log);
    }

    /**
     * Proposes the ranges if none are known yet. A ready leader has applied everything committed before its
     * term, so "none known" means no earlier ranges entry survives in the log. The outcome needs no handling: an
     * accepted entry that times out stays in the leader's log and commits with the next quorum; a leader refuses
     * only after losing leadership or while handing it over (the node is leaving), and then the next ready leader
     * proposes.
     */
    @Override
    public void leaderReady(int partition) {
        if (ranges == null) {
            systemLog.replicate(EntryKind.SYSTEM, RANGES_TYPE,
                    List.of(PartitionRanges.split(initialPartitions).encode()));
        }
        if (roster == null) {
            // Also on a cluster an older version started: its ranges are known, and its members are the configured ones.
            propose(bootstrap.get());
        }
        readyLeader = true;
    }

    @Override
    public void leaderChanged(int partition, String leader) {
        // Whoever leads now (maybe this node again, in a new term) is ready only once it says so.
        readyLeader = false;
    }

    @Override
    public void restoreStarted(int partition) {
        // The entries restored next are applied one by one; there is nothing to reset.
    }

    @Override
    public void restoreFinished(int partition) {
        // Joining waits for the ranges, not for partition 0's restore.
    }

    private void apply(RaftLog log) {
        if (RosterCommand.TYPE.equals(log.applicationType())) {
            applyRoster(log);
            return;
        }
        if (!RANGES_TYPE.equals(log.applicationType())) {
            ignoredEntries.incrementAndGet();
            LOG.warn("ignoring unknown system entry {} at {}", log.applicationType(), log.index());
            return;
        }
        if (ranges != null) {
            return;
        }
        PartitionRanges decoded = PartitionRanges.decode(log.data());
        ranges = decoded;
        createPartitions.accept(decoded.count());
        rangesKnown.complete(decoded);
    }

    private void applyRoster(RaftLog log) {
        RosterCommand command = RosterCommand.decode(log.data());
        Roster before = roster;
        RaftOperationStatus status;
        Roster after;
        if (before == null) {
            boolean first = command.kind() == RosterCommand.Kind.BOOTSTRAP;
            status = first ? RaftOperationStatus.Success : RaftOperationStatus.NotAMember;
            after = first ? Roster.first(command) : null;
        } else {
            Roster.Decision decision = decide(before, command);
            status = decision.status();
            after = decision.roster();
        }
        synchronized (outcomes) {
            outcomes.put(log.index(), status);
        }
        if (after != null && after != before) {
            roster = after;
            rosterChanged.accept(after);
        }
    }
}
