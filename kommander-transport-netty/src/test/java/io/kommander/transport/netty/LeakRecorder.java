package io.kommander.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records Netty's buffer leak reports so that a test can fail on them. Installed by {@link Installer} when the test
 * session opens, before any buffer class is loaded; the module's tests run with leak detection PARANOID.
 */
final class LeakRecorder {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    private LeakRecorder() {
    }

    /** Collects garbage until the detector has seen every unreachable buffer, then fails if any leaked. */
    static void assertNoLeaks() {
        for (int round = 0; round < 5; round++) {
            System.gc();
            System.runFinalization();
            // Leak reports are produced when the detector tracks a new buffer.
            ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(1);
            probe.release();
        }
        assertThat(LEAKS).as("Netty buffer leaks").isEmpty();
    }

    /** Installs the recording detector for the whole test JVM. */
    public static final class Installer implements LauncherSessionListener {
        @Override
        public void launcherSessionOpened(LauncherSession session) {
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
                @Override
                @SuppressWarnings("deprecation")
                public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                           long maxActive) {
                    return new ResourceLeakDetector<>(resource, samplingInterval) {
                        @Override
                        protected void reportTracedLeak(String resourceType, String records) {
                            LEAKS.add(resourceType + records);
                            super.reportTracedLeak(resourceType, records);
                        }

                        @Override
                        protected void reportUntracedLeak(String resourceType) {
                            LEAKS.add(resourceType);
                            super.reportUntracedLeak(resourceType);
                        }
                    };
                }
            });
        }
    }
}
