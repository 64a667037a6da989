package io.kommander.internal.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class WakeOnDemandPoolTest {

    private static final Duration BOUND = Duration.ofSeconds(20);
    private WakeOnDemandPool pool;
    /** What tasks threw, as the workers' uncaught-exception handler heard it. */
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();

    private WakeOnDemandPool pool(int threads) {
        AtomicInteger n = new AtomicInteger();
        return new WakeOnDemandPool(threads, r -> {
            Thread t = new Thread(r, "pool-test-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
            return t;
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyTaskPostedFromManyThreadsRunsExactlyOnce() throws InterruptedException {
        pool = pool(3);
        int producers = 4;
        int perProducer = 20_000;
        AtomicInteger ran = new AtomicInteger();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            threads[p] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    int id = base + i;
                    pool.execute(() -> {
                        seen.add(id);
                        ran.incrementAndGet();
                    });
                    if (i % 1_000 == 0) {
                        // Lets the workers run dry and park now and then, so that posts also find them parked.
                        Thread.yield();
                    }
                }
            });
            threads[p].start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        await().atMost(BOUND).until(() -> ran.get() == producers * perProducer);
        assertThat(seen).hasSize(producers * perProducer);
    }

    @Test
    void aTaskPostedToAnIdlePoolWakesAWorker() throws InterruptedException {
        pool = pool(2);
        for (int round = 0; round < 200; round++) {
            CountDownLatch done = new CountDownLatch(1);
            pool.execute(done::countDown);
            // Each round waits for its task, so the workers are parked (or about to be) when the next is posted.
            assertThat(done.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aBurstKeepsEveryWorkerBusyWhileTasksBlock() throws InterruptedException {
        pool = pool(3);
        CountDownLatch allRunning = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                allRunning.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        // Three blocking tasks run at once only if the first woken worker woke the others for what it left queued.
        assertThat(allRunning.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }

    @Test
    void aThrowingTaskDoesNotStopItsWorker() {
        pool = pool(1);
        AtomicInteger ran = new AtomicInteger();
        pool.execute(() -> {
            throw new IllegalStateException("planned");
        });
        pool.execute(ran::incrementAndGet);

        await().atMost(BOUND).until(() -> ran.get() == 1);
        assertThat(uncaught).singleElement().extracting(Throwable::getMessage).isEqualTo("planned");
    }

    @Test
    void shutdownRunsWhatIsQueuedThenRefusesAndTerminates() throws InterruptedException {
        pool = pool(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        pool.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 10; i++) {
            pool.execute(ran::incrementAndGet);
        }
        pool.shutdown();
        release.countDown();

        assertThat(pool.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isEqualTo(10);
        assertThat(pool.isTerminated()).isTrue();
        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void shutdownNowReturnsWhatDidNotRun() throws InterruptedException {
        pool = pool(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Runnable queued = () -> { };
        pool.execute(queued);

        List<Runnable> dropped = pool.shutdownNow();

        assertThat(dropped).containsExactly(queued);
        assertThat(pool.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }
}
