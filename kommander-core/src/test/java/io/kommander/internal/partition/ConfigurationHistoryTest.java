package io.kommander.internal.partition;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configurations: their bytes, and which one is in effect as a log grows, is truncated, compacted and restored. */
class ConfigurationHistoryTest {

    private static final Configuration ABC = Configuration.ofVoters(List.of("c", "a", "b"));

    private static LogEntry change(long index, Configuration configuration) {
        return new LogEntry(index, 1, EntryKind.CONFIGURATION, HLCTimestamp.ZERO, "", configuration.encode());
    }

    @Test
    void aConfigurationRoundTripsThroughItsBytes() {
        Configuration withLearner = ABC.withLearner("d");
        assertThat(Configuration.decode(withLearner.encode())).isEqualTo(withLearner);
        assertThat(withLearner.promoted("d").voters()).containsExactly("a", "b", "c", "d");
        assertThat(withLearner.without("a").othersThan("b")).containsExactly("c", "d");
    }

    @Test
    void countingTheOthersAgreesWithListingThem() {
        // The quiescence check counts where it once listed: the count must be the list's size for every kind of self.
        Configuration withLearner = ABC.withLearner("d");
        for (String self : List.of("a", "d", "z")) {
            assertThat(withLearner.countOthersThan(self)).as(self).isEqualTo(withLearner.othersThan(self).size());
        }
    }

    @Test
    void corruptBytesAreRefusedWithAClearError() {
        byte[] bytes = ABC.encode();
        assertThatThrownBy(() -> Configuration.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("configuration");
        bytes[0] = 9;
        assertThatThrownBy(() -> Configuration.decode(bytes)).hasMessageContaining("version 9");
        assertThatThrownBy(() -> new Configuration(ABC.voters(), ABC.voters()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChangeIsInEffectOnceAppendedAndGoneOnceTruncated() {
        ConfigurationHistory history = new ConfigurationHistory();
        history.reset(0, ABC);
        history.appended(change(5, ABC.withLearner("d")));
        assertThat(history.current().learners()).containsExactly("d");
        assertThat(history.at(4)).isEqualTo(ABC);
        assertThat(history.changePendingAbove(4)).isTrue();
        assertThat(history.changePendingAbove(5)).isFalse();
        history.truncatedAfter(4);
        assertThat(history.current()).isEqualTo(ABC);
    }

    @Test
    void compactionKeepsTheConfigurationInEffectAtItsPointAndASnapshotRestoresIt() {
        ConfigurationHistory history = new ConfigurationHistory();
        history.reset(0, ABC);
        history.appended(change(3, ABC.withLearner("d")));
        history.appended(change(8, ABC.withLearner("d").promoted("d")));
        byte[] snapshot = history.snapshotAt(5);
        history.compactedTo(5);
        assertThat(history.startIndex()).isEqualTo(3);
        assertThat(history.at(5).learners()).containsExactly("d");

        ConfigurationHistory restored = new ConfigurationHistory();
        restored.restore(snapshot);
        assertThat(restored.current()).isEqualTo(ABC.withLearner("d"));
        assertThat(restored.currentIndex()).isEqualTo(3);
        assertThatThrownBy(() -> restored.restore(new byte[3])).isInstanceOf(IllegalArgumentException.class);
    }
}
