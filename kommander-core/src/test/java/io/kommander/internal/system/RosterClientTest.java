package io.kommander.internal.system;

import io.kommander.RaftOperationStatus;
import io.kommander.runtime.IRaftRuntime;
import io.kommander.transport.RaftMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A roster call's answers from another node: what means "ask again" (the node asked stops leading, or closes) and
 * what is the outcome. Found by the simulator's nodes mix (seeds 6018 and 12336 of it): a joining node's promotion
 * failed when partition 0's leader was handing over or closing as it answered.
 */
class RosterClientTest {

    private static final String LEADER = "leader:1";

    /** A runtime whose time moves only when the test says, running due timers then. */
    private static final class ManualRuntime implements IRaftRuntime {
        private long now;
        private final List<long[]> due = new ArrayList<>();
        private final List<Runnable> tasks = new ArrayList<>();

        void advance(long millis) {
            now += millis;
            for (int i = 0; i < due.size(); i++) {
                if (due.get(i)[0] <= now) {
                    Runnable task = tasks.remove(i);
                    due.remove(i--);
                    task.run();
                }
            }
        }

        @Override
        public long monotonicMillis() {
            return now;
        }

        @Override
        public long wallClockMillis() {
            return now;
        }

        @Override
        public Cancellable schedule(long delayMillis, Runnable task) {
            due.add(new long[] {now + delayMillis});
            tasks.add(task);
            return () -> { };
        }

        @Override
        public Executor partitionPool() {
            return Runnable::run;
        }

        @Override
        public Executor walWritePool() {
            return Runnable::run;
        }

        @Override
        public Executor walReadPool() {
            return Runnable::run;
        }

        @Override
        public Executor callbackExecutor() {
            return Runnable::run;
        }

        @Override
        public RandomGenerator random(long salt) {
            return new SplittableRandom(salt);
        }

        @Override
        public void close() {
        }
    }

    private static final long ATTEMPT_MILLIS = 500;
    private static final long BACKOFF_MILLIS = 100;

    private final ManualRuntime runtime = new ManualRuntime();
    private final List<RaftMessage.RosterRequest> sent = new ArrayList<>();
    private final RosterClient client = new RosterClient("self:1", runtime, null, () -> LEADER,
            () -> List.of(LEADER), (to, message) -> sent.add((RaftMessage.RosterRequest) message), ATTEMPT_MILLIS,
            BACKOFF_MILLIS);

    @Test
    void aLeaderHandingOverIsAskedAgainNotTakenAsTheOutcome() {
        assertAskedAgainAfter(RaftOperationStatus.LeadershipTransferInProgress);
    }

    @Test
    void aLeaderClosingIsAskedAgainNotTakenAsTheOutcome() {
        assertAskedAgainAfter(RaftOperationStatus.NodeClosed);
    }

    @Test
    void aRefusalIsTheOutcome() {
        CompletableFuture<RosterService.Answer> call = promote();
        answer(RaftOperationStatus.NotAMember);
        assertThat(call.join().status()).isEqualTo(RaftOperationStatus.NotAMember);
    }

    private void assertAskedAgainAfter(RaftOperationStatus status) {
        CompletableFuture<RosterService.Answer> call = promote();
        answer(status);
        assertThat(call).isNotDone();
        runtime.advance(ATTEMPT_MILLIS);
        assertThat(sent).hasSize(2);
        answer(RaftOperationStatus.Success);
        assertThat(call.join().status()).isEqualTo(RaftOperationStatus.Success);
    }

    private CompletableFuture<RosterService.Answer> promote() {
        CompletableFuture<RosterService.Answer> call = client.request(
                RosterCommand.of(RosterCommand.Kind.PROMOTE, "self:1", 0, 0), 60_000, true);
        assertThat(sent).hasSize(1);
        return call;
    }

    /** The leader answers the latest request. */
    private void answer(RaftOperationStatus status) {
        RaftMessage.RosterRequest request = sent.get(sent.size() - 1);
        client.answered(new RaftMessage.RosterResponse(0, 0, request.requestId(), status.name(), 1, LEADER));
    }
}
