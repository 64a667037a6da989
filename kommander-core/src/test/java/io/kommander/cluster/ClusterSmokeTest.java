package io.kommander.cluster;

import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ClusterSmokeTest {

    @Test
    void threeNodesElectAndReplicate() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            cluster.awaitLeader(1);
            for (int i = 0; i < 10; i++) {
                assertThat(cluster.write(1, "v" + i).success()).isTrue();
            }
            await().atMost(TestCluster.WAIT).until(() ->
                    cluster.delivered(0, 1).size() == 10 && cluster.delivered(1, 1).size() == 10
                            && cluster.delivered(2, 1).size() == 10);
        }
    }
}
