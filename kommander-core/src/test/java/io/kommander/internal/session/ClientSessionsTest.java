package io.kommander.internal.session;

import io.kommander.RequestId;
import io.kommander.time.HLCTimestamp;
import io.kommander.wal.EntryKind;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientSessionsTest {

    private final ClientSessions sessions = new ClientSessions(new SessionLimits(8, 4, 60_000));

    private static LogEntry request(long index, long client, long sequence) {
        return new LogEntry(index, 2, EntryKind.DATA, new HLCTimestamp(1_000 + index, 0, 0), "t", new byte[] {1},
                client, sequence);
    }

    @Test
    void anAppendedRequestIsFoundInTheLogUntilItApplies() {
        LogEntry entry = request(1, 7, 1);
        sessions.appended(entry);

        assertThat(sessions.find(RequestId.of(7, 1))).isEqualTo(new ClientSessions.Lookup(null, entry));
        sessions.applied(entry);
        ClientSessions.Lookup applied = sessions.find(RequestId.of(7, 1));
        assertThat(applied.inLog()).isNull();
        assertThat(applied.answer().result().logIndex()).isEqualTo(1);
        assertThat(sessions.find(RequestId.of(7, 2))).isEqualTo(ClientSessions.Lookup.NEW);
    }

    @Test
    void truncatedRequestsAreNoLongerInTheLog() {
        sessions.appended(request(1, 7, 1));
        sessions.appended(request(2, 8, 1));
        sessions.truncatedAfter(1);

        assertThat(sessions.find(RequestId.of(8, 1))).isEqualTo(ClientSessions.Lookup.NEW);
        assertThat(sessions.find(RequestId.of(7, 1)).inLog()).isNotNull();
    }

    @Test
    void theFirstOfTwoEntriesOfOneRequestIsTheOneFound() {
        sessions.appended(request(1, 7, 1));
        sessions.appended(request(2, 7, 1));

        assertThat(sessions.find(RequestId.of(7, 1)).inLog().index()).isEqualTo(1);
        sessions.truncatedAfter(1);
        assertThat(sessions.find(RequestId.of(7, 1)).inLog().index()).isEqualTo(1);
    }

    @Test
    void restoreStartsFromTheSnapshotAndReportsItsCompactionPoint() {
        sessions.applied(request(1, 7, 1));
        sessions.applied(request(2, 7, 1));
        byte[] snapshot = sessions.snapshot(new LogPosition(1, 2));

        ClientSessions restored = new ClientSessions(new SessionLimits(8, 4, 60_000));

        assertThat(restored.restore(snapshot)).isEqualTo(new LogPosition(1, 2));
        assertThat(restored.appliedIndex()).isEqualTo(2);
        assertThat(restored.fingerprint()).isEqualTo(sessions.fingerprint());
        assertThat(restored.applied(request(2, 7, 1)).delivered()).as("refused before the restore").isFalse();
        assertThatThrownBy(() -> restored.restore(new byte[] {1, 2})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void metadataKeysAreOnePerPartition() {
        assertThat(ClientSessions.metadataKey(3)).isEqualTo("kommander.sessions.3")
                .isNotEqualTo(ClientSessions.metadataKey(33));
    }
}
