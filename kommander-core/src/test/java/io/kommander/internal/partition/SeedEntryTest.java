package io.kommander.internal.partition;

import io.kommander.wal.LogEntry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chunk encoding of a move's seed: cutting, encoding, decoding, and the bad inputs it refuses. */
class SeedEntryTest {

    private static final byte[] STATE = state(1_000);

    @Test
    void aStateIsCutIntoChunksEachWithinMaxEntryBytesThatJoinBackIntoIt() {
        List<SeedEntry> chunks = SeedEntry.chunks(SeedEntry.TYPE, 4, 17, 99, STATE, 128);

        assertThat(chunks).hasSizeGreaterThan(1).allSatisfy(c -> {
            assertThat(LogEntry.contentBytes(SeedEntry.TYPE, c.encode())).isLessThanOrEqualTo(128);
            assertThat(c.count()).isEqualTo(chunks.size());
            assertThat(c.sequence()).isEqualTo(99);
        });
        assertThat(chunks).extracting(SeedEntry::number).containsExactlyElementsOf(
                IntStream.range(0, chunks.size()).boxed().toList());
        assertThat(chunks.get(chunks.size() - 1).last()).isTrue();
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        chunks.forEach(c -> joined.writeBytes(c.bytes()));
        assertThat(joined.toByteArray()).isEqualTo(STATE);
    }

    @Test
    void aStateThatFitsOrIsEmptyIsOneChunk() {
        assertThat(SeedEntry.chunks(SeedEntry.MERGE_TYPE, 4, 17, 1, STATE, 1 << 20)).singleElement()
                .satisfies(c -> assertThat(c.bytes()).isEqualTo(STATE));
        assertThat(SeedEntry.chunks(SeedEntry.TYPE, 4, 17, 1, new byte[0], 128)).singleElement()
                .satisfies(c -> assertThat(c.bytes()).isEmpty());
    }

    @Test
    void aChunkDecodesAsItWasEncoded() {
        SeedEntry chunk = new SeedEntry(4, 17, -5, 2, 3, state(10));
        assertThat(SeedEntry.decode(chunk.encode())).isEqualTo(chunk);
    }

    @Test
    void theSingleEntryOfEarlierVersionsDecodesAsASequenceOfOne() {
        byte[] single = ByteBuffer.allocate(1 + 4 + 8 + STATE.length).put((byte) 1).putInt(4).putLong(17).put(STATE)
                .array();

        SeedEntry decoded = SeedEntry.decode(single);

        assertThat(decoded).isEqualTo(new SeedEntry(4, 17, 0, 0, 1, STATE));
        assertThat(decoded.last()).isTrue();
    }

    @Test
    void aTruncatedChunkIsAClearError() {
        byte[] whole = new SeedEntry(4, 17, 7, 1, 3, state(40)).encode();
        assertThatThrownBy(() -> SeedEntry.decode(Arrays.copyOf(whole, whole.length - 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> SeedEntry.decode(Arrays.copyOf(whole, 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> SeedEntry.decode(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    }

    @Test
    void anUnknownFormatOrAChunkOutsideItsSequenceIsAClearError() {
        byte[] unknown = new SeedEntry(4, 17, 7, 0, 1, state(4)).encode();
        unknown[0] = 9;
        assertThatThrownBy(() -> SeedEntry.decode(unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format 9");
        byte[] beyond = ByteBuffer.wrap(new SeedEntry(4, 17, 7, 0, 1, new byte[0]).encode()).putInt(21, 3).array();
        assertThatThrownBy(() -> SeedEntry.decode(beyond)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunk 3 of 1");
    }

    static byte[] state(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }
}
