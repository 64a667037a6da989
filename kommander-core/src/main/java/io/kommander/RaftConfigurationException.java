package io.kommander;

/** Thrown when a configuration breaks a rule; the message names the field and the rule. */
public final class RaftConfigurationException extends IllegalArgumentException {

    private final String field;

    /**
     * @param field the offending field's name
     * @param rule  the rule it breaks, in words
     */
    public RaftConfigurationException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
    }

    /** The name of the field that breaks a rule. */
    public String field() {
        return field;
    }
}
