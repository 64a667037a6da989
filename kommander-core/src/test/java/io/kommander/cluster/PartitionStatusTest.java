package io.kommander.cluster;

import io.kommander.IRaft;
import io.kommander.PartitionStatus;
import io.kommander.RaftClosedException;
import io.kommander.testing.TestCluster;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code IRaft.partitionStatus} and {@code leaderHint} show where each replica of a partition stands. */
class PartitionStatusTest {

    private static PartitionStatus status(IRaft node, int partition) {
        return node.partitionStatus(partition).orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void leaderShowsEachFollowersMatchAndLagAndFollowersShowTheLeader() {
        try (TestCluster cluster = TestCluster.inMemory(3, 1).start()) {
            for (int i = 0; i < 5; i++) {
                cluster.write(1, "w" + i);
            }
            int leader = cluster.awaitLeader(1);
            await().atMost(TestCluster.WAIT).until(() -> status(cluster.node(leader), 1).followers().stream()
                    .allMatch(f -> f.lag() == 0));
            int cut = cluster.others(leader).get(0);
            int follower = cluster.others(leader).get(1);
            cluster.network().isolate(cluster.endpoint(cut));
            for (int i = 0; i < 3; i++) {
                cluster.write(1, "x" + i);
            }
            // Wait until the connected follower has applied everything and the leader knows it.
            await().atMost(TestCluster.WAIT).until(() -> status(cluster.node(follower), 1).appliedIndex()
                    == status(cluster.node(leader), 1).lastIndex()
                    && status(cluster.node(leader), 1).followers().stream()
                    .anyMatch(f -> f.endpoint().equals(cluster.endpoint(follower)) && f.lag() == 0));

            PartitionStatus lead = status(cluster.node(leader), 1);
            assertThat(lead.partition()).isEqualTo(1);
            assertThat(lead.state()).isEqualTo(PartitionStatus.State.LEADER);
            assertThat(lead.leader()).isEqualTo(cluster.endpoint(leader));
            assertThat(lead.commitIndex()).isEqualTo(lead.lastIndex());
            assertThat(lead.appliedIndex()).isEqualTo(lead.commitIndex());
            assertThat(lead.followers()).extracting(PartitionStatus.FollowerStatus::endpoint)
                    .containsExactlyInAnyOrder(cluster.endpoint(cut), cluster.endpoint(follower));
            PartitionStatus.FollowerStatus behind = lead.followers().stream()
                    .filter(f -> f.endpoint().equals(cluster.endpoint(cut))).findFirst().orElseThrow();
            assertThat(behind.lag()).isEqualTo(3);
            assertThat(behind.matchIndex()).isEqualTo(lead.lastIndex() - 3);

            PartitionStatus follows = status(cluster.node(follower), 1);
            assertThat(follows.state()).isEqualTo(PartitionStatus.State.FOLLOWER);
            assertThat(follows.leader()).isEqualTo(cluster.endpoint(leader));
            assertThat(follows.term()).isEqualTo(lead.term());
            assertThat(follows.followers()).isEmpty();
            assertThat(follows.failure()).isNull();
            assertThat(follows.voters()).as("every node votes in a fresh cluster").containsExactlyInAnyOrder(
                    cluster.endpoint(leader), cluster.endpoint(cut), cluster.endpoint(follower));
            assertThat(follows.learners()).isEmpty();
            assertThat(cluster.node(follower).leaderHint(1)).isEqualTo(cluster.endpoint(leader));
        }
    }

    @Test
    void unknownPartitionAndClosedNodeFailTheStatusFuture() {
        try (TestCluster cluster = TestCluster.inMemory(1, 1).start()) {
            IRaft node = cluster.node(0);
            assertThatThrownBy(() -> node.partitionStatus(0).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> node.partitionStatus(2).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(node.leaderHint(2)).isNull();
            node.close();
            assertThatThrownBy(() -> node.partitionStatus(1).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(RaftClosedException.class);
            assertThat(node.leaderHint(1)).isNull();
        }
    }
}
