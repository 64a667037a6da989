package io.kommander.bench.system;

import io.kommander.bench.node.BenchNode;
import io.kommander.bench.node.JvmMode;
import io.kommander.bench.node.NodeSpec;
import io.kommander.bench.system.kommander.KommanderNode;
import io.kommander.bench.system.ratis.RatisNode;
import io.kommander.bench.system.ratis.RatisTransport;
import io.kommander.bench.system.sofajraft.SofaJRaftNode;

import java.util.Locale;

/** The systems the harness can run, by their report names. */
public enum SystemKind {
    /** Kommander (this project). */
    KOMMANDER,
    /** SOFAJRaft (com.alipay.sofa:jraft-core). */
    SOFAJRAFT,
    /** Apache Ratis. */
    RATIS;

    /**
     * A fresh, not yet started cluster of this system.
     *
     * @param ratisTransport used by {@link #RATIS} only
     * @param jvms           where the nodes run
     */
    public BenchSystem create(RatisTransport ratisTransport, JvmMode jvms) {
        return new BenchCluster(this, ratisTransport, jvms, jvms.launcher());
    }

    /**
     * Starts one node of this system in this JVM.
     *
     * @throws Exception if the node cannot start
     */
    public BenchNode startNode(NodeSpec spec) throws Exception {
        return switch (this) {
            case KOMMANDER -> new KommanderNode(spec);
            case SOFAJRAFT -> new SofaJRaftNode(spec);
            case RATIS -> new RatisNode(spec);
        };
    }

    /**
     * Disk one node reserves per partition as it starts, before any write. SOFAJRaft opens a RocksDB per group
     * whose WAL file is preallocated: about 145 MB each, measured here with jraft-core 1.3.14's defaults (256
     * partitions x 3 nodes filled a disk with 79 GB free). Kommander shares one RocksDB per node and Ratis
     * preallocates small segments, so theirs is left at 0.
     */
    public long reservedBytesPerPartition() {
        return this == SOFAJRAFT ? 145L << 20 : 0;
    }

    /**
     * Direct memory one node allocates per partition as it starts. Ratis gives each division's log an 8 MiB
     * direct write buffer (its default; 256 partitions x 3 nodes ran out of a 6 GB limit here). The others'
     * buffers are pooled per node, so theirs is left at 0.
     */
    public long directBytesPerPartition() {
        return this == RATIS ? 8L << 20 : 0;
    }

    /** The name in reports and on the command line. */
    public String reportName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
