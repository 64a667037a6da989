package io.kommander;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The membership, placement and retention settings: their defaults, and a clear refusal of each nonsense value. */
class MembershipSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        RaftConfiguration c = RaftConfiguration.builder().electionTimeoutMillis(700, 1_400).build();
        assertThat(c.promotionLagEntries()).isEqualTo(100);
        assertThat(c.membershipTimeoutMillis()).isEqualTo(60_000);
        assertThat(c.membershipRetryMillis()).isEqualTo(500);
        assertThat(c.membershipBackoffMillis()).isEqualTo(100);
        assertThat(c.membershipReconcileIntervalMillis()).isEqualTo(700);
        assertThat(c.snapshotRetentionBytes()).isEqualTo(256L << 20);
        assertThat(c.replicationFactor()).isEqualTo(3);
    }

    @Test
    void settingsSurviveToBuilder() {
        RaftConfiguration c = RaftConfiguration.builder().promotionLagEntries(7).membershipTimeoutMillis(9_000)
                .membershipRetryMillis(300).membershipBackoffMillis(30).membershipReconcileIntervalMillis(250)
                .snapshotRetentionBytes(4_096).replicationFactor(5).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.promotionLagEntries()).isEqualTo(7);
        assertThat(c.membershipReconcileIntervalMillis()).isEqualTo(250);
        assertThat(c.snapshotRetentionBytes()).isEqualTo(4_096);
        assertThat(c.replicationFactor()).isEqualTo(5);
    }

    @Test
    void zeroLagAndZeroRetainedBytesAreAllowed() {
        RaftConfiguration c = RaftConfiguration.builder().promotionLagEntries(0).snapshotRetentionBytes(0).build();
        assertThat(c.promotionLagEntries()).isZero();
        assertThat(c.snapshotRetentionBytes()).isZero();
    }

    static Stream<Arguments> nonsense() {
        return Stream.of(
                Arguments.of("promotionLagEntries", (UnaryOperator<RaftConfiguration.Builder>)
                        b -> b.promotionLagEntries(-1)),
                Arguments.of("membershipRetryMillis", (UnaryOperator<RaftConfiguration.Builder>)
                        b -> b.membershipRetryMillis(0)),
                Arguments.of("membershipBackoffMillis", (UnaryOperator<RaftConfiguration.Builder>)
                        b -> b.membershipBackoffMillis(-5)),
                Arguments.of("membershipReconcileIntervalMillis", (UnaryOperator<RaftConfiguration.Builder>)
                        b -> b.membershipReconcileIntervalMillis(0)),
                Arguments.of("membershipTimeoutMillis", (UnaryOperator<RaftConfiguration.Builder>)
                        b -> b.membershipTimeoutMillis(400)),
                Arguments.of("snapshotRetentionBytes", (UnaryOperator<RaftConfiguration.Builder>)
                        b -> b.snapshotRetentionBytes(-1)),
                Arguments.of("replicationFactor", (UnaryOperator<RaftConfiguration.Builder>)
                        b -> b.replicationFactor(0)),
                Arguments.of("replicationFactor", (UnaryOperator<RaftConfiguration.Builder>)
                        b -> b.replicationFactor(256)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonsense")
    void nonsenseIsRefusedNamingTheSetting(String field, UnaryOperator<RaftConfiguration.Builder> setting) {
        assertThatThrownBy(() -> setting.apply(RaftConfiguration.builder()).build())
                .isInstanceOf(RaftConfigurationException.class)
                .hasMessageContaining(field)
                .extracting(e -> ((RaftConfigurationException) e).field()).isEqualTo(field);
    }
}
