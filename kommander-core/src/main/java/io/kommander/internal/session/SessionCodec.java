package io.kommander.internal.session;

import io.kommander.time.HLCTimestamp;
import io.kommander.wal.LogPosition;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a session window, written to the WAL's metadata before each compaction (see
 * {@link ClientSessions#snapshot}). All integers big-endian:
 *
 * <pre>
 * u8   version (1)
 * i64  compactedTo.index, i64 compactedTo.term    the compaction the snapshot was written for
 * i64  appliedIndex                                the window is as of this entry
 * i64  logTime.physical, i64 logTime.counter, i32 logTime.node
 * i32  R, then R × i64                             refused entries above compactedTo, ascending
 * i32  S, then S sessions, least recently active first:
 *      i64 clientId, i64 lastActivity.physical, i64 lastActivity.counter, i32 lastActivity.node,
 *      i64 highestSequence,
 *      i32 N, then N × (i64 sequence, i64 index, i64 ticket.physical, i64 ticket.counter, i32 ticket.node),
 *      oldest first
 * </pre>
 *
 * <p>Stateless and thread-safe. Decoding never trusts a count: each is checked against the bytes left.
 */
final class SessionCodec {

    static final byte VERSION = 1;
    private static final int HEADER = 1 + 8 * 5 + 4;
    private static final int SESSION_HEAD = 8 * 4 + 4 + 4;
    private static final int RESULT = 8 * 4 + 4;

    /** A decoded snapshot: the compaction it was written for and the window. */
    record Snapshot(LogPosition compactedTo, SessionWindow window) {
    }

    private SessionCodec() {
    }

    static byte[] encode(LogPosition compactedTo, SessionWindow window) {
        List<ClientSession> sessions = window.sessionsOldestFirst();
        List<Long> refused = new ArrayList<>(window.refused().tailSet(compactedTo.index(), false));
        int size = HEADER + 4 + refused.size() * 8 + 4;
        for (ClientSession session : sessions) {
            size += SESSION_HEAD + session.resultCount() * RESULT;
        }
        ByteBuffer out = ByteBuffer.allocate(size)
                .put(VERSION)
                .putLong(compactedTo.index()).putLong(compactedTo.term())
                .putLong(window.appliedIndex())
                .putLong(window.logTime().physical()).putLong(window.logTime().counter())
                .putInt(window.logTime().node())
                .putInt(refused.size());
        refused.forEach(out::putLong);
        out.putInt(sessions.size());
        for (ClientSession session : sessions) {
            out.putLong(session.clientId())
                    .putLong(session.lastActivity().physical()).putLong(session.lastActivity().counter())
                    .putInt(session.lastActivity().node())
                    .putLong(session.highestSequence())
                    .putInt(session.resultCount());
            for (ClientSession.AppliedRequest request : session.results()) {
                out.putLong(request.sequence()).putLong(request.index())
                        .putLong(request.ticket().physical()).putLong(request.ticket().counter())
                        .putInt(request.ticket().node());
            }
        }
        return out.array();
    }

    /**
     * Decodes a snapshot into a window with {@code limits}.
     *
     * @throws IllegalStateException naming what is wrong, if the bytes are not a snapshot this code wrote
     */
    static Snapshot decode(byte[] bytes, SessionLimits limits) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte version = in.get();
            if (version != VERSION) {
                throw corrupt("unknown version " + version);
            }
            LogPosition compactedTo = new LogPosition(in.getLong(), in.getLong());
            long appliedIndex = in.getLong();
            HLCTimestamp logTime = time(in);
            int refusedCount = count(in, 8, "refused entries");
            List<Long> refused = new ArrayList<>(refusedCount);
            for (int i = 0; i < refusedCount; i++) {
                refused.add(in.getLong());
            }
            int sessionCount = count(in, SESSION_HEAD, "sessions");
            List<ClientSession> sessions = new ArrayList<>(sessionCount);
            for (int i = 0; i < sessionCount; i++) {
                ClientSession session = new ClientSession(in.getLong(), time(in));
                long highest = in.getLong();
                int results = count(in, RESULT, "results");
                for (int r = 0; r < results; r++) {
                    session.record(new ClientSession.AppliedRequest(in.getLong(), in.getLong(),
                            time(in)), Integer.MAX_VALUE);
                }
                session.restoreHighest(highest);
                sessions.add(session);
            }
            if (in.hasRemaining()) {
                throw corrupt(in.remaining() + " bytes after the last session");
            }
            if (compactedTo.index() > appliedIndex) {
                throw corrupt("compaction point " + compactedTo.index() + " beyond the applied index " + appliedIndex);
            }
            SessionWindow window = new SessionWindow(limits);
            window.restore(appliedIndex, logTime, sessions, refused);
            return new Snapshot(compactedTo, window);
        } catch (BufferUnderflowException e) {
            throw corrupt("truncated");
        }
    }

    private static HLCTimestamp time(ByteBuffer in) {
        long physical = in.getLong();
        long counter = in.getLong();
        return new HLCTimestamp(physical, counter, in.getInt());
    }

    private static int count(ByteBuffer in, int itemBytes, String what) {
        int count = in.getInt();
        if (count < 0 || (long) count * itemBytes > in.remaining()) {
            throw corrupt(what + " count " + count + " exceeds the " + in.remaining() + " bytes left");
        }
        return count;
    }

    private static IllegalStateException corrupt(String what) {
        return new IllegalStateException("corrupt session snapshot: " + what);
    }
}
