package io.kommander.sim;

import io.kommander.RaftOperationStatus;
import io.kommander.time.HLCTimestamp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Every client operation attempt of a run, with its invocation and completion in one total order (and virtual
 * times, for reports). An attempt that timed out or failed is <em>indeterminate</em>: it may or may not have taken
 * effect, unless its answer said that nothing was appended ({@link Op#refused}). Not thread-safe: one run, one
 * thread.
 */
final class History {

    /** What a commit or rollback attempt settles, and whether the client means to ask twice. */
    record Settle(HLCTimestamp ticket, boolean commit, boolean twice) {
    }

    /** One attempt. Mutable until completed. */
    static final class Op {
        final long id;
        final int client;
        final int partition;
        /** What it proposed, or null for a read, a checkpoint or a settlement. */
        final Command command;
        /** Whether it asked for a checkpoint. */
        final boolean checkpoint;
        /** Whether its command is a manual proposal (autoCommit=false). */
        final boolean manual;
        /** The ticket it commits or rolls back, or null. */
        final Settle settle;
        final long invokedAt;
        final long invokeTime;
        long completedAt = Long.MAX_VALUE;
        long completeTime = -1;
        boolean ok;
        /** Why it failed, as the node answered; null if it succeeded, or the client gave up waiting. */
        RaftOperationStatus failure;
        long readValue;
        long logIndex;
        /** The ticket its answer carried (a manual proposal's, success or not), or null. */
        HLCTimestamp ticket;
        /** The status of an answer that said nothing was appended ({@code NOT_APPENDED}), or null. */
        RaftOperationStatus refused;
        /** Whether the client left this manual proposal open on purpose, for its time-to-live to roll back. */
        boolean abandoned;

        Op(long id, int client, int partition, Command command, boolean checkpoint, boolean manual, Settle settle,
           long invokedAt, long invokeTime) {
            this.id = id;
            this.client = client;
            this.partition = partition;
            this.command = command;
            this.checkpoint = checkpoint;
            this.manual = manual;
            this.settle = settle;
            this.invokedAt = invokedAt;
            this.invokeTime = invokeTime;
        }

        boolean isRead() {
            return command == null && !checkpoint && settle == null;
        }

        @Override
        public String toString() {
            String what = checkpoint ? "checkpoint"
                    : settle != null ? (settle.commit() ? "commit " : "rollback ") + settle.ticket()
                    : command == null ? "read"
                    : (manual ? "propose " : "") + command.kind() + "(" + command.value()
                            + (command.kind() == Command.Kind.CAS ? "->" + command.newValue() : "") + ")";
            String outcome = completedAt == Long.MAX_VALUE
                    ? (refused != null ? "refused " + refused
                            : "indeterminate" + (failure == null ? "" : " (" + failure + ")"))
                    : ok ? (command == null && settle == null && !checkpoint ? "=" + readValue : "ok @" + logIndex)
                    : "failed";
            return "op" + id + " c" + client + " p" + partition + " " + what + " [" + invokeTime + ".."
                    + (completeTime < 0 ? "?" : completeTime) + "] " + outcome;
        }
    }

    private final SimScheduler scheduler;
    private final SimTrace trace;
    private final List<Op> ops = new ArrayList<>();
    private final Map<Long, Op> byId = new HashMap<>();
    private long order;

    History(SimScheduler scheduler, SimTrace trace) {
        this.scheduler = scheduler;
        this.trace = trace;
    }

    /**
     * Starts an attempt; {@code command} is null for a read or a checkpoint. The op id is also the command's id.
     */
    Op invoke(int client, int partition, LongFunction<Command> command, boolean checkpoint) {
        return add(id -> new Op(id, client, partition, command == null ? null : command.apply(id), checkpoint, false,
                null, order++, scheduler.now()));
    }

    /** Starts a manual proposal (autoCommit=false) of {@code command}. */
    Op invokeProposal(int client, int partition, LongFunction<Command> command) {
        return add(id -> new Op(id, client, partition, command.apply(id), false, true, null, order++,
                scheduler.now()));
    }

    /** Starts a commit or rollback of a ticket. */
    Op invokeSettle(int client, int partition, Settle settle) {
        return add(id -> new Op(id, client, partition, null, false, false, settle, order++, scheduler.now()));
    }

    private Op add(LongFunction<Op> create) {
        Op op = create.apply(ops.size() + 1L);
        ops.add(op);
        byId.put(op.id, op);
        return op;
    }

    /** Completes an attempt successfully: a write at {@code logIndex}, or a read returning {@code value}. */
    void succeed(Op op, long logIndex, long value) {
        op.ok = true;
        op.logIndex = logIndex;
        op.readValue = value;
        complete(op);
    }

    /**
     * Ends an attempt whose answer said nothing was appended: the checkers require that it never takes effect.
     */
    void refuse(Op op, RaftOperationStatus status) {
        op.refused = status;
        fail(op, status);
    }

    /**
     * Ends an attempt with a failure whose effect is unknown: it stays indeterminate for the checkers.
     *
     * @param status the node's answer, or null if the client gave up waiting for one
     */
    void fail(Op op, RaftOperationStatus status) {
        op.failure = status;
        op.completeTime = scheduler.now();
        trace.record(SimScheduler.NO_NODE, "client", op.id, 0, op + " (gave up)");
    }

    private void complete(Op op) {
        op.completedAt = order++;
        op.completeTime = scheduler.now();
        trace.record(SimScheduler.NO_NODE, "client", op.id, op.logIndex ^ op.readValue, op);
    }

    /** Every attempt, in invocation order. */
    List<Op> ops() {
        return ops;
    }

    /** The attempt with this id, or null. */
    Op op(long id) {
        return byId.get(id);
    }
}
