package io.pushflow.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docker-compose.yml gives the Flink services every setting of {@link JobSetting} a deployment must set: addresses
 * that default to this machine point at compose services, the checkpoint directory is on a volume every Flink
 * service shares; and {@link JobSetting} is the whole list of what the jobs read.
 */
class ComposeSettingsTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::?[-?]([^}]*))?}");

    @Test
    void every_flink_service_gets_every_setting_a_deployment_must_set() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        Map<String, Map<String, Object>> flink = flinkServices(services);
        assertThat(flink.keySet()).as("the Flink services").contains("jobmanager", "taskmanager");
        List<String> problems = new ArrayList<>();
        flink.forEach((name, service) -> {
            Map<String, String> env = environment(service);
            for (JobSetting setting : JobSetting.deploymentSpecific()) {
                String value = env.get(setting.name());
                if (value == null) {
                    problems.add(name + ": " + setting + " is not set (default " + setting.fallback() + ")");
                    continue;
                }
                String effective = resolved(value);
                if (setting.scope() == JobSetting.Scope.ADDRESS) {
                    String host = URI.create(effective.contains("://") ? effective : "tcp://" + effective)
                            .getHost();
                    if (isLocal(host)) {
                        problems.add(name + ": " + setting + "=" + value + " points at the container itself");
                    } else if (isLocal(URI.create(
                                            setting.fallback().contains("://")
                                                    ? setting.fallback()
                                                    : "tcp://" + setting.fallback())
                                    .getHost())
                            && !services.containsKey(host)) {
                        problems.add(name + ": " + setting + "=" + value + " names no compose service");
                    }
                }
                if (setting.scope() == JobSetting.Scope.SHARED_DIRECTORY
                        && sharedVolume(effective, flink).isEmpty()) {
                    problems.add(name + ": " + setting + "=" + value + " is on no volume every Flink service mounts");
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void a_one_shot_flink_service_submits_the_three_jobs_from_the_job_jar() throws IOException {
        Map<String, Map<String, Object>> submitters = new LinkedHashMap<>();
        flinkServices(map(compose().get("services"))).forEach((name, s) -> {
            if (volumes(s).stream().anyMatch(v -> v.contains("pushflow-jobs.jar"))) {
                submitters.put(name, s);
            }
        });
        assertThat(submitters).as("a Flink service with the job jar mounted").hasSize(1);
        Map<String, Object> submitter = submitters.values().iterator().next();
        assertThat(submitter.get("restart")).as("it runs once").isEqualTo("no");
        assertThat(String.valueOf(submitter.get("command")) + submitter.get("entrypoint"))
                .contains("dispatch", "delivery", "status");
    }

    @Test
    void checkpoints_and_savepoints_of_the_cluster_are_on_the_shared_volume() throws IOException {
        Map<String, Map<String, Object>> flink = flinkServices(map(compose().get("services")));
        for (Map.Entry<String, Map<String, Object>> e : flink.entrySet()) {
            String properties = environment(e.getValue()).get("FLINK_PROPERTIES");
            if (properties == null) {
                continue;
            }
            for (String key : List.of("state.checkpoints.dir", "state.savepoints.dir")) {
                Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + ":\\s*(\\S+)")
                        .matcher(properties);
                assertThat(m.find()).as("%s: %s", e.getKey(), key).isTrue();
                assertThat(sharedVolume(m.group(1), flink))
                        .as("%s: %s=%s on a shared volume", e.getKey(), key, m.group(1))
                        .isPresent();
            }
        }
    }

    /** No job reads the environment but through JobSetting, and the ClickHouse settings (read in store) are listed with their defaults. */
    @Test
    void job_setting_is_every_variable_the_jobs_read() throws IOException {
        List<String> readers = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("flink-jobs/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("JobSetting.java"))
                    .toList()) {
                String code = Files.readString(f);
                if (code.contains("Environment.value(")
                        || code.contains("System.getenv(")
                        || code.contains("System.getProperty(")) {
                    readers.add(ROOT.relativize(f).toString());
                }
            }
        }
        assertThat(readers).as("read the environment without JobSetting").isEmpty();
        String store = Files.readString(ROOT.resolve("store/src/main/java/io/pushflow/store/ClickHouse.java"));
        Matcher m = Pattern.compile("env\\(\"([A-Z_]+)\", \"([^\"]*)\"\\)").matcher(store);
        Map<String, String> clickHouse = new LinkedHashMap<>();
        while (m.find()) {
            clickHouse.put(m.group(1), m.group(2));
        }
        assertThat(clickHouse).containsKeys("CLICKHOUSE_URL", "CLICKHOUSE_DATABASE");
        clickHouse.forEach((name, fallback) ->
                assertThat(JobSetting.valueOf(name).fallback()).as(name).isEqualTo(fallback));
    }

    static Map<String, Object> compose() throws IOException {
        return map(new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(ROOT.resolve("docker-compose.yml"))));
    }

    /** The services that run Flink's image, their YAML merge keys ({@code <<: *anchor}) applied. */
    static Map<String, Map<String, Object>> flinkServices(Map<String, Object> services) {
        Map<String, Map<String, Object>> flink = new LinkedHashMap<>();
        services.forEach((name, s) -> {
            Map<String, Object> service = map(s);
            if (String.valueOf(service.get("image")).matches(".*(FLINK_IMAGE|flink:).*")) {
                flink.put(name, service);
            }
        });
        return flink;
    }

    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof List<?> list) {
            for (Object item : list) {
                String[] kv = String.valueOf(item).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        } else if (raw != null) {
            map(raw).forEach((k, v) -> env.put(k, v == null ? "" : String.valueOf(v)));
        }
        return env;
    }

    static List<String> volumes(Map<String, Object> service) {
        Object raw = service.get("volumes");
        return raw instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }

    /** The named volume mounted by every Flink service at a directory holding {@code uri}'s path. */
    static Optional<String> sharedVolume(String uri, Map<String, Map<String, Object>> flink) {
        String path = URI.create(uri).getPath();
        Set<String> common = null;
        for (Map<String, Object> service : flink.values()) {
            Set<String> mine = new TreeSet<>();
            for (String v : volumes(service)) {
                String[] parts = v.split(":");
                if (parts.length >= 2
                        && !parts[0].startsWith(".")
                        && !parts[0].startsWith("/")
                        && (path + "/").startsWith(parts[1].endsWith("/") ? parts[1] : parts[1] + "/")) {
                    mine.add(parts[0]);
                }
            }
            if (common == null) {
                common = mine;
            } else {
                common.retainAll(mine);
            }
        }
        return common == null ? Optional.empty() : common.stream().findFirst();
    }

    /** The value compose would use with no variable set: {@code ${X:-d}} becomes d. */
    static String resolved(String value) {
        return INTERPOLATION
                .matcher(value)
                .replaceAll(r -> Matcher.quoteReplacement(r.group(2) == null ? "" : r.group(2)));
    }

    static boolean isLocal(String host) {
        return host == null
                || host.equals("localhost")
                || host.startsWith("127.")
                || host.equals("0.0.0.0")
                || host.equals("::1");
    }

    /** A mapping with its merge keys applied (snakeyaml-engine reads YAML 1.2, which has none). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object yaml) {
        Map<String, Object> in = (Map<String, Object>) yaml;
        Map<String, Object> out = new LinkedHashMap<>();
        Object merge = in.get("<<");
        if (merge instanceof List<?> list) {
            list.forEach(m -> out.putAll(map(m)));
        } else if (merge != null) {
            out.putAll(map(merge));
        }
        in.forEach((k, v) -> {
            if (!"<<".equals(k)) {
                out.put(k, v instanceof Map<?, ?> && ((Map<?, ?>) v).containsKey("<<") ? map(v) : v);
            }
        });
        return out;
    }
}
