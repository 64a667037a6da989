package io.kommander;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster's user partitions as the system partition (partition 0) has committed them: each partition's key
 * range (or none: unrouted), generation, state and replicas, and a version that grows by one with every change.
 * Every node applies the same changes in the same order, so every node routes alike once it has applied the same
 * version. Removed partitions stay in the map (in {@link PartitionState#REMOVED}) so that their ids are never
 * reused. Immutable and thread-safe.
 */
public final class PartitionMap {

    private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private final long version;
    /** Every partition by ascending id, for look-up by binary search; never written after construction. */
    private final PartitionDescriptor[] byId;
    /** The same, as the list {@link #partitions()} hands out (a view: no copy per call). */
    private final List<PartitionDescriptor> all;
    /** The routed partitions that are not removed, by range start (unsigned), for routing by binary search. */
    private final PartitionDescriptor[] routed;
    private final int highestId;

    /**
     * A map of the given partitions.
     *
     * @throws IllegalArgumentException if two partitions share an id, or two partitions that are not removed own
     *                                  overlapping ranges
     */
    public PartitionMap(long version, Collection<PartitionDescriptor> partitions) {
        PartitionDescriptor[] ids = partitions.toArray(PartitionDescriptor[]::new);
        Arrays.sort(ids, Comparator.comparingInt(PartitionDescriptor::id));
        for (int i = 1; i < ids.length; i++) {
            if (ids[i - 1].id() == ids[i].id()) {
                throw new IllegalArgumentException("partition " + ids[i].id() + " appears twice");
            }
        }
        List<PartitionDescriptor> sorted = Collections.unmodifiableList(Arrays.asList(ids));
        List<PartitionDescriptor> live = new ArrayList<>();
        for (PartitionDescriptor partition : ids) {
            if (partition.routed() && partition.state() != PartitionState.REMOVED
                    && splitSourceOf(sorted, partition) == null) {
                live.add(partition);
            }
        }
        live.sort(Comparator.comparing(p -> p.range().first(), Long::compareUnsigned));
        for (int i = 1; i < live.size(); i++) {
            if (live.get(i - 1).range().overlaps(live.get(i).range())) {
                throw new IllegalArgumentException("partitions " + live.get(i - 1).id() + " and " + live.get(i).id()
                        + " own overlapping ranges");
            }
        }
        this.version = version;
        this.byId = ids;
        this.all = sorted;
        this.routed = live.toArray(PartitionDescriptor[]::new);
        this.highestId = ids.length == 0 ? 0 : ids[ids.length - 1].id();
    }

    private PartitionMap(long version, PartitionDescriptor[] byId, PartitionDescriptor[] routed, int highestId) {
        this.version = version;
        this.byId = byId;
        this.all = Collections.unmodifiableList(Arrays.asList(byId));
        this.routed = routed;
        this.highestId = highestId;
    }

    /**
     * The map one version on, with {@code changed} in place of the partitions of the same ids (a partition of a new id
     * is added; of two with one id, the later counts). When no change moves a range or a state (placements: replicas
     * and leader preferences), the routing is unchanged and the next map costs two array copies and a binary search
     * per change, not a rebuild; otherwise it is built as the constructor builds it.
     *
     * @throws IllegalArgumentException as the constructor does, if the next map would be invalid
     */
    public PartitionMap next(Collection<PartitionDescriptor> changed) {
        PartitionDescriptor[] ids = byId.clone();
        PartitionDescriptor[] routes = routed.clone();
        for (PartitionDescriptor partition : changed) {
            int at = indexOf(byId, partition.id());
            if (at < 0 || !Objects.equals(ids[at].range(), partition.range()) || ids[at].state() != partition.state()) {
                return rebuilt(changed);
            }
            ids[at] = partition;
            int route = partition.routed() ? routeOf(routes, partition.range().first()) : -1;
            if (route >= 0 && routes[route].id() == partition.id()) {
                routes[route] = partition;
            }
        }
        return new PartitionMap(version + 1, ids, routes, highestId);
    }

    /** {@link #next} when the routing changes: the whole map built again. */
    private PartitionMap rebuilt(Collection<PartitionDescriptor> changed) {
        Map<Integer, PartitionDescriptor> next = new LinkedHashMap<>();
        for (PartitionDescriptor partition : byId) {
            next.put(partition.id(), partition);
        }
        for (PartitionDescriptor partition : changed) {
            next.put(partition.id(), partition);
        }
        return new PartitionMap(version + 1, next.values());
    }

    /**
     * Where the partition of this id is in an array by ascending id, or a negative number. Ids are given out in turn
     * from 1 and never reused, so a map derived from partition 0's log holds id {@code i} at {@code i - 1}: looked up
     * there first (a listener that walks the map looks every partition up), by binary search otherwise.
     */
    private static int indexOf(PartitionDescriptor[] byId, int id) {
        if (id >= 1 && id <= byId.length && byId[id - 1].id() == id) {
            return id - 1;
        }
        int lo = 0;
        int hi = byId.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int at = byId[mid].id();
            if (at < id) {
                lo = mid + 1;
            } else if (at > id) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Where the routed partition whose range starts at {@code first} is, or a negative number. */
    private static int routeOf(PartitionDescriptor[] routes, long first) {
        int lo = 0;
        int hi = routes.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int order = Long.compareUnsigned(routes[mid].range().first(), first);
            if (order < 0) {
                lo = mid + 1;
            } else if (order > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The map's version: 1 for the first map, one more with every change. */
    public long version() {
        return version;
    }

    /** Every partition, removed ones included, by ascending id. */
    public List<PartitionDescriptor> partitions() {
        return all;
    }

    /** The partition with this id, removed or not, if the map ever held it. */
    public Optional<PartitionDescriptor> partition(int id) {
        int at = indexOf(byId, id);
        return at < 0 ? Optional.empty() : Optional.of(byId[at]);
    }

    /**
     * The partition being split into {@code target}, if {@code target} is the new upper half of a split under way:
     * both are {@link PartitionState#SPLITTING}, and the source's range still holds the target's, which ends where
     * the source's ends. A split's new half is not routed until the split finishes.
     */
    public Optional<PartitionDescriptor> splitSource(int target) {
        PartitionDescriptor partition = partition(target).orElse(null);
        return partition == null ? Optional.empty() : Optional.ofNullable(splitSourceOf(all, partition));
    }

    /** The new upper half {@code source} is being split into, if a split of {@code source} is under way. */
    public Optional<PartitionDescriptor> splitTarget(int source) {
        return all.stream().filter(p -> p.id() != source && splitSource(p.id())
                .map(s -> s.id() == source).orElse(false)).findFirst();
    }

    private static PartitionDescriptor splitSourceOf(Collection<PartitionDescriptor> all, PartitionDescriptor target) {
        if (target.state() != PartitionState.SPLITTING || !target.routed()) {
            return null;
        }
        for (PartitionDescriptor source : all) {
            if (source.id() != target.id() && source.state() == PartitionState.SPLITTING && source.routed()
                    && source.range().last() == target.range().last()
                    && Long.compareUnsigned(source.range().first(), target.range().first()) < 0) {
                return source;
            }
        }
        return null;
    }

    /**
     * The partition being merged into {@code survivor}, if {@code survivor} is the survivor of a merge under way: it
     * is {@link PartitionState#MERGING} and its one {@link PartitionState#DRAINING} neighbour (whose range abuts its
     * own) is merging into it. The map's rules keep a merging partition's neighbours from draining otherwise.
     */
    public Optional<PartitionDescriptor> mergeAdjacent(int survivor) {
        PartitionDescriptor partition = partition(survivor).orElse(null);
        if (partition == null || partition.state() != PartitionState.MERGING || !partition.routed()) {
            return Optional.empty();
        }
        return all.stream().filter(p -> p.state() == PartitionState.DRAINING && p.routed()
                && abut(p.range(), partition.range())).findFirst();
    }

    /** The survivor {@code adjacent} is being merged into, if a merge of it is under way. */
    public Optional<PartitionDescriptor> mergeSurvivor(int adjacent) {
        PartitionDescriptor partition = partition(adjacent).orElse(null);
        if (partition == null || partition.state() != PartitionState.DRAINING || !partition.routed()) {
            return Optional.empty();
        }
        return all.stream().filter(p -> p.state() == PartitionState.MERGING && p.routed()
                && abut(p.range(), partition.range())).findFirst();
    }

    /** Whether two ranges are neighbours: one ends right before the other starts. */
    public static boolean abut(PartitionRange a, PartitionRange b) {
        return a.last() != -1L && a.last() + 1 == b.first() || b.last() != -1L && b.last() + 1 == a.first();
    }

    /** The highest id the map ever held (0 if none): a new partition gets a higher one. */
    public int highestId() {
        return highestId;
    }

    /** The partition (not removed) whose range holds an unsigned hash, if any owns it. */
    public Optional<PartitionDescriptor> ownerOf(long hash) {
        int lo = 0;
        int hi = routed.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            PartitionRange range = routed[mid].range();
            if (Long.compareUnsigned(hash, range.first()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(hash, range.last()) > 0) {
                lo = mid + 1;
            } else {
                return Optional.of(routed[mid]);
            }
        }
        return Optional.empty();
    }

    /** The partition (not removed) that owns a key, if any. */
    public Optional<PartitionDescriptor> ownerOfKey(String key) {
        return ownerOf(hash(key));
    }

    /** The partitions (not removed) whose ranges overlap {@code range}. */
    public List<PartitionDescriptor> owners(PartitionRange range) {
        return java.util.Arrays.stream(routed).filter(p -> p.range().overlaps(range)).toList();
    }

    /**
     * The stable 64-bit hash that routes keys: FNV-1a 64 over the key's UTF-8 bytes (offset basis
     * 0xcbf29ce484222325, prime 0x100000001b3), an unsigned value held in a long. Stable across versions, JVMs and
     * platforms: changing it would move every key.
     */
    public static long hash(String key) {
        long hash = OFFSET_BASIS;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= PRIME;
        }
        return hash;
    }

    /** The part of a key before its last {@code '/'}, or the whole key if it has none: related keys share it. */
    public static String prefixOf(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionMap other && version == other.version && all.equals(other.all);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + all.hashCode();
    }

    @Override
    public String toString() {
        return "PartitionMap{version=" + version + ", partitions=" + all + "}";
    }
}
