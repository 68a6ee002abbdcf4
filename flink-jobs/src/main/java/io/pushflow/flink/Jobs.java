package io.pushflow.flink;

import io.pushflow.flink.delivery.DeliveryJob;
import io.pushflow.flink.dispatch.DispatchJob;
import io.pushflow.flink.status.StatusJob;
import java.util.Arrays;

/** The job jar's entry point: {@code dispatch}, {@code delivery} or {@code status}, each configured from the environment. */
public final class Jobs {

    private Jobs() {}

    public static void main(String[] args) throws Exception {
        String job = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (job) {
            case "dispatch" -> DispatchJob.main(rest);
            case "delivery" -> DeliveryJob.main(rest);
            case "status" -> StatusJob.main(rest);
            default ->
                throw new IllegalArgumentException("which job? dispatch, delivery or status (got '" + job + "')");
        }
    }
}
