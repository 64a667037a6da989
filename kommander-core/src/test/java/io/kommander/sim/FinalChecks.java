package io.kommander.sim;

import io.kommander.RaftLog;
import io.kommander.RaftLogType;
import io.kommander.RaftOperationStatus;
import io.kommander.internal.partition.PartitionSeams;
import io.kommander.internal.partition.RaftPartition;

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
 *   <li>every acknowledged write is committed at the index its acknowledgement named;</li>
 *   <li>nothing was committed that no client proposed;</li>
 *   <li>register histories are linearizable; on append-only logs, an append acknowledged before another was
 *       invoked precedes it in the log;</li>
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
    private final boolean quiet;

    FinalChecks(SimScheduler scheduler, SafetyMonitor monitor, History history, List<SimNode> nodes, int partitions,
                int registerPartitions, LinearizabilityChecker linearizability, boolean quiet) {
        this.scheduler = scheduler;
        this.monitor = monitor;
        this.history = history;
        this.nodes = nodes;
        this.partitions = partitions;
        this.registerPartitions = registerPartitions;
        this.linearizability = linearizability;
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
            acknowledgedWritesCommitted(p);
            nothingUnproposedCommitted(p);
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

    private void acknowledgedWritesCommitted(int p) {
        TreeMap<Long, RaftLog> committed = monitor.committed(p);
        for (History.Op op : history.ops()) {
            if (op.partition != p || !op.ok || op.isRead()) {
                continue;
            }
            RaftLog log = committed.get(op.logIndex);
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
            if (log.kind() == RaftLogType.CommittedCheckpoint) {
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
