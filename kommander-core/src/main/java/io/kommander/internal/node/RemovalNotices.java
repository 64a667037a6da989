package io.kommander.internal.node;

import io.kommander.RaftOperationStatus;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.RaftMessage.RosterResponse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The notice a member sends a node that the roster removed and that still talks to it (its partitions campaign, or
 * answer): a {@link RosterResponse} that answers no request ({@link #REQUEST_ID}), with status
 * {@link RaftOperationStatus#NotAMember} and the sender's membership version. Sent at most once per
 * {@code intervalMillis} to each node, since a removed node may send many messages before it learns.
 *
 * <p>Thread-safe.
 */
final class RemovalNotices {

    /** The request id of a notice: no roster request has it (their ids start at 1 &lt;&lt; 16). */
    static final long REQUEST_ID = 0;
    /** More senders than this are forgotten at once: a bound, not a policy (removed nodes are few). */
    private static final int MAX_TRACKED = 1024;

    private final IRaftRuntime runtime;
    private final long intervalMillis;
    private final Map<String, Long> lastSent = new ConcurrentHashMap<>();

    RemovalNotices(IRaftRuntime runtime, long intervalMillis) {
        this.runtime = runtime;
        this.intervalMillis = intervalMillis;
    }

    /** Whether a response is a removal notice rather than an answer. */
    static boolean isNotice(RosterResponse response) {
        return response.requestId() == REQUEST_ID && response.partition() == 0 && response.term() == 0
                && RaftOperationStatus.NotAMember.name().equals(response.status()) && response.version() > 0;
    }

    /** Whether a notice to {@code node} is due now; if so, counts it as sent. */
    boolean due(String node) {
        long now = runtime.monotonicMillis();
        Long last = lastSent.get(node);
        if (last != null && now - last < intervalMillis) {
            return false;
        }
        if (lastSent.size() >= MAX_TRACKED) {
            lastSent.clear();
        }
        lastSent.put(node, now);
        return true;
    }
}
