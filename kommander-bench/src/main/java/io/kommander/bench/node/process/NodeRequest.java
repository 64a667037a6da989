package io.kommander.bench.node.process;

/** What the harness asks a node process; each maps to a {@link io.kommander.bench.node.BenchNode} call. */
public sealed interface NodeRequest {

    /** {@code write(partition, payload)}; answered with {@link NodeReply.Written}. */
    record Write(int partition, byte[] payload) implements NodeRequest {
    }

    /** {@code isLeader(partition)}; answered with {@link NodeReply.Flag}. */
    record IsLeader(int partition) implements NodeRequest {
    }

    /** {@code ledger()}; answered with {@link NodeReply.Ledger}. */
    record Ledger() implements NodeRequest {
    }

    /** {@code configuration()}; answered with {@link NodeReply.Text}. */
    record Configuration() implements NodeRequest {
    }

    /** {@code stats()}; answered with {@link NodeReply.Stats}. */
    record Stats() implements NodeRequest {
    }

    /** {@code close()}: the node stops and the process exits; answered with {@link NodeReply.Text}. */
    record Close() implements NodeRequest {
    }
}
