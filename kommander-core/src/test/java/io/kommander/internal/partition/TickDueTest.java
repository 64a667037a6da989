package io.kommander.internal.partition;

import io.kommander.wal.HardState;
import io.kommander.wal.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** When a replica's tick can change anything ({@link RaftPartitionStateMachine#tickDueAt}), so the host may skip it. */
class TickDueTest {

    private static RaftPartitionStateMachine replica(String... peers) {
        return new RaftPartitionStateMachine(1, "a", List.of(peers), MachineNet.SETTINGS, new SplittableRandom(1));
    }

    private static RaftPartitionStateMachine restored(String... peers) {
        RaftPartitionStateMachine machine = replica(peers);
        machine.restoreBegin(HardState.EMPTY, LogPosition.ZERO, 0, null);
        machine.restoreEnd(0);
        return machine;
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
