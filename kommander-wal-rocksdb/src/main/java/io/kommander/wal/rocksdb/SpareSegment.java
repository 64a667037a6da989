package io.kommander.wal.rocksdb;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Creates the value log's next segment ahead of time, on a thread of its own, so that the write that fills the
 * current segment does not also pay for creating the next one (writing its header, syncing the file and the
 * folder): every write through the value log then syncs once.
 *
 * <p>At most one segment is prepared at a time, under the number the caller reserved, so segment numbers still
 * follow the order in which segments are used. A prepared segment that is never used holds no payload; the next
 * recovery deletes it. Not thread-safe: called under the WAL's writer lock.
 */
final class SpareSegment implements AutoCloseable {

    private final Path folder;
    private final ExecutorService thread;
    private CompletableFuture<ValueLogSegment> next;

    SpareSegment(Path folder) {
        this.folder = folder;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "kommander-wal-segments");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts creating segment {@code number}. */
    void prepare(long number) {
        next = CompletableFuture.supplyAsync(() -> {
            try {
                return ValueLogSegment.create(folder, number);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, thread);
    }

    /**
     * The prepared segment, waiting for it if it is still being created.
     *
     * @return the segment, or null if none was prepared
     * @throws IOException if creating it failed; nothing is prepared then
     */
    ValueLogSegment take() throws IOException {
        CompletableFuture<ValueLogSegment> prepared = next;
        next = null;
        if (prepared == null) {
            return null;
        }
        try {
            return prepared.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Stops the thread and closes a prepared segment nobody took (its file stays for recovery to delete). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CompletableFuture<ValueLogSegment> prepared = next;
        next = null;
        if (prepared != null && prepared.isDone() && !prepared.isCompletedExceptionally()) {
            try {
                prepared.join().close();
            } catch (IOException e) {
                // Nothing was written to it.
            }
        }
    }
}
