package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionSeamsTest {

    @Test
    void everyPlantedBugCanBePlantedThroughTheSeam() {
        assertThat(Arrays.stream(PartitionSeams.Bug.values()).map(PartitionSeams.Bug::planted))
                .containsExactly(PlantedBug.values());
    }
}
