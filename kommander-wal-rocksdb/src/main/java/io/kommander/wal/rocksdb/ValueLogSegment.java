package io.kommander.wal.rocksdb;

import io.kommander.wal.WalException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * One file of the {@link ValueLog}: a header, then payloads back to back, each only ever appended. The header says
 * what the file is, so a stray file is refused rather than read as payloads:
 *
 * <pre>
 * offset  size  field
 * 0       8     magic "KMDR-VLG"
 * 8       4     segment format version, i32 (1)
 * 12      8     segment number, i64 (also in the file name)
 * 20      4     CRC32C(bytes 0..20), u32
 * </pre>
 *
 * <p>Appends come from one writer at a time (the WAL's writer lock); positional reads may run concurrently with them
 * and with each other.
 */
final class ValueLogSegment implements AutoCloseable {

    static final int HEADER_BYTES = 24;
    private static final byte[] MAGIC = "KMDR-VLG".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final String SUFFIX = ".vlog";

    final long number;
    final Path file;
    private final FileChannel channel;
    /** Bytes in the file, header included; advanced by the writer only. */
    private volatile long size;

    private ValueLogSegment(long number, Path file, FileChannel channel, long size) {
        this.number = number;
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    /** The file name of segment {@code number}: its zero-padded number, so names sort as numbers do. */
    static String fileName(long number) {
        return String.format("%016d%s", number, SUFFIX);
    }

    /** The segment number a file name stands for, or -1 if it is not a segment's name. */
    static long numberOf(String fileName) {
        if (fileName.length() != 16 + SUFFIX.length() || !fileName.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 16));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Creates segment {@code number} with its header, durable (file and directory entry) before it returns. */
    static ValueLogSegment create(Path folder, long number) throws IOException {
        Path file = folder.resolve(fileName(number));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(VERSION).putLong(number);
            header.putInt(crc(header.array())).flip();
            writeFully(channel, new ByteBuffer[]{header});
            channel.force(true);
            syncDirectory(folder);
            return new ValueLogSegment(number, file, channel, HEADER_BYTES);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Opens an existing segment for reading and, after recovery, for deletion or truncation. */
    static ValueLogSegment open(Path file, long number) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new ValueLogSegment(number, file, channel, channel.size());
    }

    /**
     * Checks the header.
     *
     * @throws WalException if the file is too short for one, or it is not this segment's header
     */
    void checkHeader(String owner) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        try {
            readFully(header, 0);
        } catch (IOException e) {
            throw new WalException(owner + ": value log segment " + file + " has no complete header: " + e, e);
        }
        byte[] bytes = header.array();
        ByteBuffer fields = ByteBuffer.wrap(bytes);
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || fields.getInt(HEADER_BYTES - 4) != crc(bytes)) {
            throw new WalException(owner + ": value log segment " + file + " has a damaged header (not a Kommander"
                    + " value log segment, or altered)");
        }
        if (fields.getInt(8) != VERSION || fields.getLong(12) != number) {
            throw new WalException(owner + ": value log segment " + file + " has version " + fields.getInt(8)
                    + " and number " + fields.getLong(12) + ", expected version " + VERSION + " and number " + number);
        }
    }

    long size() {
        return size;
    }

    /** Appends {@code payloads} at the end and syncs the file's data; the caller computed their offsets. */
    void appendAndSync(List<byte[]> payloads) throws IOException {
        ByteBuffer[] buffers = new ByteBuffer[payloads.size()];
        long bytes = 0;
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.wrap(payloads.get(i));
            bytes += buffers[i].remaining();
        }
        channel.position(size);
        writeFully(channel, buffers);
        // fdatasync: the payloads and the file length, which is all a pointer needs to find them.
        channel.force(false);
        size += bytes;
    }

    /** Reads {@code length} bytes at {@code offset}; fewer if the file ends first. */
    byte[] read(long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readFully(buffer, offset);
        return buffer.array();
    }

    private void readFully(ByteBuffer buffer, long offset) throws IOException {
        long position = offset;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new IOException("the file ends at " + position + ", before " + (offset + buffer.capacity()));
            }
            position += read;
        }
    }

    /** Cuts the file to {@code length} bytes, durably. */
    void truncate(long length) throws IOException {
        channel.truncate(length);
        channel.force(true);
        size = length;
    }

    /** Closes the file and removes it. */
    void delete() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    static void syncDirectory(Path folder) throws IOException {
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer[] buffers) throws IOException {
        while (buffers.length > 0 && buffers[buffers.length - 1].hasRemaining()) {
            channel.write(buffers);
        }
    }

    private static int crc(byte[] header) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(header, 0, HEADER_BYTES - 4);
        return (int) crc.getValue();
    }
}
