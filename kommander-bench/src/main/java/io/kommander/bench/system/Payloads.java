package io.kommander.bench.system;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The harness's entry format: a magic number, the entry's id (unique in a run, dense from 0), then filler up to the
 * payload size. Delivered entries are recognised and counted by their id.
 */
public final class Payloads {

    /** The smallest payload: magic and id. */
    public static final int MIN_SIZE = 12;
    private static final int MAGIC = 0x4B42454E; // "KBEN"

    private Payloads() {
    }

    /** A payload of {@code size} bytes (at least {@link #MIN_SIZE}) carrying {@code id}. */
    public static byte[] create(long id, int size) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("payload size " + size + " is below the minimum " + MIN_SIZE);
        }
        byte[] payload = new byte[size];
        Arrays.fill(payload, MIN_SIZE, size, (byte) (id & 0x7F));
        ByteBuffer.wrap(payload).putInt(MAGIC).putLong(id);
        return payload;
    }

    /** Whether the bytes from the buffer's position on were made by {@link #create} (the buffer is not moved). */
    public static boolean isBenchPayload(ByteBuffer payload) {
        return payload != null && payload.remaining() >= MIN_SIZE && payload.getInt(payload.position()) == MAGIC;
    }

    /** The id a payload carries, read from the buffer's position on (the buffer is not moved). */
    public static long id(ByteBuffer payload) {
        return payload.getLong(payload.position() + 4);
    }
}
