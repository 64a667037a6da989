package io.kommander.cluster;

import io.kommander.PartitionDescriptor;
import io.kommander.PartitionMap;
import io.kommander.PartitionRange;
import io.kommander.RaftManager;
import io.kommander.RaftReplicationResult;
import io.kommander.testing.TestCluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A writer thread for split and merge tests on real threads: it cycles through keys, writing {@code key#n} to the
 * key's owner in node 0's map, at the generation that map shows, through the owner's leader. It remembers every
 * acknowledged payload and which partitions took them.
 */
final class KeyedWriter implements AutoCloseable {

    private final TestCluster cluster;
    private final List<String> keys;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<Integer> takers = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean writing = true;

    KeyedWriter(TestCluster cluster, List<String> keys, String name) {
        this.cluster = cluster;
        this.keys = List.copyOf(keys);
        this.thread = new Thread(this::run, name);
        thread.start();
    }

    /** The first {@code count} keys ({@code key0}, {@code key1}, ...) whose hash falls in {@code range}. */
    static List<String> keysIn(PartitionRange range, int count) {
        return IntStream.range(0, 100_000).mapToObj(i -> "key" + i).filter(k -> range.contains(PartitionMap.hash(k)))
                .limit(count).toList();
    }

    /** The first {@code count} keys of each range, alternating: the keys of both partitions of a merge. */
    static List<String> keysAcross(PartitionRange lower, PartitionRange upper, int count) {
        List<String> below = keysIn(lower, count);
        List<String> above = keysIn(upper, count);
        return IntStream.range(0, count).boxed().flatMap(i -> Stream.of(below.get(i), above.get(i))).toList();
    }

    /**
     * What a change made under writes ended with.
     *
     * @param result       the change's result
     * @param acknowledged every payload acknowledged while the writer ran
     * @param takers       the partitions that acknowledged a write
     */
    record Outcome<T>(T result, Set<String> acknowledged, Set<Integer> takers) {
    }

    /**
     * Makes {@code change} while a writer thread named {@code name} writes {@code keys}: 50 writes are acknowledged
     * before the change starts and 50 more after it completes (each wait bounded), then the writer stops.
     */
    static <T> Outcome<T> around(TestCluster cluster, List<String> keys, String name,
                                 Supplier<CompletableFuture<T>> change) throws Exception {
        try (KeyedWriter writer = new KeyedWriter(cluster, keys, name)) {
            writer.awaitMore(50);
            T result = change.get().get(TestCluster.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            writer.awaitMore(50);
            writer.close();
            return new Outcome<>(result, Set.copyOf(writer.acknowledged), Set.copyOf(writer.takers));
        }
    }

    /** The key a payload was written for. */
    static String keyOf(String payload) {
        return payload.substring(0, payload.indexOf('#'));
    }

    private void run() {
        for (int n = 0; writing; n++) {
            String key = keys.get(n % keys.size());
            String payload = key + "#" + n;
            PartitionDescriptor owner = cluster.node(0).getPartitionMap().ownerOfKey(key).orElseThrow();
            RaftManager leader = cluster.node(Math.max(cluster.leaderOf(owner.id()), 0));
            RaftReplicationResult result = leader.replicateLogs(owner.id(), "test",
                    List.of(payload.getBytes(StandardCharsets.UTF_8)), true, owner.generation()).join();
            if (result.success()) {
                acknowledged.add(payload);
                takers.add(owner.id());
            }
        }
    }

    /** Waits (bounded) until {@code more} writes beyond those acknowledged so far are acknowledged. */
    void awaitMore(int more) {
        int target = acknowledged.size() + more;
        await().atMost(TestCluster.WAIT).until(() -> acknowledged.size() >= target);
    }

    /** Every acknowledged payload so far (a live view). */
    Set<String> acknowledged() {
        return acknowledged;
    }

    /** The partitions that acknowledged a write so far (a live view). */
    Set<Integer> takers() {
        return takers;
    }

    /** Stops writing and waits (bounded) for the thread's last write to end. */
    @Override
    public void close() throws InterruptedException {
        writing = false;
        thread.join(TestCluster.WAIT.toMillis());
    }
}
