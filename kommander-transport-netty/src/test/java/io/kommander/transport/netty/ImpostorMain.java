package io.kommander.transport.netty;

import io.kommander.transport.NodeIdentity;

import java.util.ArrayList;
import java.util.List;

/**
 * The impostor process of {@link ImpostorProcessTest}: attacks the nodes of a {@link ClusterNodeMain} cluster on
 * loopback, one connection after the other, round robin over nodes, claimed members and {@link Impostor}
 * techniques, for a given time; then prints {@code ATTACKS <n> REFUSED <m>} and exits.
 *
 * <p>Arguments: seconds to attack, then every node's port.
 */
public final class ImpostorMain {

    private ImpostorMain() {
    }

    public static void main(String[] args) {
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
        List<String> members = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            members.add("127.0.0.1:" + args[i]);
        }
        long attacks = 0;
        long refused = 0;
        while (System.nanoTime() < deadline) {
            int target = (int) (attacks % members.size());
            int claimed = (target + 1 + (int) (attacks / members.size()) % (members.size() - 1)) % members.size();
            NodeIdentity identity = NodeIdentity.of("kommander", claimed + 1, members.get(claimed), members, 1);
            if (Impostor.attack(members.get(target), identity, (int) (attacks / members.size()))) {
                refused++;
            }
            attacks++;
        }
        System.out.println("ATTACKS " + attacks + " REFUSED " + refused);
    }
}
