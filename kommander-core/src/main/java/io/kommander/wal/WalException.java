package io.kommander.wal;

/**
 * Thrown by an {@link IWAL} when storage fails or holds something it cannot trust. The message says which
 * partition and index are affected and what is wrong; nothing is skipped silently.
 */
public class WalException extends RuntimeException {
    /** @param message what failed, with the partition and index when known */
    public WalException(String message) {
        super(message);
    }

    /**
     * @param message what failed, with the partition and index when known
     * @param cause   the underlying error
     */
    public WalException(String message, Throwable cause) {
        super(message, cause);
    }
}
