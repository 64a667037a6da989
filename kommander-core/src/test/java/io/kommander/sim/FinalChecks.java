package io.kommander.sim;

import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.internal.partition.RaftPartition;
import io.kommander.time.HLCTimestamp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The checks at the end of a healed, converged run:
 * <ul>
 *   <li>log matching on the nodes' own logs: where two nodes hold an entry with the same index and term, they hold
 *       the same terms at every earlier index both retain;</li>
 *   <li>every acknowledged write (commits and rollbacks included) is committed at the index its acknowledgement
 *       named;</li>
 *   <li>nothing was committed that no client proposed, and no commit that no client asked for;</li>
 *   <li>an attempt whose answer said nothing was appended ({@code NOT_APPENDED}) never committed: no entry carries
 *       its command, and no commit of a ticket whose every commit attempt was so answered;</li>
 *   <li>tickets are unique: no two attempts' entries carry the same ticket;</li>
 *   <li>every committed manual proposal is settled; one its client abandoned is rolled back, and not before its
 *       time-to-live (as the slowest simulated clock counts it) after it was proposed;</li>
 *   <li>register histories are linearizable; on append-only logs, an append acknowledged before another was
 *       invoked precedes it in the log;</li>
 *   <li>nodes that applied the same entries hold the same client sessions (the window of idempotent writes).</li>
 *   <li>in a quiet cluster (only clocks misbehave), no write timed out.</li>
 * </ul>
 * Violations go to the {@link SafetyMonitor}. Runs once, on the simulation thread.
 */
final class FinalChecks {

    private static final long INSPECT_MILLIS = 5_000;

    private final SimScheduler scheduler;
    private final SafetyMonitor monitor;
    private final History history;
    private final List<SimNode> nodes;
    private final int partitions;
    private final int registerPartitions;
    private final LinearizabilityChecker linearizability;
    private final long proposalTimeToLive;
    private final boolean quiet;

    FinalChecks(SimScheduler scheduler, SafetyMonitor monitor, History history, List<SimNode> nodes, int partitions,
                int registerPartitions, LinearizabilityChecker linearizability, long proposalTimeToLive,
                boolean quiet) {
        this.scheduler = scheduler;
        this.monitor = monitor;
        this.history = history;
        this.nodes = nodes;
        this.partitions = partitions;
        this.registerPartitions = registerPartitions;
        this.linearizability = linearizability;
        this.proposalTimeToLive = proposalTimeToLive;
        this.quiet = quiet;
    }

    /**
     * Runs every check.
     *
     * @return the number of register histories whose linearizability check gave up (inconclusive)
     */
    int run() {
        if (quiet) {
            noWriteTimedOut();
        }
        int inconclusive = 0;
        for (int p = 1; p <= partitions && !monitor.failed(); p++) {
            logsMatch(p);
            sessionsAgree(p);
            acknowledgedWritesCommitted(p);
            nothingUnproposedCommitted(p);
            refusedWritesNeverCommitted(p);
            ticketsUnique(p);
            proposalsSettled(p);
            if (p <= registerPartitions) {
                inconclusive += registerLinearizable(p) ? 0 : 1;
            } else {
                appendsInRealTimeOrder(p);
            }
        }
        return inconclusive;
    }

    private void noWriteTimedOut() {
        history.ops().stream().filter(op -> op.failure == RaftOperationStatus.ProposalTimeout).findFirst()
                .ifPresent(op -> monitor.fail("quiet cluster: a write timed out: " + op));
    }

    private void logsMatch(int p) {
        List<CompletableFuture<long[]>> terms = new ArrayList<>();
        for (SimNode node : nodes) {
            RaftPartition partition = node.partition(p);
            if (partition != null) {
                terms.add(PartitionSeams.inspect(partition, machine -> {
                    long[] t = new long[(int) machine.lastIndex() + 1];
                    for (int i = 1; i < t.length; i++) {
                        t[i] = machine.termAt(i);
                    }
                    return t;
                }));
            }
        }
        scheduler.runUntil(() -> terms.stream().allMatch(CompletableFuture::isDone), scheduler.now() + INSPECT_MILLIS);
        for (int a = 0; a < terms.size(); a++) {
            for (int b = a + 1; b < terms.size(); b++) {
                long[] x = terms.get(a).getNow(null);
                long[] y = terms.get(b).getNow(null);
                if (x == null || y == null) {
                    monitor.fail("inspect of partition " + p + " did not complete");
                    return;
                }
                int highestMatch = 0;
                for (int i = Math.min(x.length, y.length) - 1; i > 0; i--) {
                    if (x[i] >= 0 && x[i] == y[i]) {
                        highestMatch = i;
                        break;
                    }
                }
                for (int i = 1; i < highestMatch; i++) {
                    if (x[i] >= 0 && y[i] >= 0 && x[i] != y[i]) {
                        monitor.fail("log matching: partition " + p + " logs agree at " + highestMatch
                                + " but differ at " + i + " (terms " + x[i] + " and " + y[i] + ")");
                        return;
                    }
                }
            }
        }
    }

    private void sessionsAgree(int p) {
        List<CompletableFuture<long[]>> views = new ArrayList<>();
        for (SimNode node : nodes) {
            RaftPartition partition = node.partition(p);
            if (partition != null) {
                views.add(PartitionSeams.inspect(partition,
                        machine -> new long[] {machine.appliedIndex(), machine.sessionFingerprint()}));
            }
        }
        scheduler.runUntil(() -> views.stream().allMatch(CompletableFuture::isDone), scheduler.now() + INSPECT_MILLIS);
        Map<Long, Long> fingerprintAt = new HashMap<>();
        for (CompletableFuture<long[]> view : views) {
            long[] applied = view.getNow(null);
            if (applied == null) {
                monitor.fail("inspect of partition " + p + " did not complete");
                return;
            }
            Long other = fingerprintAt.putIfAbsent(applied[0], applied[1]);
            if (other != null && other != applied[1]) {
                monitor.fail("session agreement: partition " + p + " replicas that applied up to " + applied[0]
                        + " hold different client sessions");
                return;
            }
        }
    }

    private void acknowledgedWritesCommitted(int p) {
        TreeMap<Long, RaftLog> committed = monitor.committed(p);
        for (History.Op op : history.ops()) {
            if (op.partition != p || !op.ok || op.isRead()) {
                continue;
            }
            RaftLog log = committed.get(op.logIndex);
            if (op.settle != null) {
                RaftLogType kind = op.settle.commit() ? RaftLogType.Committed : RaftLogType.RolledBack;
                if (log == null || !SafetyMonitor.isSettlement(log) || log.kind() != kind
                        || !log.time().equals(op.settle.ticket())) {
                    monitor.fail("lost settlement: " + op + " was acknowledged at index " + op.logIndex
                            + " but the log holds " + log);
                    return;
                }
                continue;
            }
            if (op.checkpoint) {
                if (log == null || log.kind() != RaftLogType.CommittedCheckpoint) {
                    monitor.fail("lost checkpoint: " + op + " was acknowledged at index " + op.logIndex
                            + " but the log holds " + log);
                    return;
                }
                continue;
            }
            Command found = log == null ? null : Command.decode(log.data());
            if (found == null || found.opId() != op.id) {
                monitor.fail("lost write: " + op + " was acknowledged at index " + op.logIndex
                        + " but the log holds " + log);
                return;
            }
        }
    }

    private void nothingUnproposedCommitted(int p) {
        for (RaftLog log : monitor.committed(p).values()) {
            if (log.kind() == RaftLogType.CommittedCheckpoint || SplitChurn.KEYED_TYPE.equals(log.applicationType())) {
                continue; // keyed writes of the splits are SplitChurn's to check
            }
            if (SafetyMonitor.isSettlement(log)) {
                if (!monitor.proposed(p).contains(log.time())) {
                    monitor.fail("phantom settlement: partition " + p + " committed " + log
                            + " for a ticket that no committed proposal carries");
                    return;
                }
                continue;
            }
            Command command = Command.decode(log.data());
            History.Op op = command == null ? null : history.op(command.opId());
            if (op == null || !command.equals(op.command) || op.partition != p) {
                monitor.fail("phantom entry: partition " + p + " committed " + log + " that no client proposed");
                return;
            }
        }
    }

    private void refusedWritesNeverCommitted(int p) {
        for (RaftLog log : monitor.committed(p).values()) {
            Command command = Command.decode(log.data());
            History.Op op = command == null ? null : history.op(command.opId());
            if (op != null && op.refused != null) {
                monitor.fail("definitely not appended, yet committed: " + op + ", but partition " + p
                        + " committed it at index " + log.index());
                return;
            }
        }
        Map<HLCTimestamp, Boolean> commitMayHaveBeenAppended = new HashMap<>();
        for (History.Op op : history.ops()) {
            if (op.partition == p && op.settle != null && op.settle.commit()) {
                commitMayHaveBeenAppended.merge(op.settle.ticket(), op.refused == null, Boolean::logicalOr);
            }
        }
        for (Map.Entry<HLCTimestamp, SafetyMonitor.Settlement> settled : monitor.settlements(p).entrySet()) {
            if (settled.getValue().kind() == RaftLogType.Committed
                    && !commitMayHaveBeenAppended.getOrDefault(settled.getKey(), false)) {
                monitor.fail("commit nobody may have appended: partition " + p + " committed ticket "
                        + settled.getKey() + " at index " + settled.getValue().index() + ", but every commit asked"
                        + " for it (if any) was answered that nothing was appended");
                return;
            }
        }
    }

    private void ticketsUnique(int p) {
        Map<HLCTimestamp, Long> opOfTicket = new HashMap<>();
        for (RaftLog log : monitor.committed(p).values()) {
            Command command = Command.decode(log.data());
            if (command == null) {
                continue;
            }
            Long other = opOfTicket.putIfAbsent(log.time(), command.opId());
            if (other != null && other != command.opId()) {
                monitor.fail("ticket collision: partition " + p + " committed the entries of op" + other + " and op"
                        + command.opId() + " under one ticket " + log.time());
                return;
            }
        }
    }

    private void proposalsSettled(int p) {
        Map<HLCTimestamp, SafetyMonitor.Settlement> settlements = monitor.settlements(p);
        for (HLCTimestamp ticket : monitor.proposed(p)) {
            if (!settlements.containsKey(ticket)) {
                monitor.fail("unsettled proposal: partition " + p + " ticket " + ticket + " was never committed nor"
                        + " rolled back");
                return;
            }
        }
        // A leader counts the time-to-live on its own clock, which runs at least 0.9 times as fast as virtual time.
        long earliest = proposalTimeToLive * 9 / 10;
        for (History.Op op : history.ops()) {
            if (op.partition != p || !op.abandoned) {
                continue;
            }
            SafetyMonitor.Settlement settled = settlements.get(op.ticket);
            if (settled == null || settled.kind() != RaftLogType.RolledBack) {
                monitor.fail("abandoned proposal not rolled back: " + op + " was left open, its ticket "
                        + op.ticket + " was settled " + settled);
                return;
            }
            if (settled.firstDeliveredAt() - op.invokeTime < earliest) {
                monitor.fail("abandoned proposal rolled back early: " + op + " was rolled back at "
                        + settled.firstDeliveredAt() + ", before its time-to-live of " + proposalTimeToLive + " ms");
                return;
            }
        }
    }

    private boolean registerLinearizable(int p) {
        Map<Long, Boolean> swapped = new HashMap<>();
        long register = 0;
        for (RaftLog log : monitor.committed(p).values()) {
            Command command = Command.decode(log.data());
            if (command != null) {
                swapped.put(command.opId(), command.kind() == Command.Kind.CAS && register == command.value());
                register = command.applyTo(register);
            }
        }
        List<LinearizabilityChecker.Op> ops = new ArrayList<>();
        for (History.Op op : history.ops()) {
            if (op.partition != p) {
                continue;
            }
            long complete = op.ok ? op.completedAt : LinearizabilityChecker.NEVER;
            if (!op.ok && !op.isRead() && !swapped.containsKey(op.id)) {
                // Never committed, and the log is final: it had no effect, so it cannot constrain the order.
                continue;
            }
            if (op.isRead()) {
                if (op.ok) {
                    ops.add(LinearizabilityChecker.Op.read(op.id, op.invokedAt, complete, op.readValue));
                }
            } else if (op.command.kind() == Command.Kind.WRITE) {
                ops.add(LinearizabilityChecker.Op.write(op.id, op.command.value(), op.invokedAt, complete));
            } else {
                long result = op.ok ? (swapped.getOrDefault(op.id, false) ? 1 : 0) : LinearizabilityChecker.UNKNOWN;
                ops.add(LinearizabilityChecker.Op.cas(op.id, op.command.value(), op.command.newValue(),
                        op.invokedAt, complete, result));
            }
        }
        LinearizabilityChecker.Verdict verdict = linearizability.check(ops, 0);
        if (verdict == LinearizabilityChecker.Verdict.NOT_LINEARIZABLE) {
            monitor.fail("linearizability: the register history of partition " + p + " (" + ops.size()
                    + " operations) has no legal order");
        }
        return verdict != LinearizabilityChecker.Verdict.GAVE_UP;
    }

    private void appendsInRealTimeOrder(int p) {
        List<History.Op> appends = history.ops().stream()
                .filter(op -> op.partition == p && op.ok && op.command != null).toList();
        for (History.Op a : appends) {
            for (History.Op b : appends) {
                if (a.completedAt < b.invokedAt && a.logIndex >= b.logIndex) {
                    monitor.fail("append order: " + a + " was acknowledged before " + b
                            + " was invoked, yet is not before it in the log");
                    return;
                }
            }
        }
    }
}
