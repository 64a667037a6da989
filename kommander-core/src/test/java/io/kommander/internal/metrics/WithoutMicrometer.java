package io.kommander.internal.metrics;

import io.kommander.testing.TestCluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What {@link NoMicrometerTest} runs in a class loader without Micrometer: a 3-node cluster built without a meter
 * registry writes to both its partitions. It names no Micrometer type, so it loads there.
 */
public final class WithoutMicrometer implements Callable<List<String>> {

    /** Needed by the reflective call. */
    public WithoutMicrometer() {
    }

    /**
     * Runs the cluster; returns whether Micrometer was visible, then each node's count of entries delivered per
     * partition.
     */
    @Override
    public List<String> call() {
        List<String> seen = new ArrayList<>();
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry");
            seen.add("micrometer visible");
        } catch (ClassNotFoundException expected) {
            seen.add("no micrometer");
        }
        try (TestCluster cluster = TestCluster.inMemory(3, 2).start()) {
            for (int partition = 1; partition <= 2; partition++) {
                for (int i = 0; i < 5; i++) {
                    cluster.write(partition, "p" + partition + "-" + i);
                }
            }
            for (int node = 0; node < 3; node++) {
                int n = node;
                for (int partition = 1; partition <= 2; partition++) {
                    int p = partition;
                    org.awaitility.Awaitility.await().atMost(TestCluster.WAIT)
                            .until(() -> cluster.delivered(n, p).size() >= 5);
                    seen.add("node " + n + " partition " + p + ": " + cluster.delivered(n, p).size());
                }
            }
        }
        return seen;
    }
}
