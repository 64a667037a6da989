package io.kommander.bench.node.process;

import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.NodeSpec;
import io.kommander.bench.node.NodeStats;
import io.kommander.bench.node.WriteOutcome;
import io.kommander.bench.system.NodeLedger;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BenchNode} running in a child JVM, reached over a loopback socket: each call is a request with a fresh
 * id, many in flight at once; replies complete them by id, on this proxy's reader thread. Blocking calls
 * ({@link #isLeader}, {@link #ledger}, {@link #stats}, {@link #configuration}) wait at most {@link #CALL_TIMEOUT}. If
 * the process dies, every pending and later call fails, naming its log. Thread-safe.
 */
final class RemoteNode implements BenchNode, FrameChannel.Handler {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final NodeSpec spec;
    private final Process process;
    private final Path log;
    private final Map<Long, CompletableFuture<NodeReply>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final FrameChannel channel;
    private volatile String gone;

    /** A proxy of node {@code spec} running as {@code process}, connected on {@code socket}, logging to {@code log}. */
    RemoteNode(NodeSpec spec, Process process, Socket socket, Path log) throws IOException {
        this.spec = spec;
        this.process = process;
        this.log = log;
        this.channel = new FrameChannel(socket, "node-" + spec.index() + "-proxy", this);
    }

    @Override
    public CompletableFuture<WriteOutcome> write(int partition, byte[] payload) {
        return call(new NodeRequest.Write(partition, payload)).thenApply(reply -> expect(reply,
                NodeReply.Written.class).outcome());
    }

    @Override
    public boolean isLeader(int partition) {
        return expect(await(new NodeRequest.IsLeader(partition)), NodeReply.Flag.class).value();
    }

    @Override
    public NodeLedger ledger() {
        return expect(await(new NodeRequest.Ledger()), NodeReply.Ledger.class).ledger();
    }

    @Override
    public NodeStats stats() {
        return expect(await(new NodeRequest.Stats()), NodeReply.Stats.class).stats();
    }

    @Override
    public String configuration() {
        return expect(await(new NodeRequest.Configuration()), NodeReply.Text.class).text();
    }

    private CompletableFuture<NodeReply> call(NodeRequest request) {
        CompletableFuture<NodeReply> reply = new CompletableFuture<>();
        if (gone != null) {
            reply.completeExceptionally(new IllegalStateException(gone));
            return reply;
        }
        long id = ids.incrementAndGet();
        pending.put(id, reply);
        channel.send(NodeCodec.encodeRequest(id, request));
        if (gone != null && pending.remove(id) != null) { // the connection ended while the request was queued
            reply.completeExceptionally(new IllegalStateException(gone));
        }
        return reply;
    }

    private NodeReply await(NodeRequest request) {
        try {
            return call(request).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("node " + spec.index() + " did not answer " + request + " in "
                    + CALL_TIMEOUT + " (log: " + log + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for node " + spec.index(), e);
        }
    }

    private <T extends NodeReply> T expect(NodeReply reply, Class<T> type) {
        if (reply instanceof NodeReply.Error error) {
            throw new IllegalStateException("node " + spec.index() + " failed: " + error.message());
        }
        if (!type.isInstance(reply)) {
            throw new IllegalStateException("node " + spec.index() + " answered " + reply + ", not a "
                    + type.getSimpleName());
        }
        return type.cast(reply);
    }

    @Override
    public void onFrame(byte[] frame) throws IOException {
        Envelope<NodeReply> envelope = NodeCodec.decodeReply(frame);
        CompletableFuture<NodeReply> reply = pending.remove(envelope.id());
        if (reply != null) {
            reply.complete(envelope.body());
        }
    }

    @Override
    public void onClosed(IOException error) {
        gone = "node " + spec.index() + "'s process is gone" + (error == null ? "" : " (" + error.getMessage() + ")")
                + "; its log: " + log;
        IllegalStateException failure = new IllegalStateException(gone);
        pending.keySet().forEach(id -> {
            CompletableFuture<NodeReply> reply = pending.remove(id);
            if (reply != null) {
                reply.completeExceptionally(failure);
            }
        });
    }

    /**
     * Asks the node to close and waits for its process to exit (it removes its data folder on the way); a process
     * that does not exit in time is killed.
     */
    @Override
    public void close() {
        try {
            if (gone == null) {
                call(new NodeRequest.Close()).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            process.getOutputStream().close();
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException | IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            channel.close();
        }
    }
}
