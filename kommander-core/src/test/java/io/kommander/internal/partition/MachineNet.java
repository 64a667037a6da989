package io.kommander.internal.partition;

import io.kommander.time.HLCTimestamp;
import io.kommander.RaftLog;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.EntryKind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A hand-driven network of bare state machines for unit tests: the test decides when time passes and which
 * messages are delivered; persistence completes at once. Pure input → output, no threads.
 */
public final class MachineNet {

    static final PartitionSettings SETTINGS = new PartitionSettings(10, 100, 200, 300, 8, 64, 1 << 20, 1000, 10_000);

    record Envelope(String from, String to, RaftMessage message) {
    }

    final Map<String, RaftPartitionStateMachine> machines = new HashMap<>();
    final Map<String, List<RaftLog>> delivered = new HashMap<>();
    final Map<Long, Ready.Completion> completions = new HashMap<>();
    final Map<Long, Ready.StatusCompletion> statuses = new HashMap<>();
    final ArrayDeque<Envelope> inFlight = new ArrayDeque<>();
    final Set<String> cut = new HashSet<>();
    long now;
    private long nextRequest = 1;

    /** A group of bare state machines named {@code names}, each with the others as peers. */
    public MachineNet(String... names) {
        int salt = 0;
        for (String name : names) {
            List<String> peers = new ArrayList<>();
            for (String other : names) {
                if (!other.equals(name)) {
                    peers.add(other);
                }
            }
            RaftPartitionStateMachine machine = new RaftPartitionStateMachine(1, name, peers, SETTINGS,
                    new SplittableRandom(++salt));
            machine.restoreBegin(io.kommander.wal.HardState.EMPTY, io.kommander.wal.LogPosition.ZERO, 0);
            machine.restoreEnd(0);
            machines.put(name, machine);
            delivered.put(name, new ArrayList<>());
        }
    }

    RaftPartitionStateMachine m(String name) {
        return machines.get(name);
    }

    /** Collects every machine's Ready: messages go in flight, writes complete at once. */
    void flush() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Map.Entry<String, RaftPartitionStateMachine> e : machines.entrySet()) {
                Ready ready = e.getValue().takeReady();
                if (ready.isEmpty()) {
                    continue;
                }
                progress = true;
                String from = e.getKey();
                ready.messages.forEach(o -> send(from, o));
                delivered.get(from).addAll(ready.restoredDeliveries);
                delivered.get(from).addAll(ready.deliveries);
                ready.completions.forEach(c -> completions.put(c.requestId(), c));
                ready.statusCompletions.forEach(c -> statuses.put(c.requestId(), c));
                if (ready.persist != null) {
                    ready.persist.after().forEach(o -> send(from, o));
                    e.getValue().persisted(ready.persist.seq(), ready.persist.lastIndexAfter());
                }
            }
        }
    }

    private void send(String from, Ready.Outbound out) {
        if (!cut.contains(from) && !cut.contains(out.to())) {
            inFlight.add(new Envelope(from, out.to(), out.message()));
        }
    }

    /** Delivers every message in flight (and the ones they cause) until quiet. */
    public void deliverAll() {
        flush();
        int guard = 0;
        while (!inFlight.isEmpty() && guard++ < 100_000) {
            Envelope env = inFlight.poll();
            if (!cut.contains(env.to()) && !cut.contains(env.from())) {
                machines.get(env.to()).step(env.from(), env.message(), now);
            }
            flush();
        }
    }

    /** Drops every message in flight. */
    void dropAll() {
        flush();
        inFlight.clear();
    }

    /** Advances time by {@code millis} in heartbeat-sized ticks, delivering messages after each tick. */
    void advance(long millis) {
        long end = now + millis;
        while (now < end) {
            now += SETTINGS.heartbeatMillis();
            machines.values().forEach(m -> m.tick(now));
            deliverAll();
        }
    }

    /** Makes {@code name} campaign at once and delivers until quiet. */
    public void elect(String name) {
        m(name).tick(now + SETTINGS.electionMaxMillis() + 1);
        now += SETTINGS.electionMaxMillis() + 1;
        deliverAll();
    }

    public long propose(String name, String payload) {
        long request = nextRequest++;
        m(name).propose(request, EntryKind.DATA, "t", List.of(payload.getBytes()), new HLCTimestamp(now, request), now);
        return request;
    }

    long readIndex(String name) {
        long request = nextRequest++;
        m(name).readIndex(request);
        return request;
    }

    String leader() {
        for (Map.Entry<String, RaftPartitionStateMachine> e : machines.entrySet()) {
            if (e.getValue().role() == RaftRole.LEADER) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Forgets what was delivered and completed so far, so that a long run does not grow the maps. */
    public void clearOutputs() {
        delivered.values().forEach(List::clear);
        completions.clear();
        statuses.clear();
    }
}
