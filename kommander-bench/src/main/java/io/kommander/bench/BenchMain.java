package io.kommander.bench;

import io.kommander.bench.cli.CapacityCommand;
import io.kommander.bench.cli.CompareCommand;
import io.kommander.bench.cli.DemoCommand;
import io.kommander.bench.cli.JmhCommand;
import io.kommander.bench.cli.MovesCommand;
import io.kommander.bench.cli.RunCommand;
import io.kommander.bench.cli.ScaleCommand;
import io.kommander.bench.cli.SweepCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The entry point of {@code kommander-bench.jar}: the demo, the load harness, the comparison and JMH. */
@Command(name = "kommander-bench", mixinStandardHelpOptions = true,
        subcommands = {DemoCommand.class, RunCommand.class, CompareCommand.class, SweepCommand.class,
            JmhCommand.class, ScaleCommand.class, MovesCommand.class, CapacityCommand.class},
        description = "Kommander's demo, load harness, comparison with SOFAJRaft and Ratis, and microbenchmarks.")
public final class BenchMain {

    private BenchMain() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
