package io.kommander.internal.partition;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.WeakHashMap;

/**
 * Canonical immutable sorted sets of member endpoints. A node holds thousands of partitions whose configurations
 * name the same few members: each distinct set is kept once (like interned strings), not once per replica and per
 * configuration entry. Sets no configuration refers to any more are forgotten with it.
 *
 * <p>Thread-safe.
 */
final class MemberSets {

    private static final SortedSet<String> EMPTY = Collections.emptySortedSet();
    private static final WeakHashMap<SortedSet<String>, WeakReference<SortedSet<String>>> CANONICAL =
            new WeakHashMap<>();

    private MemberSets() {
    }

    /** The canonical unmodifiable sorted set holding {@code members}. */
    static SortedSet<String> of(Collection<String> members) {
        if (members.isEmpty()) {
            return EMPTY;
        }
        SortedSet<String> sorted = Collections.unmodifiableSortedSet(new TreeSet<>(members));
        synchronized (CANONICAL) {
            WeakReference<SortedSet<String>> known = CANONICAL.get(sorted);
            SortedSet<String> canonical = known == null ? null : known.get();
            if (canonical != null) {
                return canonical;
            }
            CANONICAL.put(sorted, new WeakReference<>(sorted));
            return sorted;
        }
    }

    /**
     * {@code members} with {@code member} added unless already there: the answers of one round (votes, read
     * acknowledgements) name a handful of members, for which a list is the lightest set. Starts from an immutable
     * empty or single list, so a round costs nothing until answers come.
     */
    static List<String> with(List<String> members, String member) {
        if (members.contains(member)) {
            return members;
        }
        List<String> more = members instanceof ArrayList<String> ? members : new ArrayList<>(members);
        more.add(member);
        return more;
    }
}
