package io.kommander.wal.rocksdb;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.util.List;

/**
 * An open RocksDB database of the WAL with its column family handles, its format and its options. Owns all of
 * them and releases them in the order RocksDB requires: column family handles, then the database, then options.
 *
 * <p>The handles are thread-safe; closing is not, and callers must ensure nothing uses the store meanwhile.
 */
final class Store implements AutoCloseable {

    /** The column family of the format record, node metadata and per-partition records. */
    static final String STATE_FAMILY = "kommander-state";
    private static final String LOG_FAMILY_PREFIX = "kommander-log-";

    final RocksDB db;
    final ColumnFamilyHandle state;
    final WalFormat format;
    final StoreOptions options;
    private final List<ColumnFamilyHandle> logs;
    private final List<ColumnFamilyHandle> allHandles;

    Store(RocksDB db, ColumnFamilyHandle state, List<ColumnFamilyHandle> logs, List<ColumnFamilyHandle> allHandles,
          WalFormat format, StoreOptions options) {
        this.db = db;
        this.state = state;
        this.logs = List.copyOf(logs);
        this.allHandles = List.copyOf(allHandles);
        this.format = format;
        this.options = options;
    }

    /** The name of log shard {@code shard}'s column family. */
    static String logFamily(int shard) {
        return LOG_FAMILY_PREFIX + String.format("%03d", shard);
    }

    /** The column family holding a partition's entries. */
    ColumnFamilyHandle logOf(int partition) {
        return logs.get(format.shardOf(partition));
    }

    /** Every log shard's column family, by shard number. */
    List<ColumnFamilyHandle> logs() {
        return logs;
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle handle : allHandles) {
            handle.close();
        }
        try {
            // closeE reports a failure to sync or release the lock; plain close() would swallow it.
            db.closeE();
        } catch (RocksDBException e) {
            throw new io.kommander.wal.WalException("closing the RocksDB WAL failed: " + e.getMessage(), e);
        } finally {
            options.close();
        }
    }
}
