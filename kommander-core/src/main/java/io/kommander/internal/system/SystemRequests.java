package io.kommander.internal.system;

import io.kommander.RaftOperationStatus;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.RaftMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Hands a request to the system partition's leader, wherever the call is made: to this node's own service when it
 * leads, else in a message to the leader it knows of (or, knowing none, to each candidate in turn). An attempt that
 * gets no answer within its attempt time ({@code membershipRetryMillis}), or is told "not the leader" (or that the
 * node asked is closing, as a leader that leaves does), is tried again toward the newest hint,
 * until the call's deadline; then it completes with {@link RaftOperationStatus#NoLeader} (no leader answered) or
 * {@link RaftOperationStatus#ProposalTimeout} (a leader took it, and the change may still commit). Requests must be
 * idempotent, since a retry of one that committed is possible. The one engine behind {@link RosterClient} and
 * {@link PartitionMapClient}; each has its own instance (and so its own request ids) for its own answer type.
 *
 * <p>Thread-safe; answers complete on the runtime's timer thread, a transport thread or partition 0's executor
 * (callers relay them).
 *
 * @param <A> the answer type
 */
final class SystemRequests<A> {


    /** What one kind of request needs: how to ask here or elsewhere, and how to read and make answers. */
    interface Ask<A> {
        /**
         * Asks this node's own service (it leads the system partition, as far as this node knows); {@code callId}
         * is the same for every attempt of one call, and is what a remote attempt's wire id carries above its low
         * 16 bits, so a service can tell a retry from a new call.
         */
        CompletableFuture<A> local(long callId);

        /** The message that asks another node; {@code wireId} identifies the attempt in its answer. */
        RaftMessage remote(long wireId);

        /** An answer's status. */
        RaftOperationStatus status(A answer);

        /** An answer's hint of the system partition's leader, or null. */
        String leaderHint(A answer);

        /** The answer the call itself gives: no leader, a timeout, an error, or the node closing. */
        A failed(RaftOperationStatus status, String leaderHint);

        /**
         * Whether {@link RaftOperationStatus#MembershipChangeInProgress} is retried until the bound (a node's own
         * join and promotion wait their turn) rather than answered.
         */
        boolean retryInProgress();
    }

    private final String self;
    private final IRaftRuntime runtime;
    private final Supplier<String> leaderHint;
    private final Supplier<List<String>> candidates;
    private final BiConsumer<String, RaftMessage> send;
    /** How long one attempt waits for an answer before it is tried again. */
    private final long attemptMillis;
    /** How long a status of "try again later" (no leader yet, a change in progress) waits before the next attempt. */
    private final long backoffMillis;
    private final Map<Long, Call> calls = new ConcurrentHashMap<>();
    /**
     * Guarded by this. Starts at a random point drawn with the wall clock, so that a restarted node's calls do not
     * reuse the ids of its previous incarnation's, which a leader may still remember (see {@link #callIdOf}), and
     * partition 0's log does ({@code CreateCalls}): even with a fixed {@code electionSeed}, whose draws repeat.
     */
    private long nextId;

    /** One call: its future, deadline, how many attempts so far, and whether a leader ever took it. */
    private final class Call {
        final CompletableFuture<A> future = new CompletableFuture<>();
        final Ask<A> ask;
        final long deadline;
        volatile long attempt;
        volatile String hint;
        volatile boolean reachedLeader;
        volatile int rotation;
        volatile String lastTarget;

        Call(Ask<A> ask, long deadline) {
            this.ask = ask;
            this.deadline = deadline;
        }
    }

    /**
     * @param self       this node's endpoint
     * @param runtime    clock and timers
     * @param leaderHint the system partition's leader as last known here, or null
     * @param candidates where to look for the leader when none is known
     * @param send       sends a message to a node
     * @param attemptMillis how long one attempt waits for an answer before it is tried again
     * @param backoffMillis how long "try again later" waits before the next attempt
     */
    SystemRequests(String self, IRaftRuntime runtime, Supplier<String> leaderHint,
                   Supplier<List<String>> candidates, BiConsumer<String, RaftMessage> send, long attemptMillis,
                   long backoffMillis) {
        this.attemptMillis = attemptMillis;
        this.backoffMillis = backoffMillis;
        this.self = self;
        this.runtime = runtime;
        this.leaderHint = leaderHint;
        this.candidates = candidates;
        this.send = send;
        this.nextId = 1 + (runtime.random(self.hashCode() ^ runtime.wallClockMillis()).nextLong() & 0x3FFF_FFFFL);
    }

    /** The call id a remote attempt's wire id carries. */
    static long callIdOf(long wireId) {
        return wireId >> 16;
    }

    /** Asks the leader, within {@code timeoutMillis}. */
    CompletableFuture<A> request(Ask<A> ask, long timeoutMillis) {
        long id;
        synchronized (this) {
            id = nextId++;
        }
        Call call = new Call(ask, runtime.monotonicMillis() + timeoutMillis);
        calls.put(id, call);
        call.future.whenComplete((answer, error) -> calls.remove(id));
        attempt(id, call);
        return call.future;
    }

    /** An answer from another node to attempt {@code wireId}; ignored unless it answers a call's current attempt. */
    void answered(long wireId, A answer) {
        Call call = calls.get(wireId >> 16);
        if (call == null || (wireId & 0xffff) != (call.attempt & 0xffff)) {
            return;
        }
        settle(wireId >> 16, call, answer);
    }

    /** Completes every open call with {@code status} (the node is closing). */
    void closeAll(RaftOperationStatus status) {
        calls.values().forEach(c -> c.future.complete(c.ask.failed(status, null)));
    }

    private void attempt(long id, Call call) {
        if (call.future.isDone()) {
            return;
        }
        if (runtime.monotonicMillis() >= call.deadline) {
            call.future.complete(call.ask.failed(call.reachedLeader ? RaftOperationStatus.ProposalTimeout
                    : RaftOperationStatus.NoLeader, call.hint));
            return;
        }
        long attempt = ++call.attempt;
        String target = target(call);
        call.lastTarget = target;
        if (target == null || target.equals(self)) {
            call.ask.local(id).whenComplete((answer, error) -> {
                if (call.attempt == attempt) {
                    settle(id, call, error != null ? call.ask.failed(RaftOperationStatus.Errored, null) : answer);
                }
            });
        } else {
            send.accept(target, call.ask.remote((id << 16) | (attempt & 0xffff)));
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
        List<String> all = new ArrayList<>();
        String known = leaderHint.get();
        if (known != null) {
            all.add(known);
        }
        all.addAll(candidates.get());
        return all.isEmpty() ? null : all.get(Math.floorMod(call.rotation++, all.size()));
    }

    private void settle(long id, Call call, A answer) {
        RaftOperationStatus status = call.ask.status(answer);
        if (status == RaftOperationStatus.NodeClosed) {
            // The node asked is closing (a leader that leaves): another one leads soon, as after "not the leader".
            status = RaftOperationStatus.NodeIsNotLeader;
        }
        boolean again = status == RaftOperationStatus.NodeIsNotLeader
                || (call.ask.retryInProgress() && status == RaftOperationStatus.MembershipChangeInProgress)
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
        String hint = call.ask.leaderHint(answer);
        boolean fresh = status == RaftOperationStatus.NodeIsNotLeader && hint != null && !hint.equals(call.lastTarget);
        call.hint = fresh ? hint : null;
        runtime.schedule(fresh ? 0 : backoffMillis, () -> {
            if (call.attempt == attempt) {
                attempt(id, call);
            }
        });
    }
}
