package io.kommander.bench.node.process;

import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.WriteOutcome;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;

/**
 * The node process's side of the connection: decodes each request, runs it on the local {@link BenchNode} and
 * sends the reply with the request's id. {@link NodeRequest.Close} ends the connection; the process then closes the
 * node. Writes are answered when the node completes them, so many are in flight
 * at once. A malformed frame ends the connection (the harness then sees the node as gone).
 */
final class NodeServer implements FrameChannel.Handler {

    private final BenchNode node;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final FrameChannel channel;

    /** Serves {@code node} on a socket connected to the harness. */
    NodeServer(BenchNode node, Socket socket) throws IOException {
        this.node = node;
        this.channel = new FrameChannel(socket, "node-server", this);
    }

    /** Blocks until the harness asked to close, or the connection ended. */
    void awaitFinished() throws InterruptedException {
        finished.await();
    }

    @Override
    public void onFrame(byte[] frame) throws IOException {
        Envelope<NodeRequest> envelope = NodeCodec.decodeRequest(frame);
        long id = envelope.id();
        NodeRequest request = envelope.body();
        try {
            if (request instanceof NodeRequest.Write write) {
                node.write(write.partition(), write.payload()).whenComplete((outcome, error) -> reply(id,
                        error == null ? new NodeReply.Written(outcome)
                                : new NodeReply.Written(new WriteOutcome.Failed(String.valueOf(error)))));
            } else if (request instanceof NodeRequest.IsLeader isLeader) {
                reply(id, new NodeReply.Flag(node.isLeader(isLeader.partition())));
            } else if (request instanceof NodeRequest.Ledger) {
                reply(id, new NodeReply.Ledger(node.ledger()));
            } else if (request instanceof NodeRequest.Configuration) {
                reply(id, new NodeReply.Text(node.configuration()));
            } else if (request instanceof NodeRequest.Stats) {
                reply(id, new NodeReply.Stats(node.stats()));
            } else {
                reply(id, new NodeReply.Text("closing")); // the process closes the node once the connection ends
                channel.close();
            }
        } catch (RuntimeException e) {
            reply(id, new NodeReply.Error(String.valueOf(e)));
        }
    }

    private void reply(long id, NodeReply reply) {
        channel.send(NodeCodec.encodeReply(id, reply));
    }

    @Override
    public void onClosed(IOException error) {
        if (error != null) {
            System.err.println("connection to the harness failed: " + error);
        }
        finished.countDown();
    }
}
