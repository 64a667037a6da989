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
 * @param errors        failed writes in the measured phase
 * @param verified      every node delivered every acknowledged write, in the same order
 * @param cpuPercent    the process's CPU during the measured phase, in percent of the machine
 * @param configuration the system's configuration as printed in the report
 */
public record RunResult(String system, int nodes, int partitions, int payload, int clients, int inflight,
                        double throughput, double p50Ms, double p99Ms, double p999Ms, long errors, boolean verified,
                        double cpuPercent, String configuration) {
}
