package io.kommander.transport;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NodeIdentityTest {

    private static final List<String> MEMBERS = List.of("10.0.0.1:7001", "10.0.0.2:7001", "10.0.0.3:7001");

    private static NodeIdentity node(int id, String endpoint) {
        return NodeIdentity.of("orders", id, endpoint, MEMBERS, 8);
    }

    @Test
    void membersAgreeWhateverTheOrderTheyListEachOtherIn() {
        NodeIdentity a = NodeIdentity.of("orders", 1, "10.0.0.1:7001", List.of("10.0.0.2:7001", "10.0.0.3:7001"), 8);
        NodeIdentity b = NodeIdentity.of("orders", 2, "10.0.0.2:7001", List.of("10.0.0.3:7001", "10.0.0.1:7001"), 8);
        assertThat(a.memberCount()).isEqualTo(3);
        assertThat(a.membersDigest()).isEqualTo(b.membersDigest()).hasSize(16);
        assertThat(a.check(b, "10.0.0.2:7001")).isEmpty();
        assertThat(b.check(a, null)).isEmpty();
    }

    @Test
    void eachDisagreementIsRefusedWithAMessageNamingBothSides() {
        NodeIdentity self = node(1, "10.0.0.1:7001");
        assertRefused(self.check(new NodeIdentity("billing", 2, "10.0.0.2:7001", self.memberCount(),
                self.membersDigest(), 8), null), PeerRefusal.Reason.CLUSTER_ID, "'billing'", "'orders'");
        assertRefused(self.check(node(2, "10.0.0.2:7001"), "localhost:7001"), PeerRefusal.Reason.ENDPOINT,
                "localhost:7001", "10.0.0.2:7001");
        assertRefused(self.check(node(2, "10.0.0.1:7001"), null), PeerRefusal.Reason.ENDPOINT, "10.0.0.1:7001");
        assertRefused(self.check(node(1, "10.0.0.2:7001"), null), PeerRefusal.Reason.NODE_ID, "node id 1",
                "10.0.0.1:7001", "10.0.0.2:7001");
        assertRefused(self.check(NodeIdentity.of("orders", 2, "10.0.0.2:7001",
                List.of("10.0.0.1:7001", "10.0.0.3:7001", "10.0.0.4:7001"), 8), null), PeerRefusal.Reason.MEMBERS,
                "10.0.0.1:7001 lists 3 members", "10.0.0.2:7001 lists 4 members");
        assertRefused(self.check(NodeIdentity.of("orders", 2, "10.0.0.2:7001", MEMBERS, 4), null),
                PeerRefusal.Reason.PARTITIONS, "10.0.0.1:7001 is configured with initialPartitions 8",
                "10.0.0.2:7001 with initialPartitions 4");
    }

    @Test
    void aRefusalNamesThePeerAsThisNodeKnowsIt() {
        NodeIdentity self = node(1, "10.0.0.1:7001");
        assertThat(self.check(node(1, "10.0.0.2:7001"), null)).get().extracting(PeerRefusal::peer)
                .isEqualTo("10.0.0.2:7001");
        assertThat(self.check(node(1, "10.0.0.2:7001"), "10.0.0.2:7001")).get().extracting(PeerRefusal::peer)
                .isEqualTo("10.0.0.2:7001");
        assertThat(self.check(node(2, "10.0.0.9:7001"), "10.0.0.2:7001")).get().extracting(PeerRefusal::peer)
                .isEqualTo("10.0.0.2:7001");
    }

    private static void assertRefused(java.util.Optional<PeerRefusal> refusal, PeerRefusal.Reason reason,
                                      String... fragments) {
        assertThat(refusal).isPresent();
        assertThat(refusal.get().reason()).isEqualTo(reason);
        assertThat(refusal.get().message()).contains(fragments);
    }
}
