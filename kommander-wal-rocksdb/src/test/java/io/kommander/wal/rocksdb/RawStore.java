package io.kommander.wal.rocksdb;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test access to a closed WAL's RocksDB database underneath the WAL, to damage or forge what it stores exactly
 * as a disk fault or another version of the library would.
 */
final class RawStore implements AutoCloseable {

    private final DBOptions options;
    private final RocksDB db;
    private final List<String> names = new ArrayList<>();
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();

    private RawStore(Path folder) throws RocksDBException {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        try (Options listing = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(listing, folder.toString())) {
                names.add(new String(name, StandardCharsets.UTF_8));
                descriptors.add(new ColumnFamilyDescriptor(name));
            }
        }
        options = new DBOptions();
        db = RocksDB.open(options, folder.toString(), descriptors, handles);
    }

    static RawStore open(Path folder) {
        try {
            return new RawStore(folder);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The names of the database's column families. */
    List<String> families() {
        return List.copyOf(names);
    }

    byte[] get(String family, byte[] key) {
        try {
            return db.get(handle(family), key);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    void put(String family, byte[] key, byte[] value) {
        try {
            db.put(handle(family), key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    void delete(String family, byte[] key) {
        try {
            db.delete(handle(family), key);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Inverts the bits of one byte of a stored value. */
    void flipByte(String family, byte[] key, int offset) {
        byte[] value = get(family, key);
        value[offset] ^= (byte) 0xFF;
        put(family, key, value);
    }

    private ColumnFamilyHandle handle(String family) {
        int position = names.indexOf(family);
        if (position < 0) {
            throw new IllegalArgumentException("no column family " + family + " in " + names);
        }
        return handles.get(position);
    }

    @Override
    public void close() {
        handles.forEach(ColumnFamilyHandle::close);
        db.close();
        options.close();
    }
}
