package io.pushflow.provider.device;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** One outcome per distinct token of a call, in the order the tokens came (a token listed twice is sent once). */
public record DeviceReport(List<DeviceOutcome> outcomes) {

    public DeviceReport {
        outcomes = List.copyOf(outcomes);
    }

    /** The tokens the service accepted: exactly those to record as sent. */
    public List<String> accepted() {
        return tokens(DeviceOutcome.Status.SENT);
    }

    /** The tokens the service called invalid: to suppress at once. */
    public List<String> invalid() {
        return tokens(DeviceOutcome.Status.TOKEN_INVALID);
    }

    public List<String> tokens(DeviceOutcome.Status status) {
        return outcomes.stream()
                .filter(o -> o.status() == status)
                .map(DeviceOutcome::token)
                .toList();
    }

    public long count(DeviceOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }

    public Map<String, DeviceOutcome> byToken() {
        return outcomes.stream().collect(Collectors.toMap(DeviceOutcome::token, Function.identity(), (a, b) -> a));
    }
}
