package io.kommander.internal.partition;

import io.kommander.internal.partition.RaftPartitionExecutor.Priority;
import io.kommander.testing.ManualExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RaftPartitionExecutor} on a hand-driven pool. Each operation appends one letter to {@link #ran}:
 * C control, R replication, L client, M maintenance.
 */
class RaftPartitionExecutorTest {

    private final ManualExecutor pool = new ManualExecutor();
    private final StringBuilder ran = new StringBuilder();
    private final AtomicInteger drains = new AtomicInteger();
    private final List<Throwable> failures = new ArrayList<>();
    private final RaftPartitionExecutor executor =
            new RaftPartitionExecutor("test", pool, 100, drains::incrementAndGet, failures::add);

    @Test
    void eachRoundRunsEightControlFourReplicationTwoClientAndOneMaintenance() {
        // Posted lowest priority first, so the order below comes from the classes, not from arrival.
        for (Priority priority : new Priority[] {Priority.MAINTENANCE, Priority.CLIENT, Priority.REPLICATION,
                Priority.CONTROL}) {
            for (int i = 0; i < 20; i++) {
                post(priority);
            }
        }

        pool.runAll(10);

        assertThat(ran.toString()).isEqualTo(
                "CCCCCCCCRRRRLLM" + "CCCCCCCCRRRRLLM" + "CCCCRRRRLLM" + "RRRRLLM" + "RRRRLLM"
                        + "LLM".repeat(5) + "M".repeat(10));
        assertThat(drains).hasValue(1);
    }

    @Test
    void queuedCountsWhatWaitsInEveryClassUntilItRuns() {
        post(Priority.CONTROL);
        post(Priority.REPLICATION);
        post(Priority.CLIENT);
        post(Priority.MAINTENANCE);
        post(Priority.CLIENT);
        assertThat(executor.queued()).isEqualTo(5);

        pool.runAll(10);

        assertThat(executor.queued()).isZero();
        assertThat(ran.toString()).hasSize(5);
    }

    @Test
    void sustainedReplicationCannotStarveClientAndMaintenance() {
        AtomicInteger replicated = new AtomicInteger();
        Runnable flood = new Runnable() {
            @Override
            public void run() {
                ran.append('R');
                if (replicated.incrementAndGet() == 300) {
                    post(Priority.CLIENT);
                    post(Priority.MAINTENANCE);
                }
                executor.post(Priority.REPLICATION, this);
            }
        };
        for (int i = 0; i < 100; i++) {
            executor.post(Priority.REPLICATION, flood);
        }

        // The flood never ends: run two drains' worth of it.
        pool.runNext();
        pool.runNext();

        // Posted while the 300th replication operation ran, each runs within one round (15 operations) of it.
        int client = ran.indexOf("L");
        int maintenance = ran.indexOf("M");
        assertThat(client).isBetween(300, 300 + 15);
        assertThat(maintenance).isBetween(300, 300 + 15);
        assertThat(ran.chars().filter(c -> c == 'R').count()).isGreaterThan(600);
    }

    @Test
    void controlPostedDuringARoundRunsFirstInTheNextRound() {
        executor.post(Priority.REPLICATION, () -> {
            ran.append('R');
            post(Priority.CONTROL);
        });
        for (int i = 0; i < 9; i++) {
            post(Priority.REPLICATION);
        }

        pool.runAll(10);

        assertThat(ran.toString()).isEqualTo("RRRR" + "C" + "RRRR" + "RR");
    }

    @Test
    void clientOperationsAreRefusedOnceMaxClientQueueWait() {
        RaftPartitionExecutor limited = new RaftPartitionExecutor("limited", pool, 2, () -> { },
                failures::add);

        assertThat(limited.post(Priority.CLIENT, () -> ran.append('L'))).isTrue();
        assertThat(limited.post(Priority.CLIENT, () -> ran.append('L'))).isTrue();
        assertThat(limited.post(Priority.CLIENT, () -> ran.append('L'))).isFalse();
        assertThat(limited.post(Priority.REPLICATION, () -> ran.append('R'))).isTrue();

        pool.runAll(10);

        assertThat(ran.toString()).isEqualTo("RLL");
        assertThat(limited.post(Priority.CLIENT, () -> ran.append('L'))).isTrue();
    }

    @Test
    void drainYieldsThePoolThreadAfterItsBudgetAndRunsTheHookEachTime() {
        for (int i = 0; i < 600; i++) {
            post(Priority.REPLICATION);
        }

        pool.runNext();

        assertThat(ran.length()).isLessThan(600);
        assertThat(drains).hasValue(1);
        assertThat(pool.queued()).isEqualTo(1);

        pool.runAll(10);

        assertThat(ran.length()).isEqualTo(600);
        assertThat(drains).hasValue(2);
    }

    @Test
    void closedExecutorRefusesAndDropsOperations() {
        post(Priority.CONTROL);
        executor.close();

        assertThat(executor.post(Priority.CONTROL, () -> ran.append('C'))).isFalse();
        pool.runAll(10);

        assertThat(ran.toString()).isEmpty();
        assertThat(drains).hasValue(0);
    }

    @Test
    void anOperationThatThrowsIsReportedToTheOwnerAndLaterOperationsStillRun() {
        IllegalStateException impossible = new IllegalStateException("impossible");
        post(Priority.CONTROL);
        executor.post(Priority.CONTROL, () -> {
            throw impossible;
        });
        post(Priority.CONTROL);

        pool.runAll(10);

        assertThat(failures).containsExactly(impossible);
        assertThat(ran.toString()).isEqualTo("CC");
        assertThat(drains).hasValue(1);
    }

    @Test
    void anAfterDrainHookThatThrowsIsReportedToTheOwner() {
        AssertionError broken = new AssertionError("broken hook");
        RaftPartitionExecutor hooked = new RaftPartitionExecutor("hooked", pool, 100, () -> {
            throw broken;
        }, failures::add);

        hooked.post(Priority.CONTROL, () -> ran.append('C'));
        pool.runAll(10);

        assertThat(failures).containsExactly(broken);
        assertThat(ran.toString()).isEqualTo("C");
    }

    @Test
    void closeFromItsOwnOperationNeverWaitsAndTerminatesWhenThatOperationEnds() {
        List<CompletableFuture<Void>> terminated = new ArrayList<>();
        executor.post(Priority.CONTROL, () -> {
            terminated.add(executor.close());
            ran.append(terminated.get(0).isDone() ? 'T' : 'C');
        });
        post(Priority.CONTROL);

        pool.runAll(10);

        assertThat(ran.toString()).isEqualTo("C");
        assertThat(terminated.get(0)).isCompleted();
        assertThat(drains).hasValue(0);
    }

    @Test
    void closeOfAnIdleExecutorTerminatesAtOnce() {
        post(Priority.CONTROL);
        pool.runAll(10);

        assertThat(executor.close()).isCompleted();
    }

    private void post(Priority priority) {
        char letter = switch (priority) {
            case CONTROL -> 'C';
            case REPLICATION -> 'R';
            case CLIENT -> 'L';
            case MAINTENANCE -> 'M';
        };
        assertThat(executor.post(priority, () -> ran.append(letter))).isTrue();
    }
}
