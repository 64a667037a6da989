package io.kommander.wal.rocksdb;

import io.kommander.wal.WalException;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens (or creates) the WAL's RocksDB database in a folder, refusing anything it cannot trust with a message
 * that says why: a folder of something else, a database of something else, a newer format, a folder locked by
 * another process.
 *
 * <p>Stateless; each call opens an independent store.
 */
final class StoreOpener {

    static {
        RocksDB.loadLibrary();
    }

    private StoreOpener() {
    }

    /**
     * Opens the store described by {@code settings}.
     *
     * @throws WalException if the folder cannot be used; nothing is left open then
     */
    static Store open(RocksDbWalSettings settings) {
        Path folder = settings.folder().toAbsolutePath();
        String where = "RocksDbWAL folder " + folder;
        boolean creating = prepareFolder(folder, where);
        List<String> families = creating ? newFamilies(settings.shards()) : existingFamilies(folder, where);

        StoreOptions options = new StoreOptions(settings, creating);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String family : families) {
            boolean isLog = !family.equals(Store.STATE_FAMILY) && family.startsWith("kommander-log-");
            descriptors.add(new ColumnFamilyDescriptor(family.getBytes(StandardCharsets.UTF_8),
                    isLog ? options.log : options.small));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(options.db, folder.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            options.close();
            throw openFailure(where, e);
        }
        try {
            WalFormat format = creating ? create(db, handles.get(families.indexOf(Store.STATE_FAMILY)), settings,
                    options) : readFormat(db, handles.get(families.indexOf(Store.STATE_FAMILY)), where, options);
            List<ColumnFamilyHandle> logs = new ArrayList<>();
            for (int shard = 0; shard < format.shards(); shard++) {
                int position = families.indexOf(Store.logFamily(shard));
                if (position < 0) {
                    throw new WalException(where + ": log column family " + Store.logFamily(shard)
                            + " is missing (format record says " + format.shards() + " shards)");
                }
                logs.add(handles.get(position));
            }
            return new Store(db, handles.get(families.indexOf(Store.STATE_FAMILY)), logs, handles, format, options);
        } catch (RuntimeException e) {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            options.close();
            throw e;
        }
    }

    /** Creates the folder if needed; returns whether it is new (empty). */
    private static boolean prepareFolder(Path folder, String where) {
        try {
            Files.createDirectories(folder);
            List<String> names;
            try (Stream<Path> entries = Files.list(folder)) {
                names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            }
            if (names.isEmpty()) {
                return true;
            }
            if (!names.contains("CURRENT")) {
                throw new WalException(where + " is not empty and holds no RocksDB database, so it is not a Kommander"
                        + " WAL; refusing to use it (it contains " + names.subList(0, Math.min(5, names.size()))
                        + (names.size() > 5 ? ", ..." : "") + ")");
            }
            return false;
        } catch (IOException e) {
            throw new WalException(where + ": cannot create or list it: " + e, e);
        }
    }

    private static List<String> newFamilies(int shards) {
        List<String> families = new ArrayList<>();
        families.add(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8));
        families.add(Store.STATE_FAMILY);
        for (int shard = 0; shard < shards; shard++) {
            families.add(Store.logFamily(shard));
        }
        return families;
    }

    private static List<String> existingFamilies(Path folder, String where) {
        List<String> families = new ArrayList<>();
        try (Options options = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, folder.toString())) {
                families.add(new String(name, StandardCharsets.UTF_8));
            }
        } catch (RocksDBException e) {
            throw new WalException(where + " holds a RocksDB database whose column families cannot be listed: "
                    + e.getMessage(), e);
        }
        if (!families.contains(Store.STATE_FAMILY)) {
            throw new WalException(where + " holds a RocksDB database that is not a Kommander WAL (no "
                    + Store.STATE_FAMILY + " column family; it has " + families + "); refusing to use it");
        }
        return families;
    }

    private static WalFormat create(RocksDB db, ColumnFamilyHandle state, RocksDbWalSettings settings,
                                    StoreOptions options) {
        WalFormat format = WalFormat.current(settings.shards());
        try {
            db.put(state, options.synced, KeyCodec.formatKey(), format.encode());
        } catch (RocksDBException e) {
            throw new WalException("RocksDbWAL folder " + settings.folder() + ": cannot write the format record: "
                    + e.getMessage(), e);
        }
        return format;
    }

    private static WalFormat readFormat(RocksDB db, ColumnFamilyHandle state, String where, StoreOptions options) {
        byte[] value;
        try {
            value = db.get(state, KeyCodec.formatKey());
        } catch (RocksDBException e) {
            throw new WalException(where + ": cannot read the format record: " + e.getMessage(), e);
        }
        if (value == null) {
            throw new WalException(where + " has a " + Store.STATE_FAMILY + " column family but no format record:"
                    + " its creation was interrupted or it is not a Kommander WAL; refusing to use it");
        }
        WalFormat format = WalFormat.decode(value, where);
        if (format.version() > WalFormat.CURRENT_VERSION) {
            throw new WalException(where + " uses WAL format version " + format.version()
                    + ", newer than version " + WalFormat.CURRENT_VERSION
                    + " that this library reads: upgrade kommander-wal-rocksdb to open it");
        }
        if (format.version() < 1) {
            throw new WalException(where + ": the format record has an invalid version " + format.version());
        }
        if (format.version() < WalFormat.CURRENT_VERSION) {
            // Records may be written in the newer layouts from now on: a library that cannot read them must refuse
            // the folder at open, not fail on the first such record.
            format = format.upgraded();
            try {
                db.put(state, options.synced, KeyCodec.formatKey(), format.encode());
            } catch (RocksDBException e) {
                throw new WalException(where + ": cannot upgrade the format record to version " + format.version()
                        + ": " + e.getMessage(), e);
            }
        }
        return format;
    }

    private static WalException openFailure(String where, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        if (message.toLowerCase(java.util.Locale.ROOT).contains("lock")) {
            return new WalException(where + " is locked: another process (or another open RocksDbWAL in this"
                    + " process) is using it. RocksDB said: " + message, e);
        }
        return new WalException(where + ": RocksDB could not open it: " + message, e);
    }
}
