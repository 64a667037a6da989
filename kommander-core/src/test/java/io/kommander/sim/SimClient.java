package io.kommander.sim;

import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.WriteOutcome;
import io.kommander.internal.node.RaftNode;
import io.kommander.runtime.IRaftRuntime;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A client of one partition: it issues one operation at a time through the node it believes leads, with a
 * time-out, and on failure retries through the leader the answer names, or the next node. A plain client retries
 * as a new attempt (a new operation, which may apply besides the first); an answer that says nothing was appended is
 * recorded as such ({@link History#refuse}), for the checkers to hold the node to it. An idempotent client retries a
 * write with the same request id (the same operation), which the partition's sessions apply at most once, and moves
 * to a new client id every few operations, so that old sessions are evicted when the limit is small. On a register
 * partition it writes, reads (ReadIndex through {@code confirmLeadership}, then the node's applied register) and
 * compare-and-sets; on a log partition it appends, now and then asks for a checkpoint, and makes manual proposals
 * (autoCommit=false, without request ids) that it then commits or rolls back (sometimes twice), or abandons for
 * their time-to-live to roll back. A proposal whose answer leaves its outcome unknown is settled by the ticket the
 * answer carries.
 *
 * <p>Not thread-safe: the simulation thread only.
 */
final class SimClient {

    private static final long TIMEOUT_MILLIS = 600;
    private static final int MAX_ATTEMPTS = 4;
    /** Operations an idempotent client issues under one client id before it takes a new one. */
    private static final int OPERATIONS_PER_CLIENT_ID = 8;

    private final int id;
    private final int partition;
    private final boolean register;
    private final boolean checkpoints;
    private final List<SimNode> nodes;
    private final SimScheduler scheduler;
    /** Virtual time before which no new operation starts (see {@link #holdUntil}). */
    private long heldUntil;
    private final History history;
    private int target;
    private long lastSeen;
    private boolean running;
    private boolean acknowledged;
    /** The settlement to ask for next, before any random operation, or null. */
    private History.Settle settleNext;
    private final boolean idempotent;
    private int generation;
    private long sequence;

    /**
     * @param checkpoints whether a log partition's client asks for checkpoints (and so compaction) now and then
     */
    SimClient(int id, int partition, boolean register, boolean checkpoints, List<SimNode> nodes,
              SimScheduler scheduler, History history) {
        this.id = id;
        this.checkpoints = checkpoints;
        this.partition = partition;
        this.register = register;
        this.nodes = nodes;
        this.scheduler = scheduler;
        this.history = history;
        this.target = scheduler.random().nextInt(nodes.size());
        this.idempotent = id % 2 == 0;
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
        issue(writeIntent(), null, Integer.MAX_VALUE);
    }

    /** Whether the final barrier write was acknowledged. */
    boolean acknowledged() {
        return acknowledged;
    }

    private enum Intent { WRITE, CAS, READ, APPEND, CHECKPOINT, PROPOSE, SETTLE }

    private Intent writeIntent() {
        return register ? Intent.WRITE : Intent.APPEND;
    }

    private void later(Runnable step) {
        long delay = 5 + scheduler.random().nextInt(60);
        scheduler.schedule(SimScheduler.NO_NODE, Math.max(delay, heldUntil - scheduler.now()), step);
    }

    /** Issues nothing new before {@code time} (a lull, in which partitions quiesce); calls in flight go on. */
    void holdUntil(long time) {
        heldUntil = Math.max(heldUntil, time);
    }

    private void next() {
        if (!running) {
            return;
        }
        if (settleNext != null) {
            History.Settle settle = settleNext;
            settleNext = null;
            issue(Intent.SETTLE, settle, MAX_ATTEMPTS);
            return;
        }
        int dice = scheduler.random().nextInt(10);
        Intent intent = register ? (dice < 4 ? Intent.WRITE : dice < 6 ? Intent.CAS : Intent.READ)
                : (dice == 0 ? (checkpoints ? Intent.CHECKPOINT : Intent.APPEND) : dice < 3 ? Intent.PROPOSE
                : Intent.APPEND);
        issue(intent, null, MAX_ATTEMPTS);
    }

    private History.Op invoke(Intent intent, History.Settle settle) {
        return switch (intent) {
            case WRITE -> history.invoke(id, partition, opId -> Command.write(opId, opId), false);
            case CAS -> history.invoke(id, partition, opId -> Command.cas(opId, lastSeen, opId), false);
            case APPEND -> history.invoke(id, partition, Command::append, false);
            case READ -> history.invoke(id, partition, null, false);
            case CHECKPOINT -> history.invoke(id, partition, null, true);
            case PROPOSE -> history.invokeProposal(id, partition, Command::append);
            case SETTLE -> history.invokeSettle(id, partition, settle);
        };
    }

    private void issue(Intent intent, History.Settle settle, int attemptsLeft) {
        History.Op op = invoke(intent, settle);
        boolean write = intent == Intent.WRITE || intent == Intent.CAS || intent == Intent.APPEND;
        attempt(op, intent, attemptsLeft, idempotent && write ? nextRequestId() : null);
    }

    /** The next request id of this client: a new client id (a new session) every few operations. */
    private RequestId nextRequestId() {
        if (sequence == OPERATIONS_PER_CLIENT_ID) {
            generation++;
            sequence = 0;
        }
        return RequestId.of(((long) id + 1) << 32 | generation, ++sequence);
    }

    /** One attempt of {@code op}; with a request id, every attempt of the op carries the same one. */
    private void attempt(History.Op op, Intent intent, int attemptsLeft, RequestId request) {
        RaftNode manager = nodes.get(target).manager();
        if (manager == null) {
            retry(op, intent, attemptsLeft, null, request, null);
            return;
        }
        boolean[] done = {false};
        IRaftRuntime.Cancellable timeout = scheduler.schedule(SimScheduler.NO_NODE, TIMEOUT_MILLIS, () -> {
            if (!done[0]) {
                done[0] = true;
                retry(op, intent, attemptsLeft, null, request, null);
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
                        retry(op, intent, attemptsLeft, null, request, null);
                    }
                }
            });
            case CHECKPOINT -> manager.replicateCheckpoint(partition)
                    .thenAccept(result -> answered(op, intent, attemptsLeft, done, timeout, result, null));
            case PROPOSE -> manager.replicateLogs(partition, "sim", op.command.encode(), false)
                    .thenAccept(result -> answered(op, intent, attemptsLeft, done, timeout, result, null));
            case SETTLE -> (op.settle.commit() ? manager.commitLogs(partition, op.settle.ticket())
                    : manager.rollbackLogs(partition, op.settle.ticket()))
                    .thenAccept(result -> answered(op, intent, attemptsLeft, done, timeout, result, null));
            default -> (request == null ? manager.replicateLogs(partition, "sim", op.command.encode())
                    : manager.replicateLogs(partition, "sim", op.command.encode(), request))
                    .thenAccept(result -> answered(op, intent, attemptsLeft, done, timeout, result, request));
        };
        call.exceptionally(error -> {
            if (!done[0]) {
                done[0] = true;
                timeout.cancel();
                retry(op, intent, attemptsLeft, null, request, null);
            }
            return null;
        });
    }

    private void answered(History.Op op, Intent intent, int attemptsLeft, boolean[] done,
                          IRaftRuntime.Cancellable timeout, RaftReplicationResult result, RequestId request) {
        if (done[0]) {
            return;
        }
        done[0] = true;
        timeout.cancel();
        if (intent == Intent.PROPOSE) {
            op.ticket = result.ticket();
        }
        if (result.status() == RaftOperationStatus.SessionExpired
                || result.status() == RaftOperationStatus.DuplicateTooOld) {
            // The session cannot tell whether an earlier attempt applied: the op stays indeterminate, and the
            // client starts over with a new id (the final write tries again with one).
            history.fail(op, result.status());
            sequence = OPERATIONS_PER_CLIENT_ID;
            if (attemptsLeft == Integer.MAX_VALUE) {
                issue(intent, null, attemptsLeft);
            } else {
                later(this::next);
            }
            return;
        }
        if (!result.success()) {
            failed(op, intent, attemptsLeft, result, request);
            return;
        }
        history.succeed(op, result.logIndex(), 0);
        if (op.command != null && op.command.kind() != Command.Kind.APPEND) {
            lastSeen = op.command.kind() == Command.Kind.WRITE ? op.command.value() : lastSeen;
        }
        if (intent == Intent.PROPOSE) {
            decideSettlement(op);
        } else if (intent == Intent.SETTLE && op.settle.twice()) {
            settleNext = new History.Settle(op.settle.ticket(), op.settle.commit(), false);
        }
        if (attemptsLeft == Integer.MAX_VALUE) {
            acknowledged = true;
        }
        later(this::next);
    }

    /** After a proposal succeeded: commit it, roll it back (either sometimes twice), or abandon it. */
    private void decideSettlement(History.Op proposal) {
        int dice = scheduler.random().nextInt(8);
        if (dice == 0) {
            proposal.abandoned = true;
        } else {
            settleNext = new History.Settle(proposal.ticket, dice < 5, scheduler.random().nextInt(4) == 0);
        }
    }

    private void failed(History.Op op, Intent intent, int attemptsLeft, RaftReplicationResult result,
                        RequestId request) {
        if (result.outcome() == WriteOutcome.NOT_APPENDED && request == null) {
            // With a request id only this attempt appended nothing: an earlier attempt of the op may have.
            history.refuse(op, result.status());
        }
        if (intent == Intent.PROPOSE && result.outcome() == WriteOutcome.UNKNOWN && !result.ticket().isZero()) {
            // It may be in the log and commit later: settle it by its ticket rather than propose it again.
            history.fail(op, result.status());
            settleNext = new History.Settle(result.ticket(), scheduler.random().nextBoolean(), false);
            later(this::next);
            return;
        }
        if (intent == Intent.SETTLE && result.status() == RaftOperationStatus.ProposalNotFound) {
            // Settled the other way (its time-to-live, say), or never in the log: nothing more to do.
            if (op.refused == null) {
                history.fail(op, result.status());
            }
            later(this::next);
            return;
        }
        retry(op, intent, attemptsLeft, result.leader(), request, result.status());
    }

    /**
     * Tries again after a failure: a plain client gives the op up (indeterminate, unless refused) and issues a new
     * one; an idempotent client tries the same op with the same request id, and gives it up only when out of
     * attempts.
     *
     * @param status the node's answer, or null if there was none
     */
    private void retry(History.Op op, Intent intent, int attemptsLeft, String leaderHint, RequestId request,
                       RaftOperationStatus status) {
        if ((request == null || attemptsLeft <= 1) && op.refused == null) {
            history.fail(op, status);
        }
        int hinted = leaderHint == null ? -1 : indexOf(leaderHint);
        target = hinted >= 0 ? hinted : (target + 1) % nodes.size();
        if (attemptsLeft <= 1) {
            later(this::next);
            return;
        }
        int left = attemptsLeft == Integer.MAX_VALUE ? attemptsLeft : attemptsLeft - 1;
        scheduler.schedule(SimScheduler.NO_NODE, 10 + scheduler.random().nextInt(40), () -> {
            if (running || left == Integer.MAX_VALUE) {
                if (request == null) {
                    issue(intent, op.settle, left);
                } else {
                    attempt(op, intent, left, request);
                }
            } else if (request != null) {
                history.fail(op, status);
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
