package io.kommander.bench.capacity;

import io.kommander.bench.node.NodeStats;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlacementTest {

    private static BitSet bits(int... partitions) {
        BitSet set = new BitSet();
        for (int p : partitions) {
            set.set(p);
        }
        return set;
    }

    private static NodeStats node(BitSet hosted, BitSet placed, BitSet led, BitSet settled) {
        return new NodeStats(0, 0, 0, 0, 0, 0, 0, 0, hosted, placed, led, settled, false);
    }

    @Test
    void everyPartitionOnRNodesWithOneSettledLeaderIsSettledEvenWithAStaleReplica() {
        List<NodeStats> stats = List.of(node(bits(0, 1), bits(0, 1), bits(0), bits(0)),
                node(bits(0, 1), bits(0, 1), bits(1), bits(1)), node(bits(0), bits(), bits(), bits()));

        assertThat(Placement.unsettled(stats, 2, 2)).isNull();
        assertThat(Placement.staleReplicas(stats.get(2))).isEqualTo(1);
        assertThat(Placement.staleReplicas(stats.get(0))).isZero();
    }

    @Test
    void aPartitionPlacedOnTooManyNodesOrLedWithoutItsPlacementIsNotSettled() {
        List<NodeStats> tooMany = List.of(node(bits(0), bits(0), bits(0), bits(0)),
                node(bits(0), bits(0), bits(), bits()), node(bits(0), bits(0), bits(), bits()));
        List<NodeStats> unsettledLeader = List.of(node(bits(0), bits(0), bits(0), bits()),
                node(bits(0), bits(0), bits(), bits()));

        assertThat(Placement.unsettled(tooMany, 1, 2)).contains("placed on 3 nodes (want 2)");
        assertThat(Placement.unsettled(unsettledLeader, 1, 2)).contains("1 leaders and 0 settled leaders");
    }
}
