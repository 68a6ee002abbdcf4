package io.pushflow.core.filter;

import java.util.List;
import java.util.stream.Collectors;

/** A filter chain that does not validate; each problem names the place in the chain it is about. */
public class InvalidFilterException extends IllegalArgumentException {

    /** What is wrong ({@code message}) and where ({@code path}, e.g. {@code all[1].any[0].values[2]}). */
    public record Problem(String path, String message) {}

    private final List<Problem> problems;

    public InvalidFilterException(List<Problem> problems) {
        super(problems.stream().map(p -> p.path() + ": " + p.message()).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
