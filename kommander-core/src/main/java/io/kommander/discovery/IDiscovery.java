package io.kommander.discovery;

import java.util.List;

/** Tells a node where its peers are. */
public interface IDiscovery {
    /** The endpoints ({@code host:port}) of every other member of the cluster; never includes this node. */
    List<String> peers();
}
