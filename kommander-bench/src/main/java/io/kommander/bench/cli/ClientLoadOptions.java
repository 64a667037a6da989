package io.kommander.bench.cli;

import io.kommander.bench.load.Workload;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The client-side load options, one home for {@code run}, {@code compare}, {@code sweep} and {@code demo}: entry
 * size, client threads and writes in flight per client.
 */
public final class ClientLoadOptions {

    @Option(names = "--payload", defaultValue = "256", description = "Bytes per entry (default: ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--clients", defaultValue = "4", description = "Client threads (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--inflight", defaultValue = "16", description = "Outstanding writes per client "
            + "(default: ${DEFAULT-VALUE}).")
    int inflight;

    /** A workload with these clients and the given shape, length and rate (0 = closed loop). */
    Workload workload(int partitions, int payloadBytes, Duration duration, Duration warmup, long rate) {
        return new Workload(partitions, payloadBytes, clients, inflight, duration, warmup, rate);
    }
}
