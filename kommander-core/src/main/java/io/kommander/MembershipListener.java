package io.kommander;

/**
 * Told of every committed roster change, in commit order, on every node. Runs on the system partition's executor;
 * must not block (it may call the node's asynchronous methods).
 */
@FunctionalInterface
public interface MembershipListener {
    /** @param membership the roster after the change */
    void onMembershipChanged(Membership membership);
}
