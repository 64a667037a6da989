package io.kommander;

/**
 * Identifies one write of one client so that retrying it is safe: a retried request returns the result of the
 * first attempt that was applied instead of appending again (see {@link IRaft#replicateLogs(int, String, byte[],
 * RequestId)}). Every replica of a partition remembers a bounded window of recent requests per client (a
 * <em>session</em>) as part of the replicated state, so the answer survives leader changes and restarts.
 *
 * <p>A client picks a {@code clientId} of its own (a random 64-bit value, say) and numbers its requests 1, 2, 3...:
 * each new request takes a higher sequence than the one before, gaps allowed; a retry repeats the request's id.
 * Sequence 1 opens the client's session; a session expires after a while without requests (measured in log time,
 * see {@code docs/getting-started.md}), and a request of an unknown session with a sequence above 1 is refused with
 * {@link RaftOperationStatus#SessionExpired}: the client must start over with a new client id.
 *
 * <p>Immutable and thread-safe.
 *
 * @param clientId the client, unique among the clients of a partition; never 0
 * @param sequence the request's number within the client, from 1
 */
public record RequestId(long clientId, long sequence) {

    /**
     * Canonical constructor.
     *
     * @throws IllegalArgumentException if {@code clientId} is 0 or {@code sequence} is below 1
     */
    public RequestId {
        if (clientId == 0) {
            throw new IllegalArgumentException("clientId must not be 0");
        }
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, was " + sequence);
        }
    }

    /** The request id of {@code clientId}'s request number {@code sequence}. */
    public static RequestId of(long clientId, long sequence) {
        return new RequestId(clientId, sequence);
    }

    /** The id of the same client's next request. */
    public RequestId next() {
        return new RequestId(clientId, sequence + 1);
    }

    @Override
    public String toString() {
        return Long.toHexString(clientId) + "#" + sequence;
    }
}
