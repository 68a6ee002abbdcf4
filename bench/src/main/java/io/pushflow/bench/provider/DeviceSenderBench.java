package io.pushflow.bench.provider;

import com.sun.management.OperatingSystemMXBean;
import io.pushflow.core.json.Json;
import io.pushflow.provider.PushMessage;
import io.pushflow.provider.apns.ApnsFake;
import io.pushflow.provider.apns.ApnsSender;
import io.pushflow.provider.apns.ApnsSettings;
import io.pushflow.provider.device.Device;
import io.pushflow.provider.device.DevicePush;
import io.pushflow.provider.device.DeviceReport;
import io.pushflow.provider.device.DeviceSender;
import io.pushflow.provider.device.Sleeper;
import io.pushflow.provider.fcm.FcmFake;
import io.pushflow.provider.fcm.FcmSender;
import io.pushflow.provider.fcm.FcmSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The raw rate of the per-device clients against their strict fakes on this machine: pushes per second for APNs
 * (pushy, HTTP/2 over TLS) and FCM (HTTP v1 over HTTP/2 and TLS) with the default concurrency and a few settings
 * of connections and streams per connection, several runs each, median and spread; beside them, in the same run,
 * the OneSignal client's rate against its fake (2,000-id requests are one HTTP call for many devices). Callers
 * send batches of {@code --batch} devices from {@code --threads} threads, as the delivery job's async slots would.
 * The fakes run in this process, so client and server share the machine's cores; on a machine shared with other
 * work the wall-clock rate depends on what else runs, so the table also gives pushes per second of the client's CPU
 * time (the process's less the fake's server threads; for OneSignal, whose fake's threads end with each run, client
 * and fake together).
 */
public final class DeviceSenderBench {

    private record Setting(int connections, int streams) {
        @Override
        public String toString() {
            return connections + " x " + streams;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int pushes = Integer.parseInt(opts.getOrDefault("pushes", "40000"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        int threads = Integer.parseInt(opts.getOrDefault("threads", "4"));
        int batch = Integer.parseInt(opts.getOrDefault("batch", "1000"));
        Path out = Path.of(opts.getOrDefault("out", "bench-results/device-senders.json"));
        List<String> only =
                List.of(opts.getOrDefault("only", "apns,fcm,onesignal").split(","));
        List<Setting> settings = List.of(
                new Setting(1, 100),
                new Setting(1, 500),
                new Setting(2, 250),
                new Setting(4, 100),
                new Setting(4, 250),
                new Setting(8, 100));
        System.out.printf(
                Locale.ROOT,
                "device sender benchmark: %,d pushes per run, %d runs, %d caller threads, batches of %,d; %d cores, "
                        + "load average %.1f at start (the cores are shared)%n",
                pushes,
                runs,
                threads,
                batch,
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());

        Map<String, Object> json = new LinkedHashMap<>();
        List<String[]> table = new ArrayList<>();
        if (only.contains("apns"))
            try (ApnsFake apns = new ApnsFake("com.windy.bench", "BENCHTEAM1")) {
                apns.acceptAnyWellFormedToken(true);
                apns.keepBodies(false);
                for (Setting s : withDefault(
                        settings, ApnsSettings.DEFAULT_CONNECTIONS, ApnsSettings.DEFAULT_STREAMS_PER_CONNECTION)) {
                    ApnsSettings config = apns.settings().withConcurrency(s.connections(), s.streams());
                    double[] rates = measure(
                            runs,
                            pushes,
                            threads,
                            batch,
                            () -> new ApnsSender(config, Sleeper.REAL),
                            i -> String.format("%064x", i));
                    row(
                            table,
                            json,
                            "APNs",
                            s,
                            isDefault(s, ApnsSettings.DEFAULT_CONNECTIONS, ApnsSettings.DEFAULT_STREAMS_PER_CONNECTION),
                            rates,
                            lastCpuRates);
                }
            }
        if (only.contains("fcm"))
            try (FcmFake fcm = new FcmFake("windy-bench")) {
                fcm.acceptAnyWellFormedToken(true);
                fcm.keepBodies(false);
                for (Setting s : withDefault(
                        settings, FcmSettings.DEFAULT_CONNECTIONS, FcmSettings.DEFAULT_STREAMS_PER_CONNECTION)) {
                    FcmSettings config = fcm.settings().withConcurrency(s.connections(), s.streams());
                    double[] rates = measure(
                            runs,
                            pushes,
                            threads,
                            batch,
                            () -> new FcmSender(config),
                            i -> "bench-token:APA91b" + String.format("%020d", i));
                    row(
                            table,
                            json,
                            "FCM",
                            s,
                            isDefault(s, FcmSettings.DEFAULT_CONNECTIONS, FcmSettings.DEFAULT_STREAMS_PER_CONNECTION),
                            rates,
                            lastCpuRates);
                }
            }
        if (only.contains("onesignal")) {
            double[] oneSignal = new double[runs];
            double[] cpuRates = new double[runs];
            oneSignal(pushes); // warm-up
            for (int r = 0; r < runs; r++) {
                int n = Math.max(pushes, 200_000);
                long cpu = OS.getProcessCpuTime();
                oneSignal[r] = oneSignal(n);
                cpuRates[r] = n
                        / ((OS.getProcessCpuTime() - cpu)
                                / 1e9); // its fake's threads end with the run: client and fake together
            }
            row(table, json, "OneSignal", "16 threads x 2,000 ids", oneSignal, cpuRates);
        }

        System.out.printf(Locale.ROOT, "%nload average at the end %.1f%n", OS.getSystemLoadAverage());
        System.out.printf(
                Locale.ROOT,
                "%-10s %-26s %12s %12s %12s %8s %18s%n",
                "service",
                "connections x streams",
                "median/s",
                "min/s",
                "max/s",
                "spread",
                "per client CPU-s");
        for (String[] r : table) {
            System.out.printf(Locale.ROOT, "%-10s %-26s %12s %12s %12s %8s %18s%n", (Object[]) r);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.out.println("written " + out);
        System.exit(0);
    }

    private static List<Setting> withDefault(List<Setting> settings, int connections, int streams) {
        List<Setting> all = new ArrayList<>(settings);
        if (all.stream().noneMatch(s -> isDefault(s, connections, streams))) {
            all.add(0, new Setting(connections, streams));
        }
        return all;
    }

    private static boolean isDefault(Setting s, int connections, int streams) {
        return s.connections() == connections && s.streams() == streams;
    }

    private interface SenderFactory {
        DeviceSender open() throws Exception;
    }

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    /** Pushes per second of the CPU time this process spent outside the fake's threads (the client's cost) in the last measured runs. */
    private static double[] lastCpuRates = new double[0];

    /** CPU time of the fakes' server threads (they are named so), to take from the process's. */
    private static long fakeCpuNanos() {
        long sum = 0;
        for (java.lang.management.ThreadInfo t : THREADS.dumpAllThreads(false, false)) {
            String name = t.getThreadName();
            if (name.startsWith("apns-fake") || name.startsWith("fcm-fake") || name.startsWith("onesignal-fake")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static long clientCpuNanos() {
        return OS.getProcessCpuTime() - fakeCpuNanos();
    }

    /** One sender per setting, a warm-up run, then the measured runs; every run's pushes must all be accepted. */
    private static double[] measure(
            int runs, int pushes, int threads, int batch, SenderFactory factory, IntFunction<String> token)
            throws Exception {
        DevicePush push = new DevicePush(
                Map.of("en", "Wind is on", "pt", "Há vento"),
                Map.of("en", "25 knots tomorrow", "pt", "25 nós amanhã"),
                Map.of("pushflow_campaign", 1L, "pushflow_variant", "A", "pushflow_push", 1L),
                "windy://spot/1",
                null,
                "wind-1",
                Duration.ofHours(6),
                DevicePush.Urgency.HIGH,
                null);
        double[] rates = new double[runs];
        AtomicLong offset = new AtomicLong();
        try (DeviceSender sender = factory.open()) {
            run(sender, push, Math.max(batch, pushes / 4), threads, batch, token, offset);
            lastCpuRates = new double[runs];
            for (int r = 0; r < runs; r++) {
                long cpu = clientCpuNanos();
                rates[r] = run(sender, push, pushes, threads, batch, token, offset);
                lastCpuRates[r] = pushes / ((clientCpuNanos() - cpu) / 1e9);
            }
        }
        return rates;
    }

    private static double run(
            DeviceSender sender,
            DevicePush push,
            int pushes,
            int threads,
            int batch,
            IntFunction<String> token,
            AtomicLong offset)
            throws Exception {
        long base = offset.getAndAdd(pushes);
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<Long>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                long accepted = 0;
                for (long from; (from = next.getAndAdd(batch)) < pushes; ) {
                    List<Device> devices = new ArrayList<>(batch);
                    for (long i = from; i < Math.min(pushes, from + batch); i++) {
                        devices.add(new Device(token.apply((int) (base + i)), i % 3 == 0 ? "pt" : "en"));
                    }
                    DeviceReport report = sender.send(push, devices);
                    accepted += report.accepted().size();
                }
                return accepted;
            }));
        }
        long accepted = 0;
        for (Future<Long> f : done) {
            accepted += f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        if (accepted != pushes) {
            throw new IllegalStateException("only " + accepted + " of " + pushes + " pushes accepted");
        }
        return pushes / seconds;
    }

    private static void row(
            List<String[]> table,
            Map<String, Object> json,
            String service,
            Setting s,
            boolean isDefault,
            double[] rates,
            double[] cpuRates) {
        row(table, json, service, s + (isDefault ? " (default)" : ""), rates, cpuRates);
    }

    private static void row(
            List<String[]> table,
            Map<String, Object> json,
            String service,
            String label,
            double[] rates,
            double[] cpuRates) {
        table.add(new String[] {
            service, label, fmt(median(rates)), fmt(min(rates)), fmt(max(rates)), spread(rates), fmt(median(cpuRates))
        });
        json.put(service + " " + label, Map.of("pushesPerSecond", stats(rates), "pushesPerCpuSecond", stats(cpuRates)));
        System.out.printf(
                Locale.ROOT,
                "  %s %s: %s pushes/s, %s pushes per client CPU-second%n",
                service,
                label,
                Arrays.toString(
                        Arrays.stream(rates).mapToObj(DeviceSenderBench::fmt).toArray()),
                Arrays.toString(
                        Arrays.stream(cpuRates).mapToObj(DeviceSenderBench::fmt).toArray()));
    }

    private static Map<String, Object> stats(double[] rates) {
        return Map.of(
                "median",
                Math.round(median(rates)),
                "min",
                Math.round(min(rates)),
                "max",
                Math.round(max(rates)),
                "runs",
                Arrays.stream(rates).map(Math::round).toArray());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    /** (max - min) / median. */
    private static String spread(double[] v) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * (max(v) - min(v)) / median(v));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")
                    || i + 1 >= args.length
                    || !List.of("--pushes", "--runs", "--threads", "--batch", "--out", "--only")
                            .contains(args[i])) {
                System.err.println(
                        "usage: DeviceSenderBench [--pushes N (40000)] [--runs R (3)] [--threads T (4)] [--batch B (1000)] "
                                + "[--out FILE (bench-results/device-senders.json)] [--only apns,fcm,onesignal]");
                System.exit(2);
            }
            opts.put(args[i].substring(2), args[++i]);
        }
        return opts;
    }

    /** The OneSignal client alone against its fake, requests of 2,000 ids from 16 threads (as DeliveryBench does). */
    private static double oneSignal(int pushes) throws Exception {
        return RawOneSignal.rate(
                "5eb5a37e-b458-11e3-ac11-000c2940e62c", "bench-key", PushMessage.MAX_RECIPIENTS, pushes, 16);
    }
}
