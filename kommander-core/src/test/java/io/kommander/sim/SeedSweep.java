package io.kommander.sim;

import io.kommander.internal.partition.PartitionSeams;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a range of seeds, each a whole {@link Simulation} confined to one thread, on a few threads at once, and
 * sums them up. Seeds are independent, so running them in parallel changes no run.
 */
final class SeedSweep {

    /** What a sweep found. */
    record Summary(List<SimResult> results, long wallMillis) {

        List<SimResult> failures() {
            return results.stream().filter(SimResult::failed).toList();
        }

        long events() {
            return results.stream().mapToLong(SimResult::events).sum();
        }

        long virtualMillis() {
            return results.stream().mapToLong(SimResult::virtualMillis).sum();
        }

        /** One digest of every run, in seed order: compare it across JVMs to check that replays hold there too. */
        long digest() {
            long digest = 17;
            for (SimResult result : results) {
                digest = digest * 1_000_003L + result.digest();
            }
            return digest;
        }

        int inconclusive() {
            return results.stream().mapToInt(SimResult::inconclusive).sum();
        }

        @Override
        public String toString() {
            double seconds = Math.max(1, wallMillis) / 1000.0;
            return String.format("%d seeds in %.1f s: %d failed, %d events (%.0f events/s), %.0f s of virtual "
                            + "cluster time (%.0fx real time), %d client operations, %d inconclusive linearizability "
                            + "checks, %d snapshot installs, %d node-level membership changes (%d second changes "
                            + "refused as in progress), %d quiesces, %d wakes, %d splits asked (%d finished), "
                            + "%d merges asked (%d finished), digest %016x", results.size(), seconds,
                    failures().size(),
                    events(), events() / seconds, virtualMillis() / 1000.0, virtualMillis() / 1000.0 / seconds,
                    results.stream().mapToInt(SimResult::operations).sum(), inconclusive(),
                    results.stream().mapToInt(SimResult::installs).sum(),
                    results.stream().mapToInt(SimResult::nodeChanges).sum(),
                    results.stream().mapToInt(SimResult::refusedSecond).sum(),
                    results.stream().mapToLong(SimResult::quiesces).sum(),
                    results.stream().mapToLong(SimResult::wakes).sum(),
                    results.stream().mapToInt(SimResult::splits).sum(),
                    results.stream().mapToInt(SimResult::splitsFinished).sum(),
                    results.stream().mapToInt(SimResult::merges).sum(),
                    results.stream().mapToInt(SimResult::mergesFinished).sum(), digest());
        }
    }

    private SeedSweep() {
    }

    /** Runs seeds {@code first .. first + count - 1} with the given bugs planted on {@code threads} threads. */
    static Summary run(long first, int count, Set<PartitionSeams.Bug> bugs, int threads) {
        return run(first, count, bugs, threads, null);
    }

    /**
     * Runs {@code count} seeds from {@code first} on, with the given bugs planted, on {@code threads} threads; with a
     * {@code mix}, only the seeds of that mix (every {@code FaultMix.ALL.length}-th seed), {@code count} of them.
     */
    static Summary run(long first, int count, Set<PartitionSeams.Bug> bugs, int threads, FaultMix mix) {
        long start = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<SimResult>> futures = new ArrayList<>(count);
            for (long seed : seeds(first, count, mix)) {
                futures.add(pool.submit(() -> new Simulation(seed, bugs).run()));
            }
            List<SimResult> results = new ArrayList<>(count);
            for (Future<SimResult> future : futures) {
                results.add(future.get());
            }
            return new Summary(results, System.currentTimeMillis() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a simulation crashed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code count} seeds from {@code first} on; with a {@code mix}, only seeds of that mix. */
    static List<Long> seeds(long first, int count, FaultMix mix) {
        List<Long> seeds = new ArrayList<>(count);
        for (long seed = first; seeds.size() < count; seed++) {
            if (mix == null || FaultMix.forSeed(seed) == mix) {
                seeds.add(seed);
            }
        }
        return seeds;
    }

    /** The first run, from seed {@code first}, that catches the bug; null if none within {@code limit} seeds. */
    static SimResult firstCaught(PartitionSeams.Bug bug, long first, int limit) {
        return firstCaught(bug, first, limit, null);
    }

    /**
     * The first run, from seed {@code first} (of {@code mix} only, if not null), that catches the bug; null if none
     * within {@code limit} seeds (of that mix).
     */
    static SimResult firstCaught(PartitionSeams.Bug bug, long first, int limit, FaultMix mix) {
        for (long seed : seeds(first, limit, mix)) {
            SimResult result = new Simulation(seed, Set.of(bug)).run();
            if (result.failed()) {
                return result;
            }
        }
        return null;
    }
}
