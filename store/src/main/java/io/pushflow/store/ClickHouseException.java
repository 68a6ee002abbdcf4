package io.pushflow.store;

import com.clickhouse.client.api.ServerException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse statement that failed, with the server's message. {@link #refused()} tells a statement the server
 * turned down for what it is (asking again gets the same answer) from a server that was away, slow or busy.
 */
public class ClickHouseException extends RuntimeException {

    /** ClickHouse's error codes of a server that could answer another time: timeouts, too busy, memory, network, readonly. */
    private static final Set<Integer> PASSING =
            Set.of(159, 160, 164, 202, 203, 209, 210, 241, 242, 252, 279, 394, 425, 999);

    private static final Pattern CODE = Pattern.compile("Code: (\\d+)");
    private static final Pattern TEXT =
            Pattern.compile("DB::Exception: (.*?)(?:, e\\.what\\(\\)|\\(transport error|$)", Pattern.DOTALL);

    public ClickHouseException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The server's error code, or -1 when no server answered (refused connection, no answer in time). */
    public int serverCode() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof ServerException s) {
                if (s.getCode() > 0) {
                    return s.getCode();
                }
                // 18.16 sends no X-ClickHouse-Exception-Code header: the code is only in the text
                Matcher m = CODE.matcher(String.valueOf(s.getMessage()));
                return m.find() ? Integer.parseInt(m.group(1)) : -1;
            }
        }
        return -1;
    }

    /** What the server said, without its stack or the statement ({@code DB::Exception: ...}), or this exception's message. */
    public String serverMessage() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof ServerException s && s.getMessage() != null) {
                Matcher m = TEXT.matcher(s.getMessage());
                return m.find() ? m.group(1).strip() : s.getMessage();
            }
        }
        return getMessage();
    }

    /** Whether the server answered and turned the statement down for good (syntax, unknown names, too large, ...). */
    public boolean refused() {
        int code = serverCode();
        return code > 0 && !PASSING.contains(code);
    }
}
