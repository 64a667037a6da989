package io.kommander.internal.partition;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command line of an interaction script: a name, positional words and {@code key=value} options. Words are
 * separated by spaces outside double quotes and square brackets, so {@code entries=[1/1 "a b", 2/1 "c"]} is one
 * option. Every word and option must be read by the command, so that a misspelt option fails the script instead
 * of being ignored.
 */
final class ScriptCommand {

    private final String text;
    private final int line;
    private final String name;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> options = new LinkedHashMap<>();
    private final BitSet usedArgs = new BitSet();
    private final Set<String> usedOptions = new HashSet<>();

    private ScriptCommand(String text, int line) {
        this.text = text;
        this.line = line;
        List<String> words = split(text, ' ');
        this.name = words.get(0);
        for (String word : words.subList(1, words.size())) {
            int eq = word.indexOf('=');
            if (eq > 0 && !word.startsWith("\"")) {
                options.put(word.substring(0, eq), word.substring(eq + 1));
            } else {
                args.add(word);
            }
        }
    }

    /** Parses a command line found at {@code line} (1-based) of its script. */
    static ScriptCommand parse(String text, int line) {
        return new ScriptCommand(text.strip(), line);
    }

    String name() {
        return name;
    }

    int argCount() {
        return args.size();
    }

    /** The positional word at {@code i}. */
    String arg(int i) {
        if (i >= args.size()) {
            throw error("missing argument " + (i + 1));
        }
        usedArgs.set(i);
        return args.get(i);
    }

    /** The positional words from {@code from} on (at least one). */
    List<String> argsFrom(int from) {
        arg(from);
        usedArgs.set(from, args.size());
        return args.subList(from, args.size());
    }

    /** Whether {@code word} is among the positional words. */
    boolean flag(String word) {
        int i = args.indexOf(word);
        if (i < 0) {
            return false;
        }
        usedArgs.set(i);
        return true;
    }

    /** True if {@code yes} is among the words, false if {@code no} is; one of them must be. */
    boolean choice(String yes, String no) {
        if (flag(yes)) {
            return true;
        }
        if (flag(no)) {
            return false;
        }
        throw error("expected " + yes + " or " + no);
    }

    boolean hasOption(String key) {
        return options.containsKey(key);
    }

    String option(String key) {
        String value = options.get(key);
        if (value == null) {
            throw error("missing option " + key + "=");
        }
        usedOptions.add(key);
        return value;
    }

    String option(String key, String fallback) {
        return hasOption(key) ? option(key) : fallback;
    }

    long longOption(String key) {
        try {
            return Long.parseLong(option(key));
        } catch (NumberFormatException e) {
            throw error(key + " must be a number");
        }
    }

    long longOption(String key, long fallback) {
        return hasOption(key) ? longOption(key) : fallback;
    }

    /** Fails if a word or option was not read. */
    void requireAllUsed() {
        for (int i = 0; i < args.size(); i++) {
            if (!usedArgs.get(i)) {
                throw error("unexpected argument " + args.get(i));
            }
        }
        for (String key : options.keySet()) {
            if (!usedOptions.contains(key)) {
                throw error("unknown option " + key + "=");
            }
        }
    }

    /** An error naming the script line, for a command the interpreter cannot run. */
    IllegalArgumentException error(String message) {
        return new IllegalArgumentException("line " + line + ": " + text + ": " + message);
    }

    /**
     * Splits {@code text} at {@code separator} (a space stands for any whitespace) outside double quotes and
     * square brackets; the pieces are trimmed and empty ones dropped.
     */
    static List<String> split(String text, char separator) {
        List<String> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean separates = separator == ' ' ? Character.isWhitespace(c) : c == separator;
            if (separates && !quoted && depth == 0) {
                addPiece(pieces, current);
                continue;
            }
            if (quoted && c == '\\' && i + 1 < text.length()) {
                current.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '[') {
                depth++;
            } else if (!quoted && c == ']') {
                depth--;
            }
            current.append(c);
        }
        addPiece(pieces, current);
        return pieces;
    }

    private static void addPiece(List<String> pieces, StringBuilder current) {
        String piece = current.toString().strip();
        if (!piece.isEmpty()) {
            pieces.add(piece);
        }
        current.setLength(0);
    }
}
