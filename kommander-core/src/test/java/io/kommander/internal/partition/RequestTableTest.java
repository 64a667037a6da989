package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class RequestTableTest {

    private final RequestTable<String> table = new RequestTable<>();

    @Test
    void answersWhatWasPutAndForgetsWhatWasRemoved() {
        table.put(1, "a");
        table.put(2, "b");
        assertThat(table.remove(1)).isEqualTo("a");
        assertThat(table.remove(1)).isNull();
        assertThat(table.remove(3)).isNull();
        assertThat(table.remove(2)).isEqualTo("b");
        assertThat(table.size()).isZero();
    }

    @Test
    void anEmptyTableRemovesNothing() {
        assertThat(table.remove(7)).isNull();
        assertThat(table.takeAll()).isEmpty();
    }

    @Test
    void takeAllReturnsTheValuesInIdOrderAndEmptiesTheTable() {
        for (long id = 40; id >= 1; id--) {
            table.put(id, "v" + id);
        }
        table.remove(20);
        assertThat(table.takeAll()).hasSize(39).startsWith("v1", "v2").endsWith("v39", "v40").doesNotContain("v20");
        assertThat(table.size()).isZero();
        assertThat(table.remove(5)).isNull();
    }

    @Test
    void behavesAsAMapUnderRandomPutsAndRemovals() {
        TreeMap<Long, String> expected = new TreeMap<>();
        Random random = new Random(15);
        long nextId = 1;
        for (int step = 0; step < 100_000; step++) {
            if (random.nextInt(3) > 0 || expected.isEmpty()) {
                long id = nextId++;
                table.put(id, "v" + id);
                expected.put(id, "v" + id);
            } else {
                // Mostly the oldest ids, as answers come; sometimes any id, present or not.
                long id = random.nextInt(4) == 0 ? 1 + random.nextInt((int) nextId)
                        : expected.firstKey();
                assertThat(table.remove(id)).isEqualTo(expected.remove(id));
            }
            assertThat(table.size()).isEqualTo(expected.size());
        }
        for (Map.Entry<Long, String> entry : expected.entrySet()) {
            assertThat(table.remove(entry.getKey())).isEqualTo(entry.getValue());
        }
        assertThat(table.size()).isZero();
    }
}
