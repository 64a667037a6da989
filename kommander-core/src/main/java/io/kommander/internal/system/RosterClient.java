package io.kommander.internal.system;

import io.kommander.RaftOperationStatus;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.RosterRequest;
import io.kommander.transport.RaftMessage.RosterResponse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Hands a roster command to the system partition's leader, wherever the call is made: to this node's own
 * {@link RosterService} when it leads, else in a {@link RosterRequest} to the leader it knows of (or, knowing none,
 * to each candidate in turn: the roster's members, or the seeds of a node that is not in it yet). An attempt that
 * gets no answer within its attempt time ({@code membershipRetryMillis}), or is told "not the leader", is tried again
 * toward the newest hint until the call's deadline; then it completes with {@link RaftOperationStatus#NoLeader} (no
 * leader answered) or {@link RaftOperationStatus#ProposalTimeout} (a leader took it, and the change may still commit). Commands are
 * idempotent, so a retry of one that committed is answered Success.
 *
 * <p>Thread-safe; answers complete on the runtime's timer thread, a transport thread or partition 0's executor
 * (callers relay them).
 */
public final class RosterClient {


    private final String self;
    private final IRaftRuntime runtime;
    private final RosterService local;
    private final Supplier<String> leaderHint;
    private final Supplier<List<String>> candidates;
    private final BiConsumer<String, RaftMessage> send;
    private final long attemptMillis;
    private final long backoffMillis;
    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
    private long nextId = 1; // guarded by this

    /** One call: its future, deadline, how many attempts so far, and whether a leader ever took it. */
    private final class Call {
        final CompletableFuture<RosterService.Answer> future = new CompletableFuture<>();
        final RosterCommand command;
        final long deadline;
        final boolean retryInProgress;
        volatile long attempt;
        volatile String hint;
        volatile boolean reachedLeader;
        volatile int rotation;
        volatile String lastTarget;

        Call(RosterCommand command, long deadline, boolean retryInProgress) {
            this.command = command;
            this.deadline = deadline;
            this.retryInProgress = retryInProgress;
        }
    }

    /**
     * @param self       this node's endpoint
     * @param runtime    clock and timers
     * @param local      this node's service, used when it leads the system partition
     * @param leaderHint the system partition's leader as last known here, or null
     * @param candidates where to look for the leader when none is known
     * @param send       sends a message to a node
     * @param attemptMillis how long one attempt waits for an answer before it is tried again
     * @param backoffMillis how long "try again later" (no leader yet, a change in progress) waits before the next
     *                      attempt
     */
    public RosterClient(String self, IRaftRuntime runtime, RosterService local, Supplier<String> leaderHint,
                        Supplier<List<String>> candidates, BiConsumer<String, RaftMessage> send, long attemptMillis,
                        long backoffMillis) {
        this.attemptMillis = attemptMillis;
        this.backoffMillis = backoffMillis;
        this.self = self;
        this.runtime = runtime;
        this.local = local;
        this.leaderHint = leaderHint;
        this.candidates = candidates;
        this.send = send;
    }

    /**
     * Asks the leader to apply {@code command}.
     *
     * @param timeoutMillis     the call's bound
     * @param retryInProgress   whether {@link RaftOperationStatus#MembershipChangeInProgress} is retried until the
     *                          bound (a node's own join and promotion wait their turn) rather than answered
     */
    public CompletableFuture<RosterService.Answer> request(RosterCommand command, long timeoutMillis,
                                                            boolean retryInProgress) {
        long id;
        synchronized (this) {
            id = nextId++;
        }
        Call call = new Call(command, runtime.monotonicMillis() + timeoutMillis, retryInProgress);
        calls.put(id, call);
        call.future.whenComplete((answer, error) -> calls.remove(id));
        attempt(id, call);
        return call.future;
    }

    /** An answer from another node; ignored unless it answers the current attempt of a call. */
    public void answered(RosterResponse response) {
        Call call = calls.get(response.requestId() >> 16);
        if (call == null || (response.requestId() & 0xffff) != (call.attempt & 0xffff)) {
            return;
        }
        RaftOperationStatus status;
        try {
            status = RaftOperationStatus.valueOf(response.status());
        } catch (IllegalArgumentException e) {
            status = RaftOperationStatus.Errored;
        }
        if (status == RaftOperationStatus.NodeClosed) {
            // The node asked is closing (a leader that leaves): another one leads soon, as after "not the leader".
            status = RaftOperationStatus.NodeIsNotLeader;
        }
        settle(response.requestId() >> 16, call, new RosterService.Answer(status, response.version(),
                response.leaderHint().isEmpty() ? null : response.leaderHint()));
    }

    /** Fails every open call (the node is closing). */
    public void closeAll() {
        calls.values().forEach(c -> c.future.complete(new RosterService.Answer(RaftOperationStatus.NodeClosed, 0,
                null)));
    }

    private void attempt(long id, Call call) {
        if (call.future.isDone()) {
            return;
        }
        if (runtime.monotonicMillis() >= call.deadline) {
            call.future.complete(new RosterService.Answer(call.reachedLeader ? RaftOperationStatus.ProposalTimeout
                    : RaftOperationStatus.NoLeader, 0, call.hint));
            return;
        }
        long attempt = ++call.attempt;
        String target = target(call);
        call.lastTarget = target;
        if (target == null || target.equals(self)) {
            local.submit(call.command).whenComplete((answer, error) -> {
                if (call.attempt == attempt) {
                    settle(id, call, error != null ? new RosterService.Answer(RaftOperationStatus.Errored, 0, null)
                            : answer);
                }
            });
        } else {
            RosterCommand c = call.command;
            send.accept(target, new RosterRequest(0, 0, (id << 16) | (attempt & 0xffff), c.kind().ordinal(),
                    c.endpoint(), c.nodeId(), c.incarnation()));
        }
        runtime.schedule(attemptMillis, () -> {
            if (call.attempt == attempt && !call.future.isDone()) {
                attempt(id, call);
            }
        });
    }

    /** The hint an answer gave, once; else the known leader and the candidates in turn. */
    private String target(Call call) {
        String hint = call.hint;
        if (hint != null) {
            call.hint = null;
            return hint;
        }
        List<String> all = new java.util.ArrayList<>();
        String known = leaderHint.get();
        if (known != null) {
            all.add(known);
        }
        all.addAll(candidates.get());
        return all.isEmpty() ? null : all.get(Math.floorMod(call.rotation++, all.size()));
    }

    private void settle(long id, Call call, RosterService.Answer answer) {
        RaftOperationStatus status = answer.status();
        boolean again = status == RaftOperationStatus.NodeIsNotLeader
                || (call.retryInProgress && status == RaftOperationStatus.MembershipChangeInProgress)
                || status == RaftOperationStatus.LeaderInOldTerm || status == RaftOperationStatus.ProposalQueueFull
                || status == RaftOperationStatus.LeadershipTransferInProgress
                || status == RaftOperationStatus.RestoreInProgress;
        if (!again) {
            call.future.complete(answer);
            return;
        }
        if (status != RaftOperationStatus.NodeIsNotLeader) {
            call.reachedLeader = true;
        }
        long attempt = ++call.attempt; // ignore late answers of the attempt just settled
        String hint = answer.leaderHint();
        boolean fresh = status == RaftOperationStatus.NodeIsNotLeader && hint != null && !hint.equals(call.lastTarget);
        call.hint = fresh ? hint : null;
        runtime.schedule(fresh ? 0 : backoffMillis, () -> {
            if (call.attempt == attempt) {
                attempt(id, call);
            }
        });
    }
}
