package io.kommander.sim;

import io.kommander.internal.partition.PartitionSeams.Bug;

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
                            + "checks, %d snapshot installs, %d quiesces, %d wakes, digest %016x", results.size(),
                    seconds, failures().size(),
                    events(), events() / seconds, virtualMillis() / 1000.0, virtualMillis() / 1000.0 / seconds,
                    results.stream().mapToInt(SimResult::operations).sum(), inconclusive(),
                    results.stream().mapToInt(SimResult::installs).sum(),
                    results.stream().mapToLong(SimResult::quiesces).sum(),
                    results.stream().mapToLong(SimResult::wakes).sum(), digest());
        }
    }

    private SeedSweep() {
    }

    /** Runs seeds {@code first .. first + count - 1} with the given bugs planted on {@code threads} threads. */
    static Summary run(long first, int count, Set<Bug> bugs, int threads) {
        long start = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<SimResult>> futures = new ArrayList<>(count);
            for (long seed = first; seed < first + count; seed++) {
                long s = seed;
                futures.add(pool.submit(() -> new Simulation(s, bugs).run()));
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

    /** The first run, from seed {@code first}, that catches the bug; null if none within {@code limit} seeds. */
    static SimResult firstCaught(Bug bug, long first, int limit) {
        for (long seed = first; seed < first + limit; seed++) {
            SimResult result = new Simulation(seed, Set.of(bug)).run();
            if (result.failed()) {
                return result;
            }
        }
        return null;
    }
}
