package io.collectoffline.offline;

import java.util.List;

/**
 * An offline model declaration is wrong: the application must not start, because records of that model would be
 * captured incompletely or applied under the wrong identity. The message names every model and what it lacks.
 */
public class InvalidOfflineModelException extends RuntimeException {

    private final List<String> problems;

    public InvalidOfflineModelException(List<String> problems) {
        super("Invalid offline model declarations:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One sentence per problem, each naming the model (or class) it is about. */
    public List<String> problems() {
        return problems;
    }
}
