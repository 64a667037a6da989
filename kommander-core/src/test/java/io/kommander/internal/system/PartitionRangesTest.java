package io.kommander.internal.system;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionRangesTest {

    @Test
    void fnv1aMatchesPublishedVectors() {
        assertThat(KeyHash.of("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(KeyHash.of("a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(KeyHash.of("foobar")).isEqualTo(0x85944171f73967e8L);
    }

    @Test
    void rangesCoverTheWholeUnsignedSpaceInOrder() {
        PartitionRanges ranges = PartitionRanges.split(4);
        assertThat(ranges.partitionOf(0L)).isEqualTo(1);
        assertThat(ranges.partitionOf(0x3fffffffffffffffL)).isEqualTo(1);
        assertThat(ranges.partitionOf(0x4000000000000000L)).isEqualTo(2);
        assertThat(ranges.partitionOf(0x8000000000000000L)).isEqualTo(3);
        assertThat(ranges.partitionOf(-1L)).isEqualTo(4);
    }

    @Test
    void encodingRoundTripsAndRejectsGarbage() {
        PartitionRanges ranges = PartitionRanges.split(7);
        assertThat(PartitionRanges.decode(ranges.encode())).isEqualTo(ranges);
        assertThatThrownBy(() -> PartitionRanges.decode(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
    }
}
