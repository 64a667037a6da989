package io.kommander.internal.partition;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One partition's voting configuration: the voters, whose majority elects leaders and commits entries, and the
 * learners, which receive the log but neither vote nor count toward any quorum. A member is one or the other.
 * Changes are one member at a time ({@link #withLearner}, {@link #promoted}, {@link #without}), so the majorities of
 * two consecutive configurations always overlap (Ongaro's thesis, chapter 4). Immutable; members are kept sorted
 * so that equal configurations encode to equal bytes.
 *
 * @param voters   the voting members' endpoints
 * @param learners the non-voting members' endpoints
 */
public record Configuration(SortedSet<String> voters, SortedSet<String> learners) {

    /** Codec version of {@link #encode()}. */
    private static final byte VERSION = 1;

    /**
     * @throws IllegalArgumentException if a member is both voter and learner, or a member name is empty
     */
    public Configuration {
        voters = MemberSets.of(voters);
        learners = MemberSets.of(learners);
        for (String member : voters) {
            if (member.isEmpty() || learners.contains(member)) {
                throw new IllegalArgumentException("invalid configuration: voters " + voters + ", learners "
                        + learners);
            }
        }
    }

    /** A configuration in which {@code voters} all vote and no one learns. */
    static Configuration ofVoters(Collection<String> voters) {
        return new Configuration(new TreeSet<>(voters), new TreeSet<>());
    }

    /** Whether {@code member} votes. */
    public boolean isVoter(String member) {
        return voters.contains(member);
    }

    /** Whether {@code member} is a voter or a learner. */
    public boolean contains(String member) {
        return voters.contains(member) || learners.contains(member);
    }

    /** Every member but {@code self}: voters first, then learners, each in sorted order. */
    public List<String> othersThan(String self) {
        List<String> others = new ArrayList<>(voters.size() + learners.size());
        for (String voter : voters) {
            if (!voter.equals(self)) {
                others.add(voter);
            }
        }
        for (String learner : learners) {
            if (!learner.equals(self)) {
                others.add(learner);
            }
        }
        return others;
    }

    /** How many members {@link #othersThan} lists, without listing them. */
    public int countOthersThan(String self) {
        return voters.size() + learners.size() - (contains(self) ? 1 : 0);
    }

    /** The voters but {@code self}, in sorted order: whom a candidate asks for votes. */
    public List<String> votersOtherThan(String self) {
        return voters.stream().filter(v -> !v.equals(self)).toList();
    }

    /** The majority arithmetic of the voters. */
    Quorum votersQuorum() {
        return new Quorum(voters.size());
    }

    /** This configuration with {@code member} added as a learner. */
    public Configuration withLearner(String member) {
        TreeSet<String> more = new TreeSet<>(learners);
        more.add(member);
        return new Configuration(voters, more);
    }

    /** This configuration with learner {@code member} made a voter. */
    public Configuration promoted(String member) {
        TreeSet<String> moreVoters = new TreeSet<>(voters);
        moreVoters.add(member);
        TreeSet<String> fewerLearners = new TreeSet<>(learners);
        fewerLearners.remove(member);
        return new Configuration(moreVoters, fewerLearners);
    }

    /** This configuration without {@code member}. */
    public Configuration without(String member) {
        TreeSet<String> fewerVoters = new TreeSet<>(voters);
        fewerVoters.remove(member);
        TreeSet<String> fewerLearners = new TreeSet<>(learners);
        fewerLearners.remove(member);
        return new Configuration(fewerVoters, fewerLearners);
    }

    /** The bytes of a configuration entry: a version, then each list as a count and length-prefixed UTF-8 names. */
    byte[] encode() {
        List<byte[]> names = new ArrayList<>();
        int size = 1 + 8;
        for (String member : voters) {
            names.add(member.getBytes(StandardCharsets.UTF_8));
        }
        for (String member : learners) {
            names.add(member.getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] name : names) {
            size += 4 + name.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putInt(voters.size()).putInt(learners.size());
        names.forEach(name -> out.putInt(name.length).put(name));
        return out.array();
    }

    /**
     * Reads {@link #encode()}'s bytes.
     *
     * @throws IllegalArgumentException if the bytes are not a configuration of a known version
     */
    static Configuration decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown configuration version " + version);
            }
            int voterCount = in.getInt();
            int learnerCount = in.getInt();
            if (voterCount < 0 || learnerCount < 0 || voterCount + learnerCount > in.remaining() / 4) {
                throw new IllegalArgumentException("configuration counts out of range: " + voterCount + ", "
                        + learnerCount);
            }
            TreeSet<String> voters = readNames(in, voterCount);
            TreeSet<String> learners = readNames(in, learnerCount);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes after a configuration");
            }
            return new Configuration(voters, learners);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated configuration", e);
        }
    }

    private static TreeSet<String> readNames(ByteBuffer in, int count) {
        TreeSet<String> names = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            int length = in.getInt();
            if (length <= 0 || length > in.remaining()) {
                throw new IllegalArgumentException("configuration member name of length " + length);
            }
            byte[] name = new byte[length];
            in.get(name);
            names.add(new String(name, StandardCharsets.UTF_8));
        }
        return names;
    }

    @Override
    public String toString() {
        return "voters " + voters + (learners.isEmpty() ? "" : ", learners " + learners);
    }
}
