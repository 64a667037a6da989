package io.kommander.internal.partition;

import io.kommander.RaftLog;
import io.kommander.time.HLCTimestamp;
import io.kommander.transport.RaftMessage;
import io.kommander.wal.EntryKind;
import io.kommander.wal.HardState;
import io.kommander.wal.InMemoryWAL;
import io.kommander.wal.LogEntry;
import io.kommander.wal.LogPosition;
import io.kommander.wal.WalBatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A hand-driven network of bare state machines for unit tests and the interaction scripts: the test decides when
 * time passes, which messages are delivered and when writes become durable. Pure input → output, no threads.
 *
 * <p>Each member's writes complete at once unless its persistence is manual ({@link #manualPersistence}): then
 * they wait, with the messages that must follow them, until {@link #persist}. Members built with disks keep what
 * they persisted in an {@link InMemoryWAL}, so that they can {@link #restart} from it and serve catch-up reads.
 */
public final class MachineNet {

    /** The partition every member replicates. */
    static final int PARTITION = 1;

    static final PartitionSettings SETTINGS = PartitionSettings.builder()
            .heartbeatMillis(10)
            .electionMinMillis(100)
            .electionMaxMillis(200)
            .checkQuorumMillis(300)
            .maxInflight(8)
            .maxEntriesPerAppend(64)
            .logCacheEntries(1000)
            .build();

    /** A replica {@code self} of {@link #PARTITION} among {@code peers}, not yet restored. */
    static RaftPartitionStateMachine replica(String self, List<String> peers) {
        return new RaftPartitionStateMachine(PARTITION, self, peers, SETTINGS, new SplittableRandom(1));
    }

    /** As {@link #replica}, restored from an empty disk: a follower at term 0 that knows no leader. */
    static RaftPartitionStateMachine restoredReplica(String self, List<String> peers) {
        RaftPartitionStateMachine machine = replica(self, peers);
        machine.restoreBegin(HardState.EMPTY, LogPosition.ZERO, 0, null);
        machine.restoreEnd(0);
        return machine;
    }

    /** Lets a replica's first election timeout pass (from time 0); returns the time it was ticked at. */
    static long timeOut(RaftPartitionStateMachine machine) {
        long now = SETTINGS.electionMaxMillis() + 1;
        machine.tick(now);
        machine.takeReady();
        return now;
    }

    record Envelope(String from, String to, RaftMessage message) {
    }

    /** A message handed to its receiver; {@code ignored} if the receiver counted it as ignored. */
    record Delivered(Envelope envelope, boolean ignored) {
    }

    /** One member: its state machine, its disk (or null) and the writes it has not yet made durable. */
    private static final class Member {
        final String name;
        final int salt;
        final ArrayDeque<Ready.PersistStep> unpersisted = new ArrayDeque<>();
        final EnumSet<PlantedBug> bugs = EnumSet.noneOf(PlantedBug.class);
        RaftPartitionStateMachine machine;
        InMemoryWAL disk;
        boolean manualPersistence;
        int incarnation;

        Member(String name, int salt) {
            this.name = name;
            this.salt = salt;
        }
    }

    final PartitionSettings settings;
    private final Map<String, Member> members = new LinkedHashMap<>();
    final Map<String, List<RaftLog>> delivered = new HashMap<>();
    /** Entries handed to onLogRestored: by a restart, or once committed after one. */
    final Map<String, List<RaftLog>> restored = new HashMap<>();
    final Map<Long, Ready.Completion> completions = new HashMap<>();
    final Map<Long, Ready.StatusCompletion> statuses = new HashMap<>();
    final ArrayDeque<Envelope> inFlight = new ArrayDeque<>();
    final Set<String> cut = new HashSet<>();
    long now;
    private long nextRequest = 1;

    /** A group of bare state machines named {@code names}, each with the others as peers; writes complete at once. */
    public MachineNet(String... names) {
        this(SETTINGS, false, List.of(names));
    }

    private MachineNet(PartitionSettings settings, boolean disks, List<String> names) {
        this.settings = settings;
        int salt = 0;
        for (String name : names) {
            Member member = new Member(name, ++salt);
            member.disk = disks ? new InMemoryWAL() : null;
            members.put(name, member);
            delivered.put(name, new ArrayList<>());
            restored.put(name, new ArrayList<>());
        }
        members.values().forEach(this::start);
    }

    /** A group whose members keep their durable writes on disks of their own, so that they can restart. */
    static MachineNet withDisks(PartitionSettings settings, List<String> names) {
        return new MachineNet(settings, true, names);
    }

    /** Builds the member's state machine from its disk (empty at first) and plants its bugs. */
    private void start(Member member) {
        List<String> peers = new ArrayList<>(members.keySet());
        peers.remove(member.name);
        RaftPartitionStateMachine machine = new RaftPartitionStateMachine(PARTITION, member.name, peers, settings,
                new SplittableRandom(member.salt + 1000L * member.incarnation));
        member.bugs.forEach(machine::plant);
        if (member.disk == null) {
            machine.restoreBegin(io.kommander.wal.HardState.EMPTY, LogPosition.ZERO, 0, null);
        } else {
            InMemoryWAL disk = member.disk;
            LogPosition compacted = disk.compactedUpTo(PARTITION);
            machine.restoreBegin(disk.hardState(PARTITION), compacted, disk.lastCheckpoint(PARTITION), null);
            List<LogEntry> stored = disk.read(PARTITION, compacted.index() + 1, disk.lastPosition(PARTITION).index(),
                    Long.MAX_VALUE);
            restored.get(member.name).addAll(machine.restoreEntries(stored));
        }
        machine.restoreEnd(now);
        member.machine = machine;
    }

    RaftPartitionStateMachine m(String name) {
        Member member = members.get(name);
        if (member == null) {
            throw new IllegalArgumentException("no member " + name + " (members: " + members.keySet() + ")");
        }
        return member.machine;
    }

    /** The members' names, in creation order. */
    List<String> names() {
        return List.copyOf(members.keySet());
    }

    /** Switches on a known-wrong behaviour on {@code name}, for this and every later incarnation. */
    void plant(String name, PlantedBug bug) {
        m(name);
        members.get(name).bugs.add(bug);
        members.get(name).machine.plant(bug);
    }

    /** With {@code manual}, {@code name}'s writes wait for {@link #persist}; otherwise they complete at once. */
    void manualPersistence(String name, boolean manual) {
        m(name);
        members.get(name).manualPersistence = manual;
    }

    /** The writes {@code name} has taken but not yet made durable, oldest first. */
    List<Ready.PersistStep> unpersisted(String name) {
        m(name);
        return List.copyOf(members.get(name).unpersisted);
    }

    /** The entries {@code name} holds durably (empty for a member without a disk). */
    List<LogEntry> durableLog(String name) {
        InMemoryWAL disk = members.get(name).disk;
        if (disk == null) {
            return List.of();
        }
        LogPosition compacted = disk.compactedUpTo(PARTITION);
        return disk.read(PARTITION, compacted.index() + 1, disk.lastPosition(PARTITION).index(), Long.MAX_VALUE);
    }

    /** Collects every member's Ready until none has more: messages go in flight, writes queue or complete. */
    void flush() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Member member : members.values()) {
                progress |= collect(member);
                if (!member.manualPersistence && !member.unpersisted.isEmpty()) {
                    completeWrites(member, Integer.MAX_VALUE);
                    progress = true;
                }
            }
        }
    }

    private boolean collect(Member member) {
        Ready ready = member.machine.takeReady();
        if (ready.isEmpty()) {
            return false;
        }
        ready.messages.forEach(o -> send(member.name, o.to(), o.message()));
        restored.get(member.name).addAll(ready.restoredDeliveries);
        delivered.get(member.name).addAll(ready.deliveries);
        ready.completions.forEach(c -> completions.put(c.requestId(), c));
        ready.statusCompletions.forEach(c -> statuses.put(c.requestId(), c));
        ready.catchUpReads.forEach(read -> serve(member, read));
        if (ready.persist != null) {
            member.unpersisted.add(ready.persist);
        }
        return true;
    }

    /** Answers a leader's catch-up read from its disk, as RaftPartition does from the WAL. */
    private void serve(Member member, Ready.CatchUpRead read) {
        if (member.disk == null) {
            member.machine.catchUpReadFailed(read.peer());
            return;
        }
        member.machine.entriesRead(read.peer(), read.term(), member.disk.read(PARTITION, read.from(), read.to(),
                settings.maxBytesPerAppend()));
    }

    /**
     * Makes up to {@code max} of {@code name}'s pending writes durable, oldest first: each reaches the disk, its
     * messages leave, and the machine learns it is durable. Returns the writes completed.
     */
    List<Ready.PersistStep> persist(String name, int max) {
        m(name);
        flush();
        List<Ready.PersistStep> done = completeWrites(members.get(name), max);
        flush();
        return done;
    }

    private List<Ready.PersistStep> completeWrites(Member member, int max) {
        List<Ready.PersistStep> done = new ArrayList<>();
        while (!member.unpersisted.isEmpty() && done.size() < max) {
            Ready.PersistStep step = member.unpersisted.poll();
            if (member.disk != null && !step.write().isEmpty()) {
                member.disk.write(WalBatch.of(step.write()));
            }
            step.after().forEach(o -> send(member.name, o.to(), o.message()));
            member.machine.persisted(step.seq(), step.lastIndexAfter());
            done.add(step);
        }
        return done;
    }

    /**
     * Crashes {@code name} and starts a new incarnation from its disk: writes not yet durable are lost, with the
     * messages that waited for them; messages already in flight still arrive.
     */
    void restart(String name) {
        Member member = members.get(name);
        if (member == null || member.disk == null) {
            throw new IllegalArgumentException("member " + name + " has no disk to restart from");
        }
        flush();
        member.unpersisted.clear();
        member.disk.close();
        member.disk = member.disk.reopen();
        member.incarnation++;
        start(member);
        flush();
    }

    /** Puts a message in flight, unless either end is cut off. Returns whether it is in flight. */
    boolean send(String from, String to, RaftMessage message) {
        if (cut.contains(from) || cut.contains(to)) {
            return false;
        }
        inFlight.add(new Envelope(from, to, message));
        return true;
    }

    /** Cuts {@code name} off: messages to or from it are lost. Returns those in flight, now dropped. */
    List<Envelope> cut(String name) {
        m(name);
        flush();
        cut.add(name);
        return drop(env -> env.from().equals(name) || env.to().equals(name));
    }

    /** Delivers every message in flight (and the ones they cause) until quiet. */
    public void deliverAll() {
        deliver(env -> true, 100_000);
    }

    /**
     * Delivers, oldest first, messages in flight that match {@code filter}, including those the deliveries cause,
     * until none matches or {@code max} were delivered.
     */
    List<Delivered> deliver(Predicate<Envelope> filter, int max) {
        flush();
        List<Delivered> done = new ArrayList<>();
        while (done.size() < max) {
            Envelope env = take(filter);
            if (env == null) {
                break;
            }
            if (cut.contains(env.to()) || cut.contains(env.from())) {
                continue;
            }
            RaftPartitionStateMachine to = m(env.to());
            long ignoredBefore = to.ignoredMessages();
            to.step(env.from(), env.message(), now);
            done.add(new Delivered(env, to.ignoredMessages() > ignoredBefore));
            flush();
        }
        return done;
    }

    private Envelope take(Predicate<Envelope> filter) {
        for (Iterator<Envelope> it = inFlight.iterator(); it.hasNext(); ) {
            Envelope env = it.next();
            if (filter.test(env)) {
                it.remove();
                return env;
            }
        }
        return null;
    }

    /** Drops every message in flight that matches {@code filter}, and returns them. */
    List<Envelope> drop(Predicate<Envelope> filter) {
        flush();
        List<Envelope> dropped = new ArrayList<>();
        for (Iterator<Envelope> it = inFlight.iterator(); it.hasNext(); ) {
            Envelope env = it.next();
            if (filter.test(env)) {
                it.remove();
                dropped.add(env);
            }
        }
        return dropped;
    }

    /** Drops every message in flight. */
    void dropAll() {
        drop(env -> true);
    }

    /** Advances time by {@code millis} in heartbeat-sized ticks of every member; messages stay in flight. */
    void tick(long millis) {
        passTime(millis, false);
    }

    /** Advances time by {@code millis} in heartbeat-sized ticks, delivering messages after each tick. */
    void advance(long millis) {
        passTime(millis, true);
    }

    private void passTime(long millis, boolean deliver) {
        long end = now + millis;
        while (now < end) {
            now = Math.min(end, now + settings.heartbeatMillis());
            members.values().forEach(member -> member.machine.tick(now));
            if (deliver) {
                deliverAll();
            } else {
                flush();
            }
        }
    }

    /** Lets {@code name}'s election timer fire now: time jumps past the longest timeout, and only it ticks. */
    void campaign(String name) {
        now += settings.electionMaxMillis() + 1;
        m(name).tick(now);
        flush();
    }

    /** Makes {@code name} campaign at once and delivers until quiet. */
    public void elect(String name) {
        campaign(name);
        deliverAll();
    }

    /** Proposes one entry on {@code name}; returns the request id its result will carry. */
    public long propose(String name, String payload) {
        long request = nextRequest++;
        m(name).requests().propose(request, EntryKind.DATA, "t", List.of(payload.getBytes()), new HLCTimestamp(now, request, 1), now);
        return request;
    }

    /** Proposes one entry on {@code name} with a client's request id; returns the request id its result will carry. */
    long propose(String name, String payload, io.kommander.RequestId clientRequest) {
        long request = nextRequest++;
        m(name).requests().propose(request, EntryKind.DATA, "t", List.of(payload.getBytes()), new HLCTimestamp(now, request, 0),
                clientRequest, now);
        return request;
    }

    /** Asks {@code name} to confirm its leadership for a read; returns the request id. */
    long readIndex(String name) {
        long request = nextRequest++;
        m(name).requests().readIndex(request);
        return request;
    }

    /**
     * Adds member {@code name}, joining a partition whose configuration has {@code voters} (without it): it has an
     * empty log, no disk, and does not campaign until a configuration in its log makes it a voter.
     */
    void join(String name, List<String> voters) {
        Member member = new Member(name, members.size() + 1);
        members.put(name, member);
        delivered.put(name, new ArrayList<>());
        restored.put(name, new ArrayList<>());
        RaftPartitionStateMachine machine = RaftPartitionStateMachine.joining(PARTITION, name, voters, settings,
                new SplittableRandom(member.salt));
        machine.restoreBegin(io.kommander.wal.HardState.EMPTY, LogPosition.ZERO, 0, null);
        machine.restoreEnd(now);
        member.machine = machine;
    }

    /** Asks {@code name} to change the configuration; returns the request id its result will carry. */
    long changeConfiguration(String name, ConfigurationChange.Kind kind, String member) {
        long request = nextRequest++;
        m(name).requests().changeConfiguration(request, new ConfigurationChange(kind, member), now);
        return request;
    }

    /** Asks {@code name} to hand its leadership to {@code target}; returns the request id. */
    long transferLeadership(String name, String target) {
        long request = nextRequest++;
        m(name).requests().transferLeadership(request, target, now);
        return request;
    }

    String leader() {
        for (Member member : members.values()) {
            if (member.machine.role() == RaftRole.LEADER) {
                return member.name;
            }
        }
        return null;
    }

    /** Forgets what was delivered and completed so far, so that a long run does not grow the maps. */
    public void clearOutputs() {
        delivered.values().forEach(List::clear);
        restored.values().forEach(List::clear);
        completions.clear();
        statuses.clear();
    }
}
