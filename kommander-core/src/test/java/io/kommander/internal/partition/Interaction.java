package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.RaftReplicationResult;
import io.kommander.wal.LogEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs interaction-script commands against a {@link MachineNet} whose members are named {@code 1..n}, and
 * returns what each one prints. The language is described in {@code docs/testing.md}; {@link InteractionTest}
 * compares the output with the script's expectations.
 *
 * <p>A command the state machine refuses by throwing {@link IllegalStateException} (for example a leader that
 * conflicts with a committed entry) prints {@code error: ...}; a command the interpreter cannot run (unknown name,
 * bad or unread argument) throws {@link IllegalArgumentException} and fails the script.
 */
final class Interaction {

    private MachineNet net;

    /** Runs one command line (found at {@code line} of its script) and returns its output, never blank. */
    String run(String text, int line) {
        ScriptCommand command = ScriptCommand.parse(text, line);
        if (net == null && !command.name().equals("nodes")) {
            throw command.error("the script must start with: nodes <count>");
        }
        List<String> out = new ArrayList<>();
        try {
            dispatch(command, out);
            command.requireAllUsed();
            net.flush();
        } catch (IllegalStateException e) {
            out.add("error: " + e.getMessage());
        }
        return out.isEmpty() ? "ok" : String.join("\n", out);
    }

    private void dispatch(ScriptCommand c, List<String> out) {
        switch (c.name()) {
            case "nodes" -> nodes(c);
            case "campaign" -> net.campaign(node(c, 0));
            case "propose" -> propose(c, out);
            case "read" -> out.add("request " + net.readIndex(node(c, 0)));
            case "transfer" -> out.add("request " + net.transferLeadership(node(c, 0), node(c, 1)));
            case "send" -> send(c, out);
            case "deliver" -> deliver(c, out);
            case "drop" -> drop(c, out);
            case "persistence" -> persistence(c);
            case "persist" -> persist(c, out);
            case "tick" -> net.tick(Long.parseLong(c.arg(0)));
            case "run" -> net.advance(Long.parseLong(c.arg(0)));
            case "stabilize" -> stabilize();
            case "cut" -> nodes(c, 0).forEach(n -> net.cut(n).forEach(env -> out.add("dropped " + envelope(env))));
            case "heal" -> heal(c);
            case "restart" -> {
                net.restart(node(c, 0));
                out.add(status(node(c, 0)));
            }
            case "plant" -> plant(c);
            case "status" -> selected(c).forEach(n -> out.add(status(n)));
            case "log" -> log(node(c, 0), out);
            case "delivered" -> selected(c).forEach(n -> out.add(delivered(n)));
            case "results" -> results(out);
            default -> throw c.error("unknown command");
        }
    }

    // ------------------------------------------------------------------ setup

    private void nodes(ScriptCommand c) {
        int count = Integer.parseInt(c.arg(0));
        PartitionSettings.Builder b = MachineNet.SETTINGS.toBuilder()
                .heartbeatMillis(c.longOption("heartbeat", MachineNet.SETTINGS.heartbeatMillis()))
                .electionMinMillis(c.longOption("election-min", MachineNet.SETTINGS.electionMinMillis()))
                .electionMaxMillis(c.longOption("election-max", MachineNet.SETTINGS.electionMaxMillis()))
                .checkQuorumMillis(c.longOption("check-quorum", MachineNet.SETTINGS.checkQuorumMillis()))
                .maxInflight((int) c.longOption("max-inflight", MachineNet.SETTINGS.maxInflight()))
                .maxEntriesPerAppend((int) c.longOption("max-entries", MachineNet.SETTINGS.maxEntriesPerAppend()))
                .maxBytesPerAppend((int) c.longOption("max-bytes", MachineNet.SETTINGS.maxBytesPerAppend()))
                .logCacheEntries((int) c.longOption("log-cache", MachineNet.SETTINGS.logCacheEntries()))
                .proposalTimeoutMillis(c.longOption("proposal-timeout",
                        MachineNet.SETTINGS.proposalTimeoutMillis()));
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add(Integer.toString(i));
        }
        net = MachineNet.withDisks(b.build(), names);
    }

    private void plant(ScriptCommand c) {
        PlantedBug bug;
        try {
            bug = PlantedBug.valueOf(c.arg(0).toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw c.error("unknown bug; one of " + Arrays.toString(PlantedBug.values()));
        }
        nodes(c, 1).forEach(n -> net.plant(n, bug));
    }

    private void persistence(ScriptCommand c) {
        boolean manual = c.choice("manual", "auto");
        List<String> targets = c.argCount() > 1 ? nodes(c, 1) : net.names();
        targets.forEach(n -> net.manualPersistence(n, manual));
    }

    // ------------------------------------------------------------------ inputs

    private void propose(ScriptCommand c, List<String> out) {
        String node = node(c, 0);
        List<Long> requests = new ArrayList<>();
        for (String payload : c.argsFrom(1)) {
            requests.add(net.propose(node, ScriptNotation.unquote(payload)));
        }
        out.add(requests.size() == 1 ? "request " + requests.get(0)
                : "requests " + requests.get(0) + ".." + requests.get(requests.size() - 1));
    }

    private void send(ScriptCommand c, List<String> out) {
        String[] link = c.arg(0).split("->");
        if (link.length != 2) {
            throw c.error("expected from->to, got " + c.arg(0));
        }
        net.m(link[0]);
        net.m(link[1]);
        if (!net.send(link[0], link[1], ScriptNotation.parseMessage(c, 1))) {
            out.add("dropped (cut)");
        }
    }

    private void persist(ScriptCommand c, List<String> out) {
        int max = (int) c.longOption("count", Integer.MAX_VALUE);
        for (String node : nodes(c, 0)) {
            List<Ready.PersistStep> done = net.persist(node, max);
            if (done.isEmpty()) {
                out.add(node + ": nothing to persist");
            }
            for (Ready.PersistStep step : done) {
                out.add(node + ": wrote " + ScriptNotation.write(step.write()));
                step.after().forEach(o -> out.add(node + ": released " + node + "->" + o.to() + " "
                        + ScriptNotation.message(o.message())));
            }
        }
    }

    /** Persists every pending write and delivers every message, until nothing moves. */
    private void stabilize() {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (String node : net.names()) {
                moved |= !net.persist(node, Integer.MAX_VALUE).isEmpty();
            }
            moved |= !net.deliver(env -> true, Integer.MAX_VALUE).isEmpty();
        }
    }

    private void heal(ScriptCommand c) {
        if (c.argCount() == 0) {
            net.cut.clear();
        } else {
            nodes(c, 0).forEach(net.cut::remove);
        }
    }

    private void deliver(ScriptCommand c, List<String> out) {
        List<MachineNet.Delivered> done = net.deliver(filter(c), (int) c.longOption("count", Integer.MAX_VALUE));
        done.forEach(d -> out.add(envelope(d.envelope()) + (d.ignored() ? " (ignored)" : "")));
        if (done.isEmpty()) {
            out.add("no messages");
        }
    }

    private void drop(ScriptCommand c, List<String> out) {
        List<MachineNet.Envelope> dropped = net.drop(filter(c));
        dropped.forEach(env -> out.add("dropped " + envelope(env)));
        if (dropped.isEmpty()) {
            out.add("no messages");
        }
    }

    private static Predicate<MachineNet.Envelope> filter(ScriptCommand c) {
        String from = c.option("from", null);
        String to = c.option("to", null);
        Set<String> types = c.hasOption("type") ? Set.of(c.option("type").split(",")) : null;
        return env -> (from == null || env.from().equals(from)) && (to == null || env.to().equals(to))
                && (types == null || types.contains(env.message().getClass().getSimpleName()));
    }

    // ------------------------------------------------------------------ queries

    private String status(String node) {
        RaftPartitionStateMachine m = net.m(node);
        String vote = m.hardState().votedFor();
        int unpersisted = net.unpersisted(node).size();
        return node + ": " + m.role().name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " term=" + m.term() + " vote=" + (vote.isEmpty() ? "none" : vote)
                + " lead=" + (m.leader() == null ? "none" : m.leader())
                + " commit=" + m.commitIndex() + " applied=" + m.appliedIndex() + " last=" + m.lastIndex()
                + (unpersisted > 0 ? " unpersisted=" + unpersisted : "")
                + (net.cut.contains(node) ? " cut" : "");
    }

    /** The node's log, an entry a line; entries its disk does not hold yet are marked. */
    private void log(String node, List<String> out) {
        RaftPartitionStateMachine m = net.m(node);
        List<LogEntry> durable = net.durableLog(node);
        for (long i = 1; i <= m.lastIndex(); i++) {
            LogEntry entry = m.cachedEntry(i);
            if (entry == null) {
                out.add(i + "/" + m.termAt(i) + " (not cached)");
                continue;
            }
            boolean onDisk = i <= durable.size() && durable.get((int) i - 1).term() == entry.term();
            out.add(ScriptNotation.entry(entry) + (onDisk ? "" : " (unpersisted)"));
        }
        if (out.isEmpty()) {
            out.add("empty");
        }
    }

    /** What the node handed to the application since the last query, then forgets it. */
    private String delivered(String node) {
        List<RaftLog> restored = net.restored.get(node);
        List<RaftLog> delivered = net.delivered.get(node);
        StringJoiner line = new StringJoiner(" ", node + ": ", "");
        if (!restored.isEmpty()) {
            line.add("restored=" + deliveries(restored));
        }
        if (!delivered.isEmpty()) {
            line.add("delivered=" + deliveries(delivered));
        }
        if (restored.isEmpty() && delivered.isEmpty()) {
            line.add("none");
        }
        restored.clear();
        delivered.clear();
        return line.toString();
    }

    private static String deliveries(List<RaftLog> logs) {
        return logs.stream().map(ScriptNotation::delivery).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Results of requests completed since the last query, by request id, then forgets them. */
    private void results(List<String> out) {
        TreeSet<Long> ids = new TreeSet<>(net.completions.keySet());
        ids.addAll(net.statuses.keySet());
        for (long id : ids) {
            Ready.Completion completion = net.completions.remove(id);
            if (completion != null) {
                RaftReplicationResult r = completion.result();
                out.add("request " + id + ": " + r.status() + (r.success() ? " index=" + r.logIndex() : "")
                        + (r.leader() != null ? " leader=" + r.leader() : ""));
            } else {
                out.add("request " + id + ": " + net.statuses.remove(id).status());
            }
        }
        if (ids.isEmpty()) {
            out.add("none");
        }
    }

    // ------------------------------------------------------------------ arguments

    private String node(ScriptCommand c, int i) {
        String name = c.arg(i);
        if (!net.names().contains(name)) {
            throw c.error("no node " + name);
        }
        return name;
    }

    private List<String> nodes(ScriptCommand c, int from) {
        List<String> names = c.argsFrom(from);
        for (int i = from; i < from + names.size(); i++) {
            node(c, i);
        }
        return names;
    }

    /** The nodes named from the first argument on, or every node. */
    private List<String> selected(ScriptCommand c) {
        return c.argCount() == 0 ? net.names() : nodes(c, 0);
    }

    private static String envelope(MachineNet.Envelope env) {
        return env.from() + "->" + env.to() + " " + ScriptNotation.message(env.message());
    }
}
