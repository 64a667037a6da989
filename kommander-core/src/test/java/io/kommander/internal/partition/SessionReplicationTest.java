package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.RaftOperationStatus;
import io.kommander.RaftReplicationResult;
import io.kommander.RequestId;
import io.kommander.transport.RaftMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Idempotent writes through bare state machines: what a leader answers, joins and appends for a request id. */
class SessionReplicationTest {

    private static final RequestId FIRST = RequestId.of(0xC1, 1);

    private final MachineNet net = MachineNet.withDisks(MachineNet.SETTINGS, List.of("a", "b", "c"));

    private RaftReplicationResult result(long request) {
        return net.completions.get(request).result();
    }

    /** Delivers everything, then lets heartbeats carry the commit index to the followers. */
    private void settle() {
        net.deliverAll();
        net.advance(3 * MachineNet.SETTINGS.heartbeatMillis());
    }

    private long count(String member, String payload) {
        return net.delivered.get(member).stream().map(log -> new String(log.data())).filter(payload::equals).count()
                + net.restored.get(member).stream().map(log -> new String(log.data())).filter(payload::equals).count();
    }

    @Test
    void retryOfAnAppliedRequestAnswersTheOriginalResultAndAppendsNothing() {
        net.elect("a");
        long first = net.propose("a", "x", FIRST);
        settle();
        long last = net.m("a").lastIndex();

        long retry = net.propose("a", "x", FIRST);
        net.flush();

        assertThat(result(retry)).isEqualTo(result(first));
        assertThat(result(first).success()).isTrue();
        assertThat(net.m("a").lastIndex()).isEqualTo(last);
    }

    @Test
    void retryOfARequestInTheLogJoinsItsEntry() {
        net.elect("a");
        long first = net.propose("a", "x", FIRST);
        long retry = net.propose("a", "x", FIRST);
        net.flush();
        assertThat(net.completions).doesNotContainKeys(first, retry);

        settle();

        assertThat(result(retry)).isEqualTo(result(first));
        assertThat(net.names()).allSatisfy(member -> assertThat(count(member, "x")).isEqualTo(1));
    }

    @Test
    void newLeaderJoinsTheRequestItInheritedUncommitted() {
        net.elect("a");
        long first = net.propose("a", "x", FIRST);
        // The entry reaches b and c, but no acknowledgement reaches a: it is not committed.
        net.deliver(env -> env.message() instanceof RaftMessage.AppendLogs, 10);
        net.drop(env -> env.message() instanceof RaftMessage.AppendLogsResponse);
        long index = net.m("b").lastIndex();
        net.cut("a");

        net.elect("b");
        long retry = net.propose("b", "x", FIRST);
        settle();

        assertThat(result(retry).success()).isTrue();
        assertThat(result(retry).logIndex()).as("the inherited entry, not a new one").isEqualTo(index);
        assertThat(net.completions).doesNotContainKey(first);
        assertThat(List.of("b", "c")).allSatisfy(member -> assertThat(count(member, "x")).isEqualTo(1));
    }

    @Test
    void retryAfterARestartIsAnsweredFromTheSessionsRebuiltFromTheLog() {
        net.elect("a");
        long first = net.propose("a", "x", FIRST);
        settle();
        RaftReplicationResult original = result(first);
        net.clearOutputs();
        for (String member : net.names()) {
            net.restart(member);
        }
        net.elect("c");

        long retry = net.propose("c", "x", FIRST);
        settle();

        assertThat(result(retry)).isEqualTo(original);
        assertThat(net.names()).as("restored once, never delivered again")
                .allSatisfy(member -> assertThat(count(member, "x")).isEqualTo(1));
        assertThat(net.m("a").sessionFingerprint()).isEqualTo(net.m("c").sessionFingerprint());
    }

    @Test
    void requestOfAnUnknownSessionIsCommittedButNeitherAppliedNorDelivered() {
        net.elect("a");
        long stale = net.propose("a", "x", RequestId.of(0xC1, 5));
        settle();

        assertThat(result(stale).status()).isEqualTo(RaftOperationStatus.SessionExpired);
        assertThat(net.names()).allSatisfy(member -> {
            assertThat(net.m(member).appliedIndex()).isEqualTo(net.m("a").lastIndex());
            assertThat(net.delivered.get(member)).extracting(RaftLog::data).isEmpty();
        });
    }

    @Test
    void plantedIgnoreRequestIdsAppendsAndDeliversTheRetry() {
        net.names().forEach(member -> net.plant(member, PlantedBug.IGNORE_REQUEST_IDS));
        net.elect("a");
        net.propose("a", "x", FIRST);
        settle();
        net.propose("a", "x", FIRST);
        settle();

        assertThat(count("b", "x")).as("the negative control: applied twice").isEqualTo(2);
    }
}
