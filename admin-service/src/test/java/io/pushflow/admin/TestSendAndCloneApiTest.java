package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.provider.OneSignalFake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Test sends through the strict OneSignal fake, and campaigns copied into drafts. */
@MicronautTest
class TestSendAndCloneApiTest extends ApiTestBase {

    private final OneSignalFake oneSignal = fake();

    private static OneSignalFake fake() {
        try {
            return new OneSignalFake("test-app", "test-key");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("pushflow.onesignal.api-url", oneSignal.baseUrl().toString());
        p.put("pushflow.onesignal.app-id", "test-app");
        p.put("pushflow.onesignal.rest-api-key", "test-key");
        return p;
    }

    @AfterAll
    void closeFake() {
        oneSignal.close();
    }

    @Test
    void a_test_send_goes_to_the_testers_in_every_language_and_counts_nowhere() throws Exception {
        Api marketer = as("marketer");
        long push = marketer.post("/api/v1/pushes", push("test send")).id();
        oneSignal.unsubscribe("gone-phone");
        int before = oneSignal.created().size();

        Api.Reply all = marketer.post(
                "/api/v1/pushes/" + push + "/test", Map.of("subscriptionIds", List.of("my-phone", "gone-phone")));
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        List<Map<String, Object>> sends = (List<Map<String, Object>>) all.json().get("sends");
        assertThat(sends).extracting(s -> s.get("language")).containsExactly("en", "pt");
        assertThat(sends)
                .allSatisfy(s -> assertThat((String) s.get("notificationId")).isNotEmpty());
        assertThat(sends.get(0).get("invalidSubscriptionIds")).isEqualTo(List.of("gone-phone"));
        List<OneSignalFake.Created> created =
                oneSignal.created().subList(before, oneSignal.created().size());
        assertThat(created).hasSize(2);
        // each language's text is what every device shows; the data says it is a test and names no campaign
        assertThat(created.get(1).body().path("contents").path("en").asText()).isEqualTo("25 nós no teu spot amanhã");
        assertThat(created.get(1).body().path("headings").path("en").asText()).isEqualTo("Há vento");
        assertThat(created.get(1).data().path("pushflow_test").asBoolean()).isTrue();
        assertThat(created.get(1).data().has("pushflow_campaign")).isFalse();
        assertThat(created.get(1).data().path("spot").asInt()).isEqualTo(123);

        Api.Reply one = marketer.post(
                "/api/v1/pushes/" + push + "/test", Map.of("subscriptionIds", List.of("my-phone"), "language", "pt"));
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat((List<Map<String, Object>>) one.json().get("sends"))
                .extracting(s -> s.get("language"))
                .containsExactly("pt");

        List<String[]> audited = testsAudited(push);
        assertThat(audited).hasSize(2);
        assertThat(audited.get(0)[0]).isEqualTo("marketer");
        assertThat(audited.get(0)[1]).contains("my-phone", "gone-phone", "\"en\"", "\"pt\"");
    }

    @Test
    void a_test_send_is_refused_for_an_audience_an_unknown_language_or_a_viewer() {
        Api marketer = as("marketer");
        long push = marketer.post("/api/v1/pushes", push("refused test")).id();
        int before = oneSignal.created().size();
        List<String> many =
                IntStream.rangeClosed(1, 21).mapToObj(i -> "phone-" + i).toList();
        Api.Reply tooMany = marketer.post("/api/v1/pushes/" + push + "/test", Map.of("subscriptionIds", many));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.errorFields()).containsExactly("subscriptionIds");
        assertThat(marketer.post("/api/v1/pushes/" + push + "/test", Map.of("subscriptionIds", List.of()))
                        .status())
                .isEqualTo(400);
        Api.Reply language = marketer.post(
                "/api/v1/pushes/" + push + "/test", Map.of("subscriptionIds", List.of("p"), "language", "de"));
        assertThat(language.errorFields()).containsExactly("language");
        assertThat(as("viewer")
                        .post("/api/v1/pushes/" + push + "/test", Map.of("subscriptionIds", List.of("p")))
                        .status())
                .isEqualTo(403);
        assertThat(marketer.post("/api/v1/pushes/999999/test", Map.of("subscriptionIds", List.of("p")))
                        .status())
                .isEqualTo(404);
        assertThat(oneSignal.created()).hasSize(before);
    }

    @Test
    void a_test_the_provider_refuses_is_a_502_and_still_in_the_history() throws Exception {
        Api marketer = as("marketer");
        long push = marketer.post("/api/v1/pushes", push("failing test")).id();
        oneSignal.failNext(503, 503, 503);
        Api.Reply failed = marketer.post(
                "/api/v1/pushes/" + push + "/test", Map.of("subscriptionIds", List.of("p"), "language", "en"));
        assertThat(failed.status()).as(failed.body()).isEqualTo(502);
        assertThat(failed.json().get("message").toString()).contains("the provider created no notification");
        assertThat(testsAudited(push))
                .singleElement()
                .satisfies(row -> assertThat(row[1]).contains("503"));
    }

    /** The push's audited test sends, oldest first: actor and details. */
    private List<String[]> testsAudited(long push) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (var jdbc = env.jdbc();
                var q = jdbc.prepareStatement(
                        "SELECT actor, details FROM audit_log WHERE entity_type = 'push' AND entity_id = ? "
                                + "AND action = 'test sent' ORDER BY id")) {
            q.setLong(1, push);
            ResultSet rs = q.executeQuery();
            while (rs.next()) {
                rows.add(new String[] {rs.getString("actor"), rs.getString("details")});
            }
        }
        return rows;
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_campaign_is_copied_into_a_new_draft() {
        Api marketer = as("marketer");
        long cohort = marketer.post("/api/v1/cohorts", cohort("clone cohort")).id();
        long a = marketer.post("/api/v1/pushes", push("clone A")).id();
        long b = marketer.post("/api/v1/pushes", push("clone B")).id();
        Map<String, Object> c = new HashMap<>();
        c.put("name", "November wind");
        c.put("app", "windy-ios");
        c.put("cohortId", cohort);
        c.put("variants", List.of(Map.of("pushId", a, "weight", 3), Map.of("pushId", b, "weight", 1)));
        c.put("split", Map.of("type", "AB_FIXED", "metric", "OPENS"));
        c.put("holdoutShare", 0.1);
        c.put("duration", "PT3H");
        c.put("sendRateLimit", 500);
        c.put("quietHours", Map.of("start", "22:00", "end", "08:00"));
        c.put("frequencyCap", Map.of("count", 2, "period", "P1D"));
        long id = marketer.post("/api/v1/campaigns", c).id();
        assertThat(marketer.post("/api/v1/campaigns/" + id + "/launch", null).status())
                .isEqualTo(200);

        Api.Reply copy = marketer.post("/api/v1/campaigns/" + id + "/clone", null);
        assertThat(copy.status()).as(copy.body()).isEqualTo(201);
        Map<String, Object> draft = copy.json();
        Map<String, Object> original = marketer.get("/api/v1/campaigns/" + id).json();
        assertThat(draft.get("id")).isNotEqualTo(id);
        assertThat(draft)
                .containsEntry("name", "Copy of November wind")
                .containsEntry("status", "DRAFT")
                .doesNotContainKey("launchedAt");
        for (String same : List.of(
                "app",
                "cohortId",
                "variants",
                "split",
                "holdoutShare",
                "duration",
                "sendRateLimit",
                "pace",
                "quietHours",
                "frequencyCap",
                "provider",
                "guardrails")) {
            assertThat(draft.get(same)).as(same).isEqualTo(original.get(same));
        }
        assertThat(as("viewer")
                        .get("/api/v1/campaigns/" + copy.id() + "/history")
                        .list())
                .extracting(h -> h.get("action"))
                .containsExactly("created", "cloned");
        assertThat(as("viewer").get("/api/v1/campaigns/" + id + "/history").list())
                .extracting(h -> h.get("action"))
                .contains("cloned to");
        assertThat(as("viewer").post("/api/v1/campaigns/" + id + "/clone", null).status())
                .isEqualTo(403);
        assertThat(marketer.post("/api/v1/campaigns/999999/clone", null).status())
                .isEqualTo(404);
    }
}
