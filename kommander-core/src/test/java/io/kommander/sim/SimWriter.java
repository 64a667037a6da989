package io.kommander.sim;

import io.kommander.IRaft;
import io.kommander.RaftReplicationResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * A careful client of a {@link SimCluster}: it writes through whichever node leads, retries what was certainly not
 * appended, and resolves an ambiguous failure by reading a confirmed leader's history, so that each payload is
 * committed exactly once. Time moves only through the cluster's waits.
 *
 * <p>Not thread-safe: one test, one thread, like its cluster.
 */
final class SimWriter {

    private static final long RETRY_MILLIS = 10;

    private final SimCluster cluster;

    SimWriter(SimCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Writes a payload through the current leader until it is committed exactly once, as a careful client would.
     * A refusal that proves the entry was not appended (not leader, queue full, restoring) is retried. An ambiguous
     * failure (leadership lost, or a time-out after appending) is resolved by asking a leader that has confirmed
     * its leadership (so it has applied everything older terms will ever commit) whether the payload is in its
     * history, and retried only if it is not. Payloads must be unique.
     *
     * @return the successful result, or that of the ambiguous attempt that turned out to be committed
     * @throws AssertionError if the write is not committed within {@link SimCluster#WAIT} of virtual time
     */
    RaftReplicationResult write(int partition, String payload) {
        long deadline = cluster.now() + SimCluster.WAIT.toMillis();
        while (true) {
            int leader = cluster.awaitLeader(partition);
            RaftReplicationResult result = cluster.await(cluster.node(leader).replicateLogs(partition, "test",
                    bytes(payload)));
            if (result.success() || (isAmbiguous(result) && committed(partition, payload, deadline))) {
                return result;
            }
            checkDeadline(deadline, partition, payload, "last status " + result.status());
            cluster.runFor(Duration.ofMillis(RETRY_MILLIS));
        }
    }

    private void checkDeadline(long deadline, int partition, String payload, String detail) {
        if (cluster.now() >= deadline) {
            throw cluster.failure("write " + payload + " to partition " + partition + " was not committed within "
                    + SimCluster.WAIT.toMillis() + " ms; " + detail);
        }
    }

    /** Writes {@code prefix0..prefix(count-1)}, one after the other, each committed before the next; returns them. */
    List<String> writeSequentially(int partition, String prefix, int count) {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            write(partition, prefix + i);
            written.add(prefix + i);
        }
        return written;
    }

    /**
     * Sends {@code prefix0..prefix(count-1)} to the partition's leader at one instant, without waiting in between,
     * and requires every one to succeed.
     *
     * @return the payloads in the log order their results named
     * @throws AssertionError if a write fails or the results do not all arrive within {@link SimCluster#WAIT}
     */
    List<String> writeBurst(int partition, String prefix, int count) {
        IRaft leader = cluster.node(cluster.awaitLeader(partition));
        List<CompletableFuture<RaftReplicationResult>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(leader.replicateLogs(partition, "test", bytes(prefix + i)));
        }
        List<RaftReplicationResult> results = cluster.awaitAll(futures);
        for (int i = 0; i < count; i++) {
            if (!results.get(i).success()) {
                throw cluster.failure("burst write " + prefix + i + " to partition " + partition + " failed: "
                        + results.get(i).status());
            }
        }
        return IntStream.range(0, count).boxed().sorted(Comparator.comparingLong(i -> results.get(i).logIndex()))
                .map(i -> prefix + i).toList();
    }

    private static boolean isAmbiguous(RaftReplicationResult result) {
        return switch (result.status()) {
            case LeaderInOldTerm, ProposalTimeout, ReplicationFailed -> true;
            default -> false;
        };
    }

    private boolean committed(int partition, String payload, long deadline) {
        while (true) {
            int leader = cluster.awaitLeader(partition);
            if (cluster.await(cluster.node(leader).confirmLeadership(partition))) {
                return cluster.history(leader, partition).stream().anyMatch(log -> SimCluster.text(log).equals(payload));
            }
            checkDeadline(deadline, partition, payload, "no leader confirmed its leadership");
            cluster.runFor(Duration.ofMillis(RETRY_MILLIS));
        }
    }

    private static byte[] bytes(String payload) {
        return payload.getBytes(StandardCharsets.UTF_8);
    }
}
