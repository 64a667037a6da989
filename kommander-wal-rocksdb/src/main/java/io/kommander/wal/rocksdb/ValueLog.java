package io.kommander.wal.rocksdb;

import io.kommander.wal.WalException;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The value log: large payloads, written once to append-only segment files in the WAL's {@code value-log} folder,
 * so that RocksDB holds only small pointer records and its flushes and compactions never copy payloads.
 *
 * <p>A batch with large payloads is appended to the newest segment as one {@link ValueLogRecord}: the payloads and
 * then the RocksDB {@code WriteBatch} that points to them, synced with one {@code fdatasync} before the
 * {@code WriteBatch} is handed to RocksDB (unsynced). A durable pointer therefore always finds durable bytes, and a
 * {@code WriteBatch} that RocksDB lost in a crash is applied again from the segment on recovery
 * ({@link ValueLogReplay}), which also cuts off a torn record at a segment's end. A segment is deleted whole once no
 * partition holds it ({@link SegmentReferences}); segments are never rewritten. The next segment is created ahead of
 * time ({@link SpareSegment}), so a write that rolls over still syncs once.
 *
 * <p>Thread-safety: {@link #read} may be called from any thread, concurrently with everything else; the other
 * methods are called under the WAL's writer lock (or by recovery, before the WAL is shared).
 */
final class ValueLog implements AutoCloseable {

    /** The folder of the segments, inside the WAL's folder. */
    static final String FOLDER = "value-log";

    private final Path folder;
    private final long threshold;
    private final long segmentBytes;
    private final Map<Long, ValueLogSegment> segments = new ConcurrentHashMap<>();
    private final SegmentReferences references = new SegmentReferences();
    /** The segment appends go to; null until the first append after opening, or after a failed append. */
    private ValueLogSegment active;
    /** The next segment, created ahead of time; null while the value log is off or not yet recovered. */
    private SpareSegment spare;
    private long nextNumber = 1;

    private ValueLog(Path folder, long threshold, long segmentBytes) {
        this.folder = folder;
        this.threshold = threshold;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Opens the value log of the WAL in {@code walFolder}, creating its folder if missing. Every segment found is
     * opened for reading; nothing is checked or changed until {@link #recover}.
     *
     * @param threshold    payloads of at least this many bytes go to the value log; 0 sends none there
     * @param segmentBytes size after which appends go to a new segment
     */
    static ValueLog open(Path walFolder, long threshold, long segmentBytes) {
        Path folder = walFolder.resolve(FOLDER);
        ValueLog log = new ValueLog(folder, threshold, segmentBytes);
        try {
            Files.createDirectories(folder);
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    long number = ValueLogSegment.numberOf(file.getFileName().toString());
                    if (number < 0) {
                        throw new WalException("value log folder " + folder + " holds " + file.getFileName()
                                + ", which is not a value log segment; refusing to use it");
                    }
                    log.segments.put(number, ValueLogSegment.open(file, number));
                    log.nextNumber = Math.max(log.nextNumber, number + 1);
                }
            }
            return log;
        } catch (IOException e) {
            log.close();
            throw new WalException("value log folder " + folder + ": cannot open it: " + e, e);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** Whether a payload of {@code length} bytes goes to the value log. */
    boolean accepts(int length) {
        return threshold > 0 && length > 0 && length >= threshold;
    }

    /** The partitions' references to segments; mutated only under the writer lock. */
    SegmentReferences references() {
        return references;
    }

    /** Starts staging the payloads of one batch. */
    Appender appender() {
        return new Appender();
    }

    /**
     * The payloads of one batch, laid out at the end of the newest segment. Nothing reaches the disk until
     * {@link #write}; an appender that is dropped instead leaves no trace.
     */
    final class Appender {

        private final List<byte[]> payloads = new ArrayList<>();
        private final Map<Integer, SegmentReferences.Reference> staged = new HashMap<>();
        private ValueLogSegment segment;
        /** Where the batch's record starts in the segment. */
        private long start;
        private long end;

        /** Places a payload of entry {@code key} and returns its pointer. */
        ValuePointer add(int partition, long index, byte[] key, byte[] data) {
            if (segment == null) {
                segment = writableSegment();
                start = segment.size();
                end = start + ValueLogRecord.HEADER_BYTES;
            }
            ValuePointer pointer = new ValuePointer(segment.number, end, data.length, crc(key, data));
            payloads.add(data);
            end += data.length;
            staged.merge(partition, new SegmentReferences.Reference(index, end), SegmentReferences.Reference::merge);
            return pointer;
        }

        /** The segment this batch writes to, or -1 if it has no payload for the value log. */
        long segment() {
            return segment == null ? -1 : segment.number;
        }

        /** Where this batch's record starts in {@link #segment()}. */
        long start() {
            return start;
        }

        /**
         * The partition's reference to the segment once this batch is written: what its {@code 'V'} record must
         * hold, together with what earlier batches wrote there.
         */
        Map<Integer, SegmentReferences.Reference> references() {
            Map<Integer, SegmentReferences.Reference> merged = new HashMap<>();
            staged.forEach((partition, reference) -> {
                SegmentReferences.Reference held = references.get(segment.number, partition);
                merged.put(partition, held == null ? reference : held.merge(reference));
            });
            return merged;
        }

        boolean isEmpty() {
            return payloads.isEmpty();
        }

        /**
         * Appends the batch's record (its payloads, then {@code writeBatch}) and syncs the segment; call before
         * handing {@code writeBatch} to RocksDB.
         *
         * @param sequence   the batch's sequence number
         * @param writeBatch the serialized RocksDB batch, pointer records and all
         * @throws WalException if the file cannot be written or synced
         */
        void write(long sequence, byte[] writeBatch) {
            try {
                segment.appendAndSync(ValueLogRecord.encode(sequence, payloads, end - start
                        - ValueLogRecord.HEADER_BYTES, writeBatch));
            } catch (IOException e) {
                active = null;
                throw new WalException("could not make " + payloads.size() + " payloads durable in value log segment "
                        + segment.file + ": " + e, e);
            }
        }

        /** Records the batch's references; call once its RocksDB batch is durable. */
        void committed() {
            staged.forEach((partition, reference) -> references.add(segment.number, partition, reference));
        }
    }

    private ValueLogSegment writableSegment() {
        if (active != null && active.size() < segmentBytes) {
            return active;
        }
        ValueLogSegment created;
        try {
            created = spare == null ? null : spare.take();
            if (created == null) {
                created = ValueLogSegment.create(folder, nextNumber++);
            }
        } catch (IOException e) {
            throw new WalException("could not create a value log segment in " + folder + ": " + e, e);
        }
        segments.put(created.number, created);
        active = created;
        prepareSpare();
        return active;
    }

    /**
     * Starts creating the segment appends will go to after the current one, on a background thread; call once the
     * value log is recovered. Does nothing when the value log is off.
     */
    void prepareSpare() {
        if (threshold <= 0) {
            return;
        }
        if (spare == null) {
            spare = new SpareSegment(folder);
        }
        spare.prepare(nextNumber++);
    }

    /**
     * Reads and checks the payload a pointer record of entry {@code key} points to.
     *
     * @throws WalException naming the partition and index if the segment is missing or shorter, or the bytes fail
     *                      their check: never a wrong payload
     */
    byte[] read(int partition, long index, byte[] key, ValuePointer pointer) {
        String where = "partition " + partition + ", index " + index + ": payload in value log segment "
                + pointer.segment() + " at offset " + pointer.offset() + " (" + pointer.length() + " bytes)";
        ValueLogSegment segment = segments.get(pointer.segment());
        if (segment == null) {
            throw new WalException(where + ": the segment is missing");
        }
        byte[] data;
        try {
            data = segment.read(pointer.offset(), pointer.length());
        } catch (ClosedChannelException e) {
            throw new WalException(where + ": the segment was deleted (its entries were compacted)", e);
        } catch (IOException e) {
            throw new WalException(where + ": cannot read it: " + e.getMessage(), e);
        }
        if (crc(key, data) != pointer.crc()) {
            throw new WalException(where + ": CRC32C mismatch (torn or altered bytes)");
        }
        return data;
    }

    /**
     * Brings the segments in line with what RocksDB recovered, after {@link ValueLogReplay} and before anything is
     * written: releases what compaction already dropped, checks that every held segment is there, with an intact
     * header and all the bytes its partitions were told are durable, and deletes every segment no partition holds.
     *
     * @param compactedIndex each partition's compaction point index
     * @param recorded       every segment named by a {@code 'V'} record, held or not
     * @return the segments whose {@code 'V'} records are stale and must be deleted
     * @throws WalException naming a partition and index if a held segment is missing, damaged or too short
     */
    List<Long> recover(Map<Integer, Long> compactedIndex, java.util.Collection<Long> recorded) {
        for (Map.Entry<Integer, Long> partition : compactedIndex.entrySet()) {
            references.release(partition.getKey(), partition.getValue());
        }
        List<Long> stale = new ArrayList<>();
        for (long number : recorded) {
            // A number named by a stale record is never reused, even if deleting the record is lost in a crash.
            nextNumber = Math.max(nextNumber, number + 1);
            if (!references.isHeld(number)) {
                stale.add(number);
            }
        }
        for (long number : references.segments()) {
            checkHeld(number);
        }
        for (ValueLogSegment segment : List.copyOf(segments.values())) {
            if (!references.isHeld(segment.number)) {
                delete(segment);
            }
        }
        return stale;
    }

    private void checkHeld(long number) {
        Map<Integer, SegmentReferences.Reference> holders = references.of(number);
        Map.Entry<Integer, SegmentReferences.Reference> furthest = holders.entrySet().stream()
                .max(Map.Entry.comparingByValue(java.util.Comparator.comparingLong(
                        SegmentReferences.Reference::end))).orElseThrow();
        String owner = "partition " + furthest.getKey() + ", index " + furthest.getValue().highestIndex();
        ValueLogSegment segment = segments.get(number);
        if (segment == null) {
            throw new WalException(owner + ": its payload is in value log segment " + number + " ("
                    + folder.resolve(ValueLogSegment.fileName(number)) + "), which is missing");
        }
        segment.checkHeader(owner);
        long end = furthest.getValue().end();
        if (segment.size() < end) {
            throw new WalException(owner + ": its payload ends at byte " + end + " of value log segment "
                    + segment.file + ", which has only " + segment.size() + " bytes");
        }
    }

    /**
     * Deletes every segment that no partition holds any more, except the one appends go to. The caller must have
     * made the compactions that released them durable first (so no crash brings back a pointer into them).
     *
     * @return the deleted segments, whose {@code 'V'} records are stale
     */
    List<Long> deleteReleased() {
        List<Long> deleted = new ArrayList<>();
        for (ValueLogSegment segment : List.copyOf(segments.values())) {
            if (segment != active && !references.isHeld(segment.number)) {
                delete(segment);
                deleted.add(segment.number);
            }
        }
        return deleted;
    }

    /** Whether some segment other than the one appends go to is no longer held, so it can be deleted. */
    boolean hasReleased() {
        for (ValueLogSegment segment : segments.values()) {
            if (segment != active && !references.isHeld(segment.number)) {
                return true;
            }
        }
        return false;
    }

    private void delete(ValueLogSegment segment) {
        segments.remove(segment.number);
        try {
            segment.delete();
        } catch (IOException e) {
            throw new WalException("could not delete value log segment " + segment.file + ": " + e, e);
        }
    }

    /** The segment files, by ascending number. */
    List<ValueLogSegment> segments() {
        return segments.values().stream().sorted(java.util.Comparator.comparingLong(segment -> segment.number))
                .toList();
    }

    /** Makes sure appends never reuse a number a replayed batch's segment has. */
    void noNumberBelow(long number) {
        nextNumber = Math.max(nextNumber, number);
    }

    /** The numbers of the segment files, ascending; for tests and monitoring. */
    List<Long> segmentNumbers() {
        return segments.keySet().stream().sorted().toList();
    }

    /** The folder of the segments. */
    Path folder() {
        return folder;
    }

    static int crc(byte[] key, byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(key, 0, key.length);
        crc.update(data, 0, data.length);
        return (int) crc.getValue();
    }

    /** Stops preparing segments and closes every segment file. */
    @Override
    public void close() {
        if (spare != null) {
            spare.close();
        }
        for (ValueLogSegment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException e) {
                // Read-only use from here on; nothing unsynced is lost by a failed close.
            }
        }
        segments.clear();
    }
}
