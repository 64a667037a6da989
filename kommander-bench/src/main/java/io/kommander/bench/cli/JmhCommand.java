package io.kommander.bench.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jmh ARGS...}: hands every argument to JMH's own command line ({@code org.openjdk.jmh.Main}). */
@Command(name = "jmh", description = "Run the JMH microbenchmarks; arguments go to JMH (try: jmh -h).")
public final class JmhCommand implements Callable<Integer> {

    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(arguments.toArray(String[]::new));
        return 0;
    }
}
