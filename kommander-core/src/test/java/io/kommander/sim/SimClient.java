package io.kommander.sim;

import io.kommander.internal.node.RaftNode;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.runtime.IRaftRuntime;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A client of one partition: it issues one operation at a time through the node it believes leads, with a
 * time-out, and on failure retries (as a new attempt) through the leader the answer names, or the next node.
 * On a register partition it writes, reads (ReadIndex through {@code confirmLeadership}, then the node's applied
 * register) and compare-and-sets; on a log partition it appends and now and then asks for a checkpoint.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class SimClient {

    private static final long TIMEOUT_MILLIS = 600;
    private static final int MAX_ATTEMPTS = 4;

    private final int id;
    private final int partition;
    private final boolean register;
    private final List<SimNode> nodes;
    private final SimScheduler scheduler;
    private final History history;
    private int target;
    private long lastSeen;
    private boolean running;
    private boolean acknowledged;

    SimClient(int id, int partition, boolean register, List<SimNode> nodes, SimScheduler scheduler,
              History history) {
        this.id = id;
        this.partition = partition;
        this.register = register;
        this.nodes = nodes;
        this.scheduler = scheduler;
        this.history = history;
        this.target = scheduler.random().nextInt(nodes.size());
    }

    /** Starts issuing random operations until {@link #stop()}. */
    void start() {
        running = true;
        later(this::next);
    }

    /** Stops after the operation in flight. */
    void stop() {
        running = false;
    }

    /** Writes (or appends) until one attempt is acknowledged: the final barrier of a run. */
    void writeUntilAcknowledged() {
        running = false;
        acknowledged = false;
        issue(writeIntent(), Integer.MAX_VALUE);
    }

    /** Whether the final barrier write was acknowledged. */
    boolean acknowledged() {
        return acknowledged;
    }

    private enum Intent { WRITE, CAS, READ, APPEND, CHECKPOINT }

    private Intent writeIntent() {
        return register ? Intent.WRITE : Intent.APPEND;
    }

    private void later(Runnable step) {
        scheduler.schedule(SimScheduler.NO_NODE, 5 + scheduler.random().nextInt(60), step);
    }

    private void next() {
        if (!running) {
            return;
        }
        int dice = scheduler.random().nextInt(10);
        Intent intent = register ? (dice < 4 ? Intent.WRITE : dice < 6 ? Intent.CAS : Intent.READ)
                : (dice == 0 ? Intent.CHECKPOINT : Intent.APPEND);
        issue(intent, MAX_ATTEMPTS);
    }

    private void issue(Intent intent, int attemptsLeft) {
        RaftNode manager = nodes.get(target).manager();
        History.Op op = history.invoke(id, partition, switch (intent) {
            case WRITE -> opId -> Command.write(opId, opId);
            case CAS -> opId -> Command.cas(opId, lastSeen, opId);
            case APPEND -> Command::append;
            case READ, CHECKPOINT -> null;
        }, intent == Intent.CHECKPOINT);
        if (manager == null) {
            retry(op, intent, attemptsLeft, null, null);
            return;
        }
        boolean[] done = {false};
        IRaftRuntime.Cancellable timeout = scheduler.schedule(SimScheduler.NO_NODE, TIMEOUT_MILLIS, () -> {
            if (!done[0]) {
                done[0] = true;
                retry(op, intent, attemptsLeft, null, null);
            }
        });
        CompletableFuture<?> call = switch (intent) {
            case READ -> manager.confirmLeadership(partition).thenAccept(confirmed -> {
                if (!done[0]) {
                    done[0] = true;
                    timeout.cancel();
                    if (confirmed) {
                        lastSeen = nodes.get(target).register(partition);
                        history.succeed(op, 0, lastSeen);
                        later(this::next);
                    } else {
                        retry(op, intent, attemptsLeft, null, null);
                    }
                }
            });
            case CHECKPOINT -> manager.replicateCheckpoint(partition)
                    .thenAccept(result -> answered(op, intent, attemptsLeft, done, timeout, result));
            default -> manager.replicateLogs(partition, "sim", op.command.encode())
                    .thenAccept(result -> answered(op, intent, attemptsLeft, done, timeout, result));
        };
        call.exceptionally(error -> {
            if (!done[0]) {
                done[0] = true;
                timeout.cancel();
                retry(op, intent, attemptsLeft, null, null);
            }
            return null;
        });
    }

    private void answered(History.Op op, Intent intent, int attemptsLeft, boolean[] done,
                          IRaftRuntime.Cancellable timeout, RaftReplicationResult result) {
        if (done[0]) {
            return;
        }
        done[0] = true;
        timeout.cancel();
        if (!result.success()) {
            retry(op, intent, attemptsLeft, result.leader(), result.status());
            return;
        }
        history.succeed(op, result.logIndex(), 0);
        if (op.command != null && op.command.kind() != Command.Kind.APPEND) {
            lastSeen = op.command.kind() == Command.Kind.WRITE ? op.command.value() : lastSeen;
        }
        if (attemptsLeft == Integer.MAX_VALUE) {
            acknowledged = true;
        }
        later(this::next);
    }

    private void retry(History.Op op, Intent intent, int attemptsLeft, String leaderHint,
                       RaftOperationStatus status) {
        history.fail(op, status);
        int hinted = leaderHint == null ? -1 : indexOf(leaderHint);
        target = hinted >= 0 ? hinted : (target + 1) % nodes.size();
        if (attemptsLeft <= 1) {
            later(this::next);
            return;
        }
        int left = attemptsLeft == Integer.MAX_VALUE ? attemptsLeft : attemptsLeft - 1;
        scheduler.schedule(SimScheduler.NO_NODE, 10 + scheduler.random().nextInt(40), () -> {
            if (running || left == Integer.MAX_VALUE) {
                issue(intent, left);
            }
        });
    }

    private int indexOf(String endpoint) {
        for (SimNode node : nodes) {
            if (node.endpoint().equals(endpoint)) {
                return node.index();
            }
        }
        return -1;
    }
}
