package io.kommander.bench.node.process;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One end of a node-protocol connection: frames are sent by a writer thread that flushes whenever its queue runs
 * dry (so pipelined requests share system calls, and callers never block on the socket), and received by a reader
 * thread that hands each to the {@link Handler}. Thread-safe.
 */
final class FrameChannel implements AutoCloseable {

    /** What a channel does with what it receives. */
    interface Handler {
        /** A frame arrived (called on the reader thread, in arrival order). */
        void onFrame(byte[] frame) throws IOException;

        /** The connection ended: {@code error} is null for a clean end of stream. Called once. */
        void onClosed(IOException error);
    }

    private static final byte[] STOP = new byte[0];

    private final Socket socket;
    private final Handler handler;
    private final BlockingQueue<byte[]> outbox = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread writer;
    private final Thread reader;

    /**
     * Starts the writer and reader threads on a connected socket.
     *
     * @param name names the threads
     */
    FrameChannel(Socket socket, String name, Handler handler) throws IOException {
        this.socket = socket;
        this.handler = handler;
        socket.setTcpNoDelay(true);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        this.writer = new Thread(() -> writeLoop(out), name + "-writer");
        this.reader = new Thread(() -> readLoop(in), name + "-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        reader.start();
    }

    /** Queues a frame for sending; ignored once the channel is closed. */
    void send(byte[] frame) {
        if (!closed.get()) {
            outbox.add(frame);
        }
    }

    private void writeLoop(DataOutputStream out) {
        try {
            for (byte[] frame = outbox.take(); frame != STOP; frame = outbox.take()) {
                NodeCodec.writeFrame(out, frame);
                if (outbox.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException e) {
            close(); // the reader reports the broken connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readLoop(DataInputStream in) {
        IOException error = null;
        try {
            for (byte[] frame = NodeCodec.readFrame(in); frame != null; frame = NodeCodec.readFrame(in)) {
                handler.onFrame(frame);
            }
        } catch (IOException e) {
            error = closed.get() ? null : e;
        }
        close();
        handler.onClosed(error);
    }

    /** Sends what is queued, then closes the connection; the handler hears of it from the reader. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            outbox.add(STOP);
            try {
                if (Thread.currentThread() != writer) {
                    writer.join(1000);
                }
                socket.close();
            } catch (IOException ignored) {
                // closing: nothing left to save
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
