package io.kommander.internal.system;

import io.kommander.RaftOperationStatus;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.RaftMessage;
import io.kommander.transport.RaftMessage.RosterRequest;
import io.kommander.transport.RaftMessage.RosterResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Hands a roster command to the system partition's leader, wherever the call is made: to this node's own
 * {@link RosterService} when it leads, else in a {@link RosterRequest} to the leader it knows of (or, knowing none,
 * to each candidate in turn: the roster's members, or the seeds of a node that is not in it yet). The routing,
 * retries and bounds are {@link SystemRequests}'; commands are idempotent, so a retry of one that committed is
 * answered Success.
 *
 * <p>Thread-safe; answers complete on the runtime's timer thread, a transport thread or partition 0's executor
 * (callers relay them).
 */
public final class RosterClient {

    private final RosterService local;
    private final SystemRequests<RosterService.Answer> requests;

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
        this.local = local;
        this.requests = new SystemRequests<>(self, runtime, leaderHint, candidates, send, attemptMillis,
                backoffMillis);
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
        return requests.request(new SystemRequests.Ask<>() {
            @Override
            public CompletableFuture<RosterService.Answer> local(long callId) {
                return local.submit(command);
            }

            @Override
            public RaftMessage remote(long wireId) {
                return new RosterRequest(0, 0, wireId, command.kind().ordinal(), command.endpoint(), command.nodeId(),
                        command.incarnation());
            }

            @Override
            public RaftOperationStatus status(RosterService.Answer answer) {
                return answer.status();
            }

            @Override
            public String leaderHint(RosterService.Answer answer) {
                return answer.leaderHint();
            }

            @Override
            public RosterService.Answer failed(RaftOperationStatus status, String leaderHint) {
                return new RosterService.Answer(status, 0, leaderHint);
            }

            @Override
            public boolean retryInProgress() {
                return retryInProgress;
            }
        }, timeoutMillis);
    }

    /** An answer from another node; ignored unless it answers the current attempt of a call. */
    public void answered(RosterResponse response) {
        requests.answered(response.requestId(), new RosterService.Answer(SystemStatus.parse(response.status()),
                response.version(), response.leaderHint().isEmpty() ? null : response.leaderHint()));
    }

    /** Fails every open call (the node is closing). */
    public void closeAll() {
        requests.closeAll(RaftOperationStatus.NodeClosed);
    }
}
