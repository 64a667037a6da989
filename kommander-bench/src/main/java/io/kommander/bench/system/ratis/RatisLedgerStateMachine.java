package io.kommander.bench.system.ratis;

import io.kommander.bench.system.NodeLedger;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

import java.util.concurrent.CompletableFuture;

/**
 * A Ratis state machine for one group on one server: records every applied entry in the server's ledger. Ratis
 * calls {@link #applyTransaction} in log order, one entry at a time per group.
 */
final class RatisLedgerStateMachine extends BaseStateMachine {

    private final NodeLedger ledger;
    private final int partition;

    RatisLedgerStateMachine(NodeLedger ledger, int partition) {
        this.ledger = ledger;
        this.partition = partition;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext transaction) {
        LogEntryProto entry = transaction.getLogEntry();
        ledger.deliver(partition, entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.EMPTY);
    }
}
