package io.kommander.bench.node;

import io.kommander.bench.node.process.NodeProcessLauncher;

/** Where a cluster's nodes run: all in this JVM (the default for every system), or each in a child JVM. */
public enum JvmMode {
    /** Every node in this JVM. */
    ONE("one", "all nodes in one JVM, the harness's"),
    /** One child JVM per node; the harness talks to each over a loopback socket. */
    PER_NODE("per-node", "one JVM per node (child processes, writes sent over a loopback socket)");

    private final String reportName;
    private final String description;

    JvmMode(String reportName, String description) {
        this.reportName = reportName;
        this.description = description;
    }

    /** The mode: {@link #PER_NODE} if {@code processPerNode}, else {@link #ONE}. */
    public static JvmMode of(boolean processPerNode) {
        return processPerNode ? PER_NODE : ONE;
    }

    /** How nodes of this mode are started. */
    public NodeLauncher launcher() {
        return this == ONE ? spec -> spec.system().startNode(spec) : new NodeProcessLauncher();
    }

    /** The name in reports and JSON: {@code one} or {@code per-node}. */
    public String reportName() {
        return reportName;
    }

    /** A line for a system's configuration. */
    public String description() {
        return description;
    }
}
