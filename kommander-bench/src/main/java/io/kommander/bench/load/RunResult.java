package io.kommander.bench.load;

/**
 * One system's result for one workload: the row of the report and of the JSON file.
 *
 * @param system        kommander, sofajraft or ratis
 * @param nodes         replicas
 * @param partitions    partitions (Raft groups)
 * @param payload       bytes per entry
 * @param clients       client threads
 * @param inflight      outstanding writes per client
 * @param throughput    acknowledged writes per second
 * @param p50Ms         median latency
 * @param p99Ms         99th percentile latency
 * @param p999Ms        99.9th percentile latency
 * @param acknowledged  writes acknowledged in the measured phase
 * @param errors        failed writes in the measured phase
 * @param started       the cluster started (when not, the configuration says why and nothing else was measured)
 * @param verified      every node delivered every acknowledged write, in the same order
 * @param cpuPercent    CPU of the harness and its node processes during the measured phase, in percent of the
 *                      machine
 * @param jvms          where the nodes ran: {@code one} or {@code per-node}
 * @param configuration the system's configuration as printed in the report
 */
public record RunResult(String system, int nodes, int partitions, int payload, int clients, int inflight,
                        double throughput, double p50Ms, double p99Ms, double p999Ms, long acknowledged, long errors,
                        boolean started, boolean verified, double cpuPercent, String jvms, String configuration) {

    /** The run's overall result (see {@link Verdict} for the rule). */
    public Verdict verdict() {
        return Verdict.of(started, verified, acknowledged, errors);
    }

    /**
     * The row of a system whose cluster did not start: nothing measured, the reason in the configuration.
     *
     * @param reason what went wrong, one line
     */
    public static RunResult notStarted(String system, int nodes, Workload workload, String jvms, String reason) {
        return new RunResult(system, nodes, workload.partitions(), workload.payloadBytes(), workload.clients(),
                workload.inflightPerClient(), 0, 0, 0, 0, 0, 0, false, false, 0, jvms,
                system + ": the cluster did not start: " + reason);
    }

    /** Whether the run is a clean pass. */
    public boolean passed() {
        return verdict() == Verdict.PASS;
    }
}
