package io.kommander.internal.system;

import io.kommander.Member;
import io.kommander.internal.partition.ReservedTypes;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One change of the roster, as written in a system partition entry of type {@link #TYPE} and as asked for by a
 * roster request. Its encoding: a format byte, the kind, then the fields (numbers big-endian, the endpoint as a
 * length-prefixed UTF-8 string); a {@link Kind#BOOTSTRAP} carries its members instead.
 *
 * @param kind        what changes
 * @param endpoint    the member concerned ({@code ""} for a bootstrap)
 * @param nodeId      the member's node id, for {@link Kind#JOIN} and {@link Kind#IDENTIFY}; else 0
 * @param incarnation the member's incarnation, for {@link Kind#JOIN} and {@link Kind#IDENTIFY}; else 0
 * @param members     the first roster's members, for {@link Kind#BOOTSTRAP}; else empty
 */
public record RosterCommand(Kind kind, String endpoint, int nodeId, long incarnation, List<Member> members) {

    /** The type string of roster entries on the system partition. */
    public static final String TYPE = ReservedTypes.PREFIX + "system.roster";

    private static final byte FORMAT = 1;
    private static final int MAX_ENDPOINT_BYTES = 1024;

    /** What a roster command does. */
    public enum Kind {
        /** The first roster: the configured members, all voters. Ignored once a roster exists. */
        BOOTSTRAP,
        /** A new node enters as a learner. */
        JOIN,
        /** A learner becomes a voter. */
        PROMOTE,
        /** A member starts leaving: it is taken out of every partition's configuration. */
        LEAVE,
        /** A leaving member is gone from every partition: it leaves the roster. */
        REMOVE,
        /** A member reports its node id and incarnation; its role does not change. */
        IDENTIFY,
        /**
         * A partition's leader reports that it refuses to take a leaving member out for want of current voters
         * ({@link io.kommander.RaftOperationStatus#TooFewVoters}). Never written: partition 0's leader remembers it
         * for a while, so that a removal that cannot end says why ({@link RosterService}).
         */
        REFUSAL
    }

    /** Canonical constructor; copies the member list. */
    public RosterCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(endpoint, "endpoint");
        members = List.copyOf(members);
    }

    /** A command about one member. */
    public static RosterCommand of(Kind kind, String endpoint, int nodeId, long incarnation) {
        return new RosterCommand(kind, endpoint, nodeId, incarnation, List.of());
    }

    /** The first roster's command. */
    public static RosterCommand bootstrap(List<Member> members) {
        return new RosterCommand(Kind.BOOTSTRAP, "", 0, 0, members);
    }

    /** The entry's payload. */
    public byte[] encode() {
        List<byte[]> names = new ArrayList<>();
        int size = 2;
        if (kind == Kind.BOOTSTRAP) {
            size += 4;
            for (Member member : members) {
                byte[] name = member.endpoint().getBytes(StandardCharsets.UTF_8);
                names.add(name);
                size += 4 + 1 + 8 + 8 + 4 + name.length;
            }
        } else {
            size += 4 + 8 + 4 + endpoint.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(FORMAT).put((byte) kind.ordinal());
        if (kind == Kind.BOOTSTRAP) {
            out.putInt(members.size());
            for (int i = 0; i < members.size(); i++) {
                Member member = members.get(i);
                out.putInt(member.nodeId()).put((byte) member.role().ordinal()).putLong(member.joinedVersion())
                        .putLong(member.incarnation()).putInt(names.get(i).length).put(names.get(i));
            }
        } else {
            byte[] name = endpoint.getBytes(StandardCharsets.UTF_8);
            out.putInt(nodeId).putLong(incarnation).putInt(name.length).put(name);
        }
        return out.array();
    }

    /**
     * Reads {@link #encode()}'s bytes.
     *
     * @throws IllegalArgumentException if they are not a roster command of a known format
     */
    public static RosterCommand decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT) {
                throw new IllegalArgumentException("unknown roster command format");
            }
            Kind kind = kindOf(in.get());
            RosterCommand command;
            if (kind == Kind.BOOTSTRAP) {
                int count = in.getInt();
                if (count < 1 || count > in.remaining() / 25) {
                    throw new IllegalArgumentException("roster member count out of range: " + count);
                }
                List<Member> members = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    int nodeId = in.getInt();
                    int role = in.get();
                    if (role < 0 || role >= Member.Role.values().length) {
                        throw new IllegalArgumentException("unknown member role " + role);
                    }
                    long joined = in.getLong();
                    long incarnation = in.getLong();
                    members.add(new Member(nodeId, readName(in), Member.Role.values()[role], joined, incarnation));
                }
                command = bootstrap(members);
            } else {
                int nodeId = in.getInt();
                long incarnation = in.getLong();
                command = of(kind, readName(in), nodeId, incarnation);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes after a roster command");
            }
            return command;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated roster command", e);
        }
    }

    /** The kind with the given wire number. */
    static Kind kindOf(int number) {
        if (number < 0 || number >= Kind.values().length) {
            throw new IllegalArgumentException("unknown roster command kind " + number);
        }
        return Kind.values()[number];
    }

    private static String readName(ByteBuffer in) {
        int length = in.getInt();
        if (length <= 0 || length > MAX_ENDPOINT_BYTES || length > in.remaining()) {
            throw new IllegalArgumentException("roster endpoint of length " + length);
        }
        byte[] name = new byte[length];
        in.get(name);
        return new String(name, StandardCharsets.UTF_8);
    }
}
