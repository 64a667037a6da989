package io.kommander.internal.session;

import io.kommander.time.HLCTimestamp;

import java.util.ArrayDeque;

/**
 * One client's session in a partition: the highest sequence applied and the results of the most recent requests,
 * oldest first. Not thread-safe: owned by the partition's executor.
 */
final class ClientSession {

    /** A request applied at {@code index} with {@code ticket}. */
    record AppliedRequest(long sequence, long index, HLCTimestamp ticket) {
    }

    private final long clientId;
    private final ArrayDeque<AppliedRequest> results = new ArrayDeque<>();
    private HLCTimestamp lastActivity;
    private long highestSequence;

    ClientSession(long clientId, HLCTimestamp lastActivity) {
        this.clientId = clientId;
        this.lastActivity = lastActivity;
    }

    long clientId() {
        return clientId;
    }

    HLCTimestamp lastActivity() {
        return lastActivity;
    }

    void touch(HLCTimestamp logTime) {
        lastActivity = logTime;
    }

    long highestSequence() {
        return highestSequence;
    }

    /** The remembered result of {@code sequence}, or null. */
    AppliedRequest find(long sequence) {
        for (AppliedRequest request : results) {
            if (request.sequence() == sequence) {
                return request;
            }
        }
        return null;
    }

    /** Records a request applied above the highest sequence, keeping the newest {@code keep} results. */
    void record(AppliedRequest request, int keep) {
        highestSequence = request.sequence();
        results.addLast(request);
        trim(keep);
    }

    /** Restores the highest sequence (which may exceed every remembered result's) from a snapshot. */
    void restoreHighest(long sequence) {
        highestSequence = sequence;
    }

    void trim(int keep) {
        while (results.size() > keep) {
            results.removeFirst();
        }
    }

    /** Remembered results, oldest first. */
    Iterable<AppliedRequest> results() {
        return results;
    }

    int resultCount() {
        return results.size();
    }
}
