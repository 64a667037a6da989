package io.kommander;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public map type: routing by hash and prefix, and what it refuses to hold. */
class PartitionMapTest {

    private static final PartitionMap MAP = new PartitionMap(3, List.of(
            PartitionDescriptor.active(1, new PartitionRange(0, 0x7fffffffffffffffL)),
            PartitionDescriptor.active(2, new PartitionRange(0x8000000000000000L, -1L)),
            PartitionDescriptor.active(3, null)));

    @Test
    void routesEveryHashToTheOneRangeThatHoldsItComparedUnsigned() {
        assertThat(MAP.ownerOf(0L).orElseThrow().id()).isEqualTo(1);
        assertThat(MAP.ownerOf(0x7fffffffffffffffL).orElseThrow().id()).isEqualTo(1);
        assertThat(MAP.ownerOf(0x8000000000000000L).orElseThrow().id()).isEqualTo(2);
        assertThat(MAP.ownerOf(-1L).orElseThrow().id()).isEqualTo(2);
        assertThat(MAP.highestId()).isEqualTo(3);
    }

    @Test
    void hashIsFnv1a64OverUtf8() {
        assertThat(PartitionMap.hash("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(PartitionMap.hash("foobar")).isEqualTo(0x85944171f73967e8L);
    }

    @Test
    void prefixIsThePartBeforeTheLastSlash() {
        assertThat(PartitionMap.prefixOf("orders/42/line/1")).isEqualTo("orders/42/line");
        assertThat(PartitionMap.prefixOf("orders")).isEqualTo("orders");
        assertThat(PartitionMap.prefixOf("/x")).isEmpty();
    }

    @Test
    void overlappingLiveRangesAndRepeatedIdsAreRefusedButARemovedPartitionsRangeIsFree() {
        PartitionDescriptor a = PartitionDescriptor.active(1, new PartitionRange(0, 10));
        assertThatThrownBy(() -> new PartitionMap(1, List.of(a, PartitionDescriptor.active(2,
                new PartitionRange(10, 20))))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PartitionMap(1, List.of(a, a))).isInstanceOf(IllegalArgumentException.class);

        PartitionMap map = new PartitionMap(1, List.of(a.withState(PartitionState.REMOVED),
                PartitionDescriptor.active(2, new PartitionRange(5, 20))));
        assertThat(map.ownerOf(6).orElseThrow().id()).isEqualTo(2);
        assertThat(map.ownerOf(1)).isEmpty();
    }

    @Test
    void rangeEndsAreInclusiveAndOrderedUnsigned() {
        assertThat(PartitionRange.ALL.contains(-1L)).isTrue();
        assertThat(new PartitionRange(-2L, -1L).contains(0)).isFalse();
        assertThatThrownBy(() -> new PartitionRange(-1L, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theNextMapOfPlacementsRoutesToTheNewDescriptorsAndEqualsTheMapBuiltWhole() {
        PartitionDescriptor placed = MAP.partition(2).orElseThrow().withPlacement(List.of("a:1", "b:1"),
                List.of("b:1"));
        PartitionDescriptor unrouted = MAP.partition(3).orElseThrow().withPlacement(List.of("c:1"), List.of());

        PartitionMap next = MAP.next(List.of(placed, unrouted));

        assertThat(next.version()).isEqualTo(4);
        assertThat(next.ownerOf(-1L)).contains(placed);
        assertThat(next.partition(3)).contains(unrouted);
        assertThat(next).isEqualTo(new PartitionMap(4, List.of(MAP.partition(1).orElseThrow(), placed, unrouted)));
        assertThat(MAP.partition(2)).contains(PartitionDescriptor.active(2, new PartitionRange(0x8000000000000000L,
                -1L))); // the map it came from is unchanged
    }

    @Test
    void theNextMapOfARangeOrStateChangeOrANewPartitionIsBuiltWholeAndChecked() {
        PartitionDescriptor drained = MAP.partition(1).orElseThrow().withState(PartitionState.REMOVED);
        PartitionDescriptor created = PartitionDescriptor.active(4, new PartitionRange(0, 10));

        PartitionMap next = MAP.next(List.of(drained, created));

        assertThat(next.ownerOf(5L)).contains(created);
        assertThat(next.ownerOf(11L)).isEmpty();
        assertThat(next.highestId()).isEqualTo(4);
        assertThat(next.partitions()).extracting(PartitionDescriptor::id).containsExactly(1, 2, 3, 4);
        assertThatThrownBy(() -> MAP.next(List.of(created))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void partitionsIsAnUnmodifiableListByAscendingId() {
        PartitionMap map = new PartitionMap(1, List.of(PartitionDescriptor.active(3, null),
                PartitionDescriptor.active(1, null)));

        assertThat(map.partitions()).extracting(PartitionDescriptor::id).containsExactly(1, 3);
        assertThatThrownBy(() -> map.partitions().set(0, PartitionDescriptor.active(2, null)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(map.partition(2)).isEmpty();
    }
}
