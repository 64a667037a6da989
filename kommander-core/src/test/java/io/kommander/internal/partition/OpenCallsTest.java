package io.kommander.internal.partition;

import io.kommander.RaftOperationStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class OpenCallsTest {

    private final OpenCalls calls = new OpenCalls();
    private final List<String> refused = new ArrayList<>();

    private PartitionCall<String> open(String name) {
        return calls.open((call, stopped) -> {
            refused.add(name);
            call.complete(name + ":" + stopped);
        });
    }

    @Test
    void stopAnswersTheOpenCallsInTheOrderTheyWereOpened() {
        PartitionCall<String> first = open("first");
        PartitionCall<String> answered = open("answered");
        PartitionCall<String> third = open("third");
        answered.complete("done");

        calls.stop(RaftOperationStatus.NodeClosed);

        assertThat(refused).containsExactly("first", "third");
        assertThat(first).isCompletedWithValue("first:NodeClosed");
        assertThat(answered).isCompletedWithValue("done");
        assertThat(third).isCompletedWithValue("third:NodeClosed");
    }

    @Test
    void aCallOpenedAfterAStopIsAnsweredAtOnceWithTheFirstStatus() {
        calls.stop(RaftOperationStatus.PartitionFailed);
        calls.stop(RaftOperationStatus.NodeClosed);

        assertThat(open("late")).isCompletedWithValue("late:PartitionFailed");
    }

    @Test
    void aStopAmongManyCallsRefusesExactlyTheUnansweredOnes() {
        List<PartitionCall<String>> opened = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            opened.add(open("call" + i));
        }
        for (int i = 0; i < opened.size(); i += 3) {
            opened.get(i).complete("done");
        }

        calls.stop(RaftOperationStatus.NodeClosed);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < opened.size(); i++) {
            if (i % 3 != 0) {
                expected.add("call" + i);
            }
        }
        assertThat(refused).containsExactlyElementsOf(expected);
    }

    @Test
    void callsOfTwoPartitionsWithTheSameNumberAreDistinct() {
        PartitionCall<String> mine = open("mine");
        PartitionCall<String> theirs = new OpenCalls().open((call, stopped) -> call.complete("theirs"));

        assertThat(mine.number()).isEqualTo(theirs.number());
        assertThat(mine).isNotEqualTo(theirs);
        assertThat(mine).isEqualTo(mine);
    }

    @Test
    void aRelayTakesTheAnswerOnceOnTheAnsweringThread() {
        PartitionCall<String> call = open("call");
        List<String> relayed = new ArrayList<>();

        assertThat(call.relayTo((value, error) -> relayed.add(value + "/" + error))).isTrue();
        call.complete("yes");
        call.complete("again");
        calls.stop(RaftOperationStatus.NodeClosed);

        assertThat(relayed).containsExactly("yes/null");
        assertThat(refused).isEmpty();
    }

    @Test
    void aRelayTakesAFailure() {
        PartitionCall<String> call = open("call");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        call.relayTo((value, error) -> failure.set(error));
        IllegalStateException error = new IllegalStateException("stopped");

        call.completeExceptionally(error);

        assertThat(failure).hasValue(error);
    }

    @Test
    void aCallAnsweredBeforeARelayRefusesItSoTheCallerReadsTheAnswer() {
        PartitionCall<String> call = open("call");
        call.complete("early");

        assertThat(call.relayTo((value, error) -> {
            throw new AssertionError("not relayed");
        })).isFalse();
        assertThat(call).isCompletedWithValue("early");
    }
}
