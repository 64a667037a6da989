package io.kommander.internal.partition;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When a replica's tick can change anything ({@link RaftPartitionStateMachine#tickDueAt}), so the host may skip it. */
class TickDueTest {

    private static RaftPartitionStateMachine replica(String... peers) {
        return MachineNet.replica("a", List.of(peers));
    }

    private static RaftPartitionStateMachine restored(String... peers) {
        return MachineNet.restoredReplica("a", List.of(peers));
    }

    @Test
    void aReplicaStillRestoringIsNeverDue() {
        assertThat(replica("b", "c").tickDueAt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aFollowerIsDueAtItsElectionTimeoutAndNotBefore() {
        RaftPartitionStateMachine machine = restored("b", "c");
        long due = machine.tickDueAt();
        assertThat(due).isBetween(MachineNet.SETTINGS.electionMinMillis(), MachineNet.SETTINGS.electionMaxMillis());

        machine.tick(due - 1);
        assertThat(machine.role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(machine.takeReady().messages).isEmpty();

        machine.tick(due);
        assertThat(machine.role()).isEqualTo(RaftRole.PRE_CANDIDATE);
        assertThat(machine.tickDueAt()).isGreaterThan(due);
    }

    @Test
    void aLeaderIsDueAtEveryTick() {
        RaftPartitionStateMachine machine = restored();
        machine.tick(machine.tickDueAt());
        assertThat(machine.role()).isEqualTo(RaftRole.LEADER);
        assertThat(machine.tickDueAt()).isEqualTo(Long.MIN_VALUE);
    }
}
