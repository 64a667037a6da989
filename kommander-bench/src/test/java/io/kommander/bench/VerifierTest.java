package io.kommander.bench;

import io.kommander.bench.load.Verification;
import io.kommander.bench.load.Verifier;
import io.kommander.bench.system.NodeLedger;
import io.kommander.bench.system.Payloads;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerifierTest {

    private static final Verifier VERIFIER = new Verifier(Duration.ofMillis(50));

    private static NodeLedger delivered(long... ids) {
        NodeLedger ledger = new NodeLedger(1);
        for (long id : ids) {
            ledger.deliver(0, Payloads.create(id, 32));
        }
        return ledger;
    }

    private static List<BitSet> acknowledged(int... ids) {
        BitSet set = new BitSet();
        for (int id : ids) {
            set.set(id);
        }
        return List.of(set);
    }

    @Test
    void nodesThatDeliveredEveryAcknowledgedEntryInTheSameOrderPass() {
        Verification result = VERIFIER.verify(acknowledged(0, 1, 2),
                List.of(delivered(0, 1, 2, 3), delivered(0, 1, 2, 3), delivered(0, 1, 2, 3)));

        assertThat(result.verified()).isTrue();
        assertThat(result.deliveredPerNode()).containsExactly(4L, 4L, 4L);
    }

    @Test
    void aNodeMissingAnAcknowledgedEntryFailsAndIsCounted() {
        Verification result = VERIFIER.verify(acknowledged(0, 1, 2),
                List.of(delivered(0, 1, 2), delivered(0, 2), delivered(0, 1, 2)));

        assertThat(result.allDelivered()).isFalse();
        assertThat(result.missingPerNode()).containsExactly(0L, 1L, 0L);
        assertThat(result.verified()).isFalse();
    }

    @Test
    void nodesThatDeliveredTheSameEntriesInAnotherOrderFail() {
        Verification result = VERIFIER.verify(acknowledged(0, 1),
                List.of(delivered(0, 1), delivered(1, 0), delivered(0, 1)));

        assertThat(result.allDelivered()).isTrue();
        assertThat(result.sameSequence()).isFalse();
    }

    @Test
    void payloadsThatAreNotTheHarnessesAreIgnored() {
        NodeLedger ledger = new NodeLedger(1);
        ledger.deliver(0, new byte[] {1, 2, 3});
        ledger.deliver(0, Payloads.create(7, Payloads.MIN_SIZE));

        assertThat(ledger.total()).isEqualTo(1);
        assertThat(ledger.partition(0).ids().get(7)).isTrue();
    }

    @Test
    void withPlacementEachPartitionIsJudgedOnTheNodesThatHostItOnly() {
        NodeLedger host = new NodeLedger(2);
        host.deliver(0, Payloads.create(0, 32));
        host.deliver(1, Payloads.create(1, 32));
        NodeLedger hostOfPartition1 = new NodeLedger(2);
        hostOfPartition1.deliver(1, Payloads.create(1, 32));
        BitSet zero = new BitSet();
        zero.set(0);
        BitSet one = new BitSet();
        one.set(1);
        List<BitSet> acknowledged = List.of(zero, one);

        Verification placed = VERIFIER.verify(acknowledged, () -> List.of(host, hostOfPartition1),
                List.of(bits(0, 1), bits(1)));
        Verification everywhere = VERIFIER.verify(acknowledged, () -> List.of(host, hostOfPartition1));

        assertThat(placed.verified()).isTrue();
        assertThat(placed.missingPerNode()).containsExactly(0L, 0L);
        assertThat(everywhere.verified()).isFalse();
        assertThat(everywhere.missingPerNode()).containsExactly(0L, 1L);
    }

    @Test
    void withPlacementAHostMissingAnAcknowledgedEntryStillFails() {
        NodeLedger complete = new NodeLedger(1);
        complete.deliver(0, Payloads.create(0, 32));
        NodeLedger lagging = new NodeLedger(1);

        Verification result = VERIFIER.verify(acknowledged(0), () -> List.of(complete, lagging),
                List.of(bits(0), bits(0)));

        assertThat(result.allDelivered()).isFalse();
        assertThat(result.missingPerNode()).containsExactly(0L, 1L);
    }

    private static BitSet bits(int... partitions) {
        BitSet set = new BitSet();
        for (int p : partitions) {
            set.set(p);
        }
        return set;
    }
}
