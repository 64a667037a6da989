package io.kommander.bench.system;

import io.kommander.bench.system.kommander.KommanderSystem;
import io.kommander.bench.system.ratis.RatisSystem;
import io.kommander.bench.system.ratis.RatisTransport;
import io.kommander.bench.system.sofajraft.SofaJRaftSystem;

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
     * A fresh, not yet started instance.
     *
     * @param ratisTransport used by {@link #RATIS} only
     * @param clients        the bench's client threads (Ratis gives each its own RaftClient per group)
     */
    public BenchSystem create(RatisTransport ratisTransport, int clients) {
        return switch (this) {
            case KOMMANDER -> new KommanderSystem();
            case SOFAJRAFT -> new SofaJRaftSystem();
            case RATIS -> new RatisSystem(ratisTransport, clients);
        };
    }

    /** The name in reports and on the command line. */
    public String reportName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
