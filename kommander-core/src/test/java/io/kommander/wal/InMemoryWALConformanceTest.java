package io.kommander.wal;

/** Runs the {@link IWAL} conformance kit against {@link InMemoryWAL}. */
class InMemoryWALConformanceTest extends WalConformanceKit {

    @Override
    protected IWAL openWal() {
        return new InMemoryWAL();
    }

    @Override
    protected IWAL reopenWal(IWAL closed) {
        return ((InMemoryWAL) closed).reopen();
    }
}
