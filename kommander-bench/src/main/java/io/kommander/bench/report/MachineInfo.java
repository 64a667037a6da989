package io.kommander.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The machine a report was measured on: cores, memory, JDK, OS and the source commit.
 *
 * @param cores    available processors
 * @param maxHeap  the JVM's maximum heap in MiB
 * @param jdk      vendor, VM and version
 * @param os       name, version and architecture
 * @param commit   the git commit of the working tree, or "unknown"
 */
public record MachineInfo(int cores, long maxHeap, String jdk, String os, String commit) {

    /** Describes this machine. */
    public static MachineInfo current() {
        return new MachineInfo(Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                gitCommit());
    }

    private static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
