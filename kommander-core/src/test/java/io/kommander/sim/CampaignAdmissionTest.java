package io.kommander.sim;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node lets only {@code maxPartitionsPerWalWrite} of its replicas stand for election at once (docs/scale.md): with
 * the bound at one, far below the partition count, no partition is starved of a leader, at a cold start or after the
 * leader's node crashes.
 */
class CampaignAdmissionTest {

    private static final int PARTITIONS = 24;

    @Test
    void everyPartitionElectsWithOneCampaignPerNodeAtATime() {
        SimCluster cluster = SimCluster.builder(3, PARTITIONS).tuning(c -> c.maxPartitionsPerWalWrite(1)).start();
        IntStream.rangeClosed(1, PARTITIONS).forEach(cluster::awaitLeader);

        int crashed = cluster.awaitLeader(1);
        cluster.crash(crashed);
        IntStream.rangeClosed(1, PARTITIONS).forEach(partition ->
                assertThat(cluster.awaitLeader(partition)).isNotEqualTo(crashed));
    }
}
