package io.kommander.bench.system.sofajraft;

import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import io.kommander.bench.system.NodeLedger;

/**
 * A SOFAJRaft state machine for one group on one node: records every applied entry in the node's ledger and
 * completes the leader's closure. Called by SOFAJRaft from the group's FSM caller thread.
 */
final class LedgerStateMachine extends StateMachineAdapter {

    private final NodeLedger ledger;
    private final int partition;

    LedgerStateMachine(NodeLedger ledger, int partition) {
        this.ledger = ledger;
        this.partition = partition;
    }

    @Override
    public void onApply(Iterator iterator) {
        while (iterator.hasNext()) {
            ledger.deliver(partition, iterator.getData());
            if (iterator.done() != null) {
                iterator.done().run(Status.OK());
            }
            iterator.next();
        }
    }
}
