package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeadershipTransferTest {

    @Test
    void idleUntilBegun() {
        LeadershipTransfer transfer = new LeadershipTransfer();
        assertThat(transfer.inProgress()).isFalse();
        assertThat(transfer.target()).isNull();
        assertThat(transfer.expiredAt(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void expiresAtItsDeadline() {
        LeadershipTransfer transfer = new LeadershipTransfer();
        transfer.begin("b", 7, 100);
        assertThat(transfer.inProgress()).isTrue();
        assertThat(transfer.target()).isEqualTo("b");
        assertThat(transfer.expiredAt(99)).isFalse();
        assertThat(transfer.expiredAt(100)).isTrue();
    }

    @Test
    void succeedsOnlyIfTheTargetLeads() {
        LeadershipTransfer transfer = new LeadershipTransfer();
        transfer.begin("b", 7, 100);
        assertThat(transfer.outcomeFor("b")).isEqualTo(RaftOperationStatus.Success);
        assertThat(transfer.outcomeFor("c")).isEqualTo(RaftOperationStatus.Errored);
    }

    @Test
    void finishCompletesTheRequestAndEndsTheTransfer() {
        LeadershipTransfer transfer = new LeadershipTransfer();
        transfer.begin("b", 7, 100);
        Ready ready = new Ready();
        transfer.finish(RaftOperationStatus.Success, ready);
        assertThat(ready.statusCompletions).containsExactly(new Ready.StatusCompletion(7, RaftOperationStatus.Success));
        assertThat(transfer.inProgress()).isFalse();
    }

    @Test
    void oneTransferAtATime() {
        LeadershipTransfer transfer = new LeadershipTransfer();
        transfer.begin("b", 7, 100);
        assertThatThrownBy(() -> transfer.begin("c", 8, 100)).isInstanceOf(IllegalStateException.class);
        transfer.finish(RaftOperationStatus.Errored, new Ready());
        assertThatThrownBy(() -> transfer.finish(RaftOperationStatus.Errored, new Ready()))
                .isInstanceOf(IllegalStateException.class);
    }
}
