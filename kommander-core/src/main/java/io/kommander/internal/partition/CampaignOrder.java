package io.kommander.internal.partition;

import java.util.SortedSet;

/**
 * The order in which a partition's voters stand for election: the sorted voters, rotated by the partition id, so
 * that turns go round the nodes from one partition to the next and a node holding thousands of partitions is first
 * in a third of them (with three voters), not in all. Every replica with the same configuration computes the same
 * order, which is what lets two replicas that lost their leader together agree, without a word, on which of them
 * stands ({@link Elections}).
 *
 * <p>The placement ({@code internal.system.ReplicaPlacement}) breaks ties between preferred leaders by this order, so
 * a partition's preferred leader is, where evenness allows, the voter that stands first anyway.
 *
 * <p>Pure and immutable.
 */
public final class CampaignOrder {

    private CampaignOrder() {
    }

    /**
     * {@code endpoint}'s turn among {@code configuration}'s voters, from 0; the number of voters (after every voter)
     * if it does not vote.
     */
    static int rank(int partition, Configuration configuration, String endpoint) {
        return rank(partition, configuration.voters(), endpoint);
    }

    /** {@code endpoint}'s turn among {@code voters}, from 0; {@code voters.size()} if it is not one of them. */
    public static int rank(int partition, SortedSet<String> voters, String endpoint) {
        int count = voters.size();
        int position = 0;
        for (String voter : voters) {
            if (voter.equals(endpoint)) {
                return Math.floorMod(position - partition, count);
            }
            position++;
        }
        return count;
    }

    /** Whether {@code a} comes before {@code b} in the order (a non-voter comes after every voter). */
    static boolean before(int partition, Configuration configuration, String a, String b) {
        int rankA = rank(partition, configuration, a);
        int rankB = rank(partition, configuration, b);
        return rankA < rankB || (rankA == rankB && a.compareTo(b) < 0);
    }
}
