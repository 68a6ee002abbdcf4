package io.pushflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.pushflow.admin.support.Api;
import io.pushflow.admin.support.ApiTestBase;
import io.pushflow.admin.support.Browser;
import io.pushflow.core.json.Json;
import io.pushflow.core.user.UserGenerator;
import io.pushflow.provider.OneSignalFake;
import io.pushflow.store.ClickHouse;
import io.pushflow.store.UserStore;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's pages in a real browser (Debian's headless Chromium) against the real API: sign-in, the cohort
 * builder's live count, the creative editor with its preview and its test send (to the strict OneSignal fake), campaign
 * creation, the campaign page's CSV downloads, holdout lift and copy, and what a viewer does not see.
 * The campaign page with live numbers needs the jobs and the simulator: the demo module's ConsoleCampaignTest.
 */
@MicronautTest
class ConsoleTest extends ApiTestBase {

    private static final int USERS = 3_000;
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    EmbeddedServer server;

    private Browser browser;
    private String url;
    private final OneSignalFake oneSignal = oneSignal();

    private static OneSignalFake oneSignal() {
        try {
            return new OneSignalFake("console-app", "console-key");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> p = new HashMap<>(super.getProperties());
        p.put("pushflow.onesignal.api-url", oneSignal.baseUrl().toString());
        p.put("pushflow.onesignal.app-id", "console-app");
        p.put("pushflow.onesignal.rest-api-key", "console-key");
        p.put("pushflow.guardrails.interval", "1s");
        return p;
    }

    @BeforeAll
    void usersAndBrowser() throws Exception {
        try (ClickHouse clickHouse = env.clickHouse()) {
            new UserStore(clickHouse)
                    .insert(new UserGenerator(3, Instant.now()).users(1, USERS).toList());
        }
        url = server.getURL().toString();
        browser = new Browser();
    }

    @AfterAll
    void closeBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
        oneSignal.close();
    }

    @Test
    void the_console_and_its_chart_library_are_served_without_credentials_and_me_names_the_roles() {
        Api.Reply page = as(null).get("/console/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("/console/js/app.js", "/console/vendor/uplot/uPlot.min.css");
        for (String file : List.of(
                "/console",
                "/console/js/app.js",
                "/console/console.css",
                "/console/vendor/uplot/uPlot.esm.js",
                "/console/vendor/uplot/uPlot.min.css")) {
            assertThat(as(null).get(file).status()).as(file).isEqualTo(200);
        }
        assertThat(as("marketer").get("/api/v1/me").json())
                .isEqualTo(Map.of("name", "marketer", "roles", List.of("marketer")));
        assertThat(as("viewer").get("/api/v1/me").json())
                .isEqualTo(Map.of("name", "viewer", "roles", List.of("viewer")));
        assertThat(as("admin").get("/api/v1/me").json()).isEqualTo(Map.of("name", "admin", "roles", List.of("admin")));
        assertThat(as(null).get("/api/v1/me").status()).isEqualTo(401);
        var scripted = Api.exchange(client, HttpRequest.GET("/api/v1/me").header("X-Requested-With", "XMLHttpRequest"));
        assertThat(scripted.status()).isEqualTo(401);
        assertThat(scripted.headers())
                .as("no challenge to open the browser's dialog")
                .doesNotContainKey("www-authenticate");
    }

    @Test
    void the_console_loads_only_its_own_code_cannot_be_framed_and_its_pages_break_no_rule_of_its_policy() {
        Api.Reply page = as(null).get("/console/");
        assertThat(page.headers().get("content-security-policy"))
                .contains("script-src 'self'", "frame-ancestors 'none'", "object-src 'none'");
        assertThat(page.headers())
                .containsEntry("x-frame-options", "DENY")
                .containsEntry("x-content-type-options", "nosniff");
        assertThat(as(null).get("/console/js/app.js").headers()).containsEntry("x-content-type-options", "nosniff");

        browser.signIn(url, "marketer", "marketer-pw");
        var js = (JavascriptExecutor) browser.driver;
        js.executeScript(
                "window.violations = []; document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective))");
        for (String hash : List.of("#/cohorts/new", "#/creatives/new", "#/campaigns/new", "#/campaigns")) {
            js.executeScript("location.hash = arguments[0]", hash);
            browser.await(WAIT, d -> d.findElements(By.cssSelector("#view h1")).isEmpty() ? null : true);
        }
        Object width = js.executeScript(
                "return import('/console/js/shared.js').then(m => {"
                        + " const bar = m.progressBar(0.5, 'test'); document.body.append(bar); return bar.firstChild.style.width; })");
        assertThat(width).isEqualTo("50%");
        assertThat((List<?>) js.executeScript("return window.violations")).isEmpty();
    }

    @Test
    void a_wrong_password_keeps_the_sign_in_form_and_says_so() {
        assertThat(browser.signInRefused(url, "marketer", "not-the-password")).contains("wrong");
        assertThat(browser.driver.findElement(By.id("nav")).isDisplayed()).isFalse();
    }

    @Test
    void a_marketer_builds_a_cohort_and_sees_the_count_the_api_gives() throws Exception {
        browser.signIn(url, "marketer", "marketer-pw");
        browser.go(url, "#/cohorts/new");
        assertThat(shownCount()).isEqualTo(USERS); // no conditions: everyone

        browser.visible("button[data-key='root:add-condition']").click();
        new Select(browser.visible("select[data-key='root.0:field']")).selectByValue("sports");
        new Select(browser.visible("select[data-key='root.0:op']")).selectByValue("has_any");
        for (String sport : List.of("kitesurfing", "windsurfing")) {
            browser.visible("#filter input[type=checkbox][value=" + sport + "]").click();
        }
        awaitCountOfShownFilter();

        browser.visible("button[data-key='root:add-group']").click();
        new Select(browser.visible("select[data-key='root.1.0:field']")).selectByValue("country");
        new Select(browser.visible("select[data-key='root.1.0:op']")).selectByValue("in");
        browser.visible("#filter .group .group input.cond-value").sendKeys("PT, ES, FR, DE, US");
        browser.visible("button[data-key='root.1:add-condition']").click();
        new Select(browser.visible("select[data-key='root.1.1:field']")).selectByValue("is_pro");
        long count = awaitCountOfShownFilter();
        Map<String, Object> filter = shownFilter();
        assertThat(filter).containsKey("all");
        assertThat(count).isPositive().isLessThan(USERS);
        assertThat(browser.find("#match-count").getText()).isEqualTo(String.format(Locale.US, "%,d", count));

        browser.find("#cohort-name").sendKeys("Kiters and windsurfers, PT ES FR DE US or pro");
        browser.screenshot("cohort-builder");
        browser.find("#save-cohort").click();
        long id = Long.parseLong(browser.visible("#cohort-saved").getAttribute("data-id"));
        Map<String, Object> saved = as("marketer").get("/api/v1/cohorts/" + id).json();
        assertThat(saved.get("name")).isEqualTo("Kiters and windsurfers, PT ES FR DE US or pro");
        assertThat(((Number) as("marketer")
                                .get("/api/v1/cohorts/" + id + "/size")
                                .json()
                                .get("count"))
                        .longValue())
                .isEqualTo(count);
    }

    @Test
    void a_marketer_writes_a_creative_per_locale_next_to_its_preview() throws Exception {
        browser.signIn(url, "marketer", "marketer-pw");
        browser.go(url, "#/creatives/new");
        browser.visible("#push-name").sendKeys("Wind alert, two languages");
        browser.find("#text-title").sendKeys("Wind is on");
        browser.find("#text-body").sendKeys("25 knots at your spot tomorrow");
        assertThat(browser.find("#preview-title").getText()).isEqualTo("Wind is on");
        browser.find("#new-locale").sendKeys("pt");
        browser.find("#add-locale").click();
        assertThat(browser.visible(".tab[aria-selected=true]").getAttribute("data-locale"))
                .isEqualTo("pt");
        clearAndType(browser.find("#text-title"), "Há vento");
        clearAndType(browser.find("#text-body"), "25 nós no teu spot amanhã");
        assertThat(browser.find("#preview-title").getText()).isEqualTo("Há vento");
        assertThat(browser.find("#preview-body").getText()).isEqualTo("25 nós no teu spot amanhã");
        browser.find("#push-link").sendKeys("windy://spot/123");
        browser.screenshot("creatives");
        browser.find("#save-creative").click();
        long id = Long.parseLong(browser.visible("#creative-saved").getAttribute("data-id"));
        Map<String, Object> push = as("viewer").get("/api/v1/pushes/" + id).json();
        assertThat(push.get("texts"))
                .isEqualTo(Map.of(
                        "en",
                        Map.of("title", "Wind is on", "body", "25 knots at your spot tomorrow"),
                        "pt",
                        Map.of("title", "Há vento", "body", "25 nós no teu spot amanhã")));
        assertThat(push.get("defaultLocale")).isEqualTo("en");
        assertThat(push.get("deepLink")).isEqualTo("windy://spot/123");
    }

    @Test
    void a_marketer_sends_a_creative_to_a_test_phone_in_one_language() {
        long id =
                as("marketer").post("/api/v1/pushes", push("Console test send")).id();
        int before = oneSignal.created().size();
        browser.signIn(url, "marketer", "marketer-pw");
        browser.go(url, "#/creatives/" + id);
        browser.visible("#test-ids").sendKeys("my-test-phone");
        new Select(browser.find("#test-language")).selectByValue("pt");
        browser.find("#send-test").click();
        assertThat(browser.visible("#test-sent li[data-language=pt]").getText()).startsWith("pt: notification ");
        assertThat(oneSignal.created()).hasSize(before + 1);
        OneSignalFake.Created sent = oneSignal.created().get(before);
        assertThat(sent.subscriptionIds()).containsExactly("my-test-phone");
        assertThat(sent.body().path("contents").path("en").asText()).isEqualTo("25 nós no teu spot amanhã");

        browser.visible("#test-ids").sendKeys(", " + String.join(",", Collections.nCopies(20, "p")));
        browser.find("#send-test").click();
        assertThat(browser.visible("#test-result .error").getText()).contains("subscriptionIds");
        assertThat(oneSignal.created()).hasSize(before + 1);
    }

    @Test
    void the_campaign_page_downloads_its_outcomes_shows_the_holdout_lift_and_copies_the_campaign() throws Exception {
        long id = draftCampaign("Console results", 0.2);
        String at = ClickHouse.dateTime(Instant.now().minus(Duration.ofHours(3)));
        List<String> sends = new ArrayList<>();
        List<String> opens = new ArrayList<>();
        for (int u = 1; u <= 10; u++) { // the first USERS users of the class, whose tokens users holds
            String variant = u <= 2 ? "holdout" : u % 2 == 0 ? "A" : "B";
            sends.add("{\"campaign_id\":" + id + ",\"user_id\":" + u + ",\"variant\":\"" + variant
                    + "\",\"wave\":1,\"batch_id\":\"b\",\"outcome\":\""
                    + (u <= 2 ? "skipped" : "sent") + "\",\"reason\":\"" + (u <= 2 ? "holdout" : "")
                    + "\",\"notification_id\":\"\",\"error\":\"\",\"at\":\""
                    + at + "\",\"rank\":1}");
        }
        // what each service took, as a DIRECT campaign's requests leave it: APNs and FCM, accepted, dead tokens, errors
        List<String> requests = List.of(
                "{\"notification_id\":\"apns:b:A:en:apns\",\"campaign_id\":" + id
                        + ",\"variant\":\"A\",\"request_id\":\"b:A:en:apns\",\"recipients\":3,"
                        + "\"sent_at\":\"" + at
                        + "\",\"successful\":2,\"failed\":1,\"errored\":0,\"converted\":0,\"remaining\":0,\"received\":0,"
                        + "\"checked_at\":\"" + at + "\",\"version\":1}",
                "{\"notification_id\":\"fcm:b:B:en:fcm\",\"campaign_id\":" + id
                        + ",\"variant\":\"B\",\"request_id\":\"b:B:en:fcm\",\"recipients\":5,"
                        + "\"sent_at\":\"" + at
                        + "\",\"successful\":4,\"failed\":0,\"errored\":1,\"converted\":0,\"remaining\":0,\"received\":0,"
                        + "\"checked_at\":\"" + at + "\",\"version\":1}");
        try (ClickHouse ch = env.clickHouse()) {
            ch.insertJsonEachRow(
                    ch.table("push_sends"), String.join("\n", sends).getBytes(StandardCharsets.UTF_8));
            ch.insertJsonEachRow(
                    ch.table("provider_notifications"),
                    String.join("\n", requests).getBytes(StandardCharsets.UTF_8));
        }
        browser.signIn(url, "marketer", "marketer-pw");
        browser.go(url, "#/campaigns/" + id);
        assertThat(browser.visible("#lift-table tr[data-group=holdout] [data-metric=members]")
                        .getAttribute("data-value"))
                .isEqualTo("2");
        assertThat(browser.find("#lift-table tr[data-group=pushed] [data-metric=members]")
                        .getAttribute("data-value"))
                .isEqualTo("8");
        assertThat(browser.visible("#providers tr[data-provider=apns] th").getText())
                .isEqualTo("APNs");
        assertThat(browser.find("#providers tr[data-provider=apns] [data-metric=delivered]")
                        .getAttribute("data-value"))
                .isEqualTo("2");
        assertThat(browser.find("#providers tr[data-provider=fcm] [data-metric=delivered]")
                        .getAttribute("data-value"))
                .isEqualTo("4");

        browser.find("#export-outcomes").click();
        String file = browser.visible("#export-done").getAttribute("data-file");
        assertThat(file).isEqualTo("campaign-" + id + "-outcomes.csv");
        Path saved = browser.downloads.resolve(file);
        List<String> lines = browser.await(WAIT, d -> {
            try {
                return Files.exists(saved) ? Files.readAllLines(saved) : null;
            } catch (IOException e) {
                return null;
            }
        });
        assertThat(lines).hasSize(11);
        assertThat(lines.get(0)).contains("user_id", "variant", "outcome", "opened_at");
        browser.find("#export-variants").click();
        browser.await(
                WAIT, d -> Files.exists(browser.downloads.resolve("campaign-" + id + "-variants.csv")) ? true : null);
        browser.screenshot("campaign-results");

        browser.find("#action-clone").click();
        browser.await(
                WAIT,
                d -> d.getCurrentUrl().matches(".*#/campaigns/\\d+$")
                                && !d.getCurrentUrl().endsWith("/" + id)
                        ? true
                        : null);
        long copy = Long.parseLong(browser.driver.getCurrentUrl().replaceAll(".*/", ""));
        browser.await(
                WAIT,
                d -> d.findElement(By.id("campaign-name")).getText().equals("Copy of Console results") ? true : null);
        assertThat(browser.visible("#campaign-status .badge").getAttribute("data-status"))
                .isEqualTo("DRAFT");
        assertThat(as("viewer").get("/api/v1/campaigns/" + copy).json())
                .containsEntry(
                        "cohortId",
                        as("viewer").get("/api/v1/campaigns/" + id).json().get("cohortId"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_marketer_creates_a_draft_campaign_from_a_cohort_and_two_creatives() throws Exception {
        long cohort = as("marketer")
                .post("/api/v1/cohorts", cohort("Kiters for the form"))
                .id();
        String tag = Long.toString(System.nanoTime(), 36);
        as("marketer").post("/api/v1/pushes", push("Form A " + tag)).id();
        as("marketer").post("/api/v1/pushes", push("Form B " + tag)).id();
        browser.signIn(url, "marketer", "marketer-pw");
        browser.visible("#new-campaign").click();
        browser.visible("#c-name").sendKeys("Console draft " + tag);
        new Select(browser.find("#c-cohort")).selectByVisibleText("Kiters for the form");
        assertThat(browser.visible("#c-cohort-size .num").getAttribute("data-value"))
                .isEqualTo(String.valueOf(as("marketer")
                        .get("/api/v1/cohorts/" + cohort + "/size")
                        .json()
                        .get("count")));
        for (String name : List.of("Form A " + tag, "Form B " + tag)) {
            browser.find("input.variant-pick[data-name='" + name + "']").click();
        }
        new Select(browser.find("#c-split")).selectByValue("BANDIT");
        new Select(browser.find("#c-metric")).selectByValue("OPENS");
        assertThat(browser.find("#c-reward-source option[value=PROVIDER]").isEnabled())
                .as("the provider counts no opens")
                .isFalse();
        new Select(browser.find("#c-metric")).selectByValue("CLICKS");
        new Select(browser.find("#c-reward-source")).selectByValue("PROVIDER");
        clearAndType(browser.find("#c-window"), "30");
        new Select(browser.find("#c-window-unit")).selectByValue("M");
        browser.find("#c-rate").sendKeys("500");
        new Select(browser.find("#c-pace")).selectByValue("ASAP");
        browser.find("#c-cap").click();
        browser.screenshot("campaign-creation");
        browser.find("#create-campaign").click();
        browser.await(WAIT, d -> d.getCurrentUrl().matches(".*#/campaigns/\\d+$") ? true : null);
        long id = Long.parseLong(browser.driver.getCurrentUrl().replaceAll(".*/", ""));
        Map<String, Object> campaign =
                as("viewer").get("/api/v1/campaigns/" + id).json();
        assertThat(campaign)
                .containsEntry("status", "DRAFT")
                .containsEntry("duration", "PT30M")
                .containsEntry("sendRateLimit", 500)
                .containsEntry("pace", "ASAP")
                .containsEntry("cohortId", (int) cohort);
        assertThat((List<Object>) campaign.get("variants")).hasSize(2);
        assertThat((Map<String, Object>) campaign.get("split"))
                .containsEntry("type", "BANDIT")
                .containsEntry("metric", "CLICKS")
                .containsEntry("rewardSource", "PROVIDER");
        // the page shows "Loading…" in the same kind of paragraph until its data is in
        String split = browser.await(
                WAIT,
                d -> d.findElements(By.cssSelector("p.muted")).stream()
                        .map(WebElement::getText)
                        .filter(t -> t.contains("split on"))
                        .findFirst()
                        .orElse(null));
        assertThat(split).contains("BANDIT split on clicks", "counted from the provider's click counts");
        assertThat((Map<String, Object>) campaign.get("frequencyCap"))
                .containsEntry("count", 2)
                .containsEntry("period", "PT24H");
        assertThat(browser.visible("#campaign-status .badge").getAttribute("data-status"))
                .isEqualTo("DRAFT");
        assertThat(browser.visible("#action-launch").getText()).isEqualTo("Launch");
    }

    @Test
    void a_viewer_sees_no_launch_create_or_save_buttons_and_the_api_refuses_anyway() throws Exception {
        long cohort = as("marketer")
                .post("/api/v1/cohorts", cohort("Kiters for the viewer"))
                .id();
        long a = as("marketer").post("/api/v1/pushes", push("Viewer A")).id();
        long b = as("marketer").post("/api/v1/pushes", push("Viewer B")).id();
        long id = as("marketer")
                .post(
                        "/api/v1/campaigns",
                        Map.of(
                                "name",
                                "Viewer's draft",
                                "app",
                                "windy-ios",
                                "cohortId",
                                cohort,
                                "variants",
                                List.of(Map.of("pushId", a), Map.of("pushId", b)),
                                "split",
                                Map.of("type", "BANDIT"),
                                "duration",
                                "PT1H"))
                .id();

        browser.signIn(url, "viewer", "viewer-pw");
        assertThat(browser.visible("tr[data-campaign='" + id + "']").getText()).contains("Viewer's draft", "draft");
        assertThat(browser.driver.findElements(By.id("new-campaign"))).isEmpty();
        browser.go(url, "#/campaigns/" + id);
        assertThat(browser.visible("#campaign-status .badge").getAttribute("data-status"))
                .isEqualTo("DRAFT");
        assertThat(browser.driver.findElements(By.cssSelector("#lifecycle button")))
                .isEmpty();
        assertThat(browser.driver.findElements(By.id("action-clone"))).isEmpty();
        assertThat(browser.find("#export-variants").isDisplayed()).isTrue();
        browser.go(url, "#/creatives/" + a);
        assertThat(browser.visible("#push-name").isEnabled()).isFalse();
        assertThat(browser.driver.findElements(By.id("save-creative"))).isEmpty();
        assertThat(browser.driver.findElements(By.id("send-test"))).isEmpty();
        browser.go(url, "#/cohorts/" + cohort);
        browser.visible("#match-count");
        assertThat(browser.driver.findElements(By.id("save-cohort"))).isEmpty();
        assertThat(as("viewer")
                        .post("/api/v1/campaigns/" + id + "/launch", null)
                        .status())
                .isEqualTo(403);
    }

    @Test
    void a_campaign_a_guardrail_halted_says_why_warns_of_the_mismatch_and_offers_resume_and_stop() throws Exception {
        long cohort = as("marketer")
                .post("/api/v1/cohorts", cohort("Kiters, guarded"))
                .id();
        long a = as("marketer").post("/api/v1/pushes", push("Guarded A")).id();
        long b = as("marketer").post("/api/v1/pushes", push("Guarded B")).id();
        long id = as("marketer")
                .post(
                        "/api/v1/campaigns",
                        Map.of(
                                "name",
                                "Guarded",
                                "app",
                                "windy-ios",
                                "cohortId",
                                cohort,
                                "variants",
                                List.of(Map.of("pushId", a), Map.of("pushId", b)),
                                "split",
                                Map.of("type", "BANDIT"),
                                "duration",
                                "PT1H",
                                "guardrails",
                                Map.of("maxFailureRate", 1.0)))
                .id();
        assertThat(as("marketer")
                        .post("/api/v1/campaigns/" + id + "/launch", null)
                        .status())
                .isEqualTo(200);
        // one wave of 1,000 users each; 70% of B's pushes failed, so B was sent far less than its half
        String at = ClickHouse.dateTime(Instant.now());
        StringBuilder sends = new StringBuilder();
        for (int u = 0; u < 2_000; u++) {
            boolean toB = u >= 1_000;
            sends.append("{\"campaign_id\":")
                    .append(id)
                    .append(",\"user_id\":")
                    .append(u)
                    .append(",\"variant\":\"")
                    .append(toB ? "B" : "A")
                    .append("\",\"wave\":1,\"batch_id\":\"b\",\"outcome\":\"")
                    .append(toB && u % 10 < 7 ? "failed" : "sent")
                    .append("\",\"reason\":\"\",\"notification_id\":\"\",\"error\":\"\",\"at\":\"")
                    .append(at)
                    .append("\",\"rank\":1}\n");
        }
        try (ClickHouse ch = env.clickHouse()) {
            ch.insertJsonEachRow(
                    ch.table("campaign_allocations"),
                    ("{\"campaign_id\":" + id + ",\"wave\":1,\"variant\":\"A\",\"share\":0.5,\"users\":1000,\"at\":\""
                                    + at + "\"}\n{\"campaign_id\":" + id
                                    + ",\"wave\":1,\"variant\":\"B\",\"share\":0.5,\"users\":1000,\"at\":\"" + at
                                    + "\"}")
                            .getBytes(StandardCharsets.UTF_8));
            ch.insertJsonEachRow(ch.table("push_sends"), sends.toString().getBytes(StandardCharsets.UTF_8));
        }

        browser.signIn(url, "marketer", "marketer-pw");
        browser.go(url, "#/campaigns/" + id);
        browser.await(
                WAIT,
                d -> "HALTED"
                                .equals(d.findElement(By.cssSelector("#campaign-status .badge"))
                                        .getAttribute("data-status"))
                        ? true
                        : null);
        assertThat(browser.visible("#status-banner").getText())
                .contains("halted by a guardrail", "sample ratio mismatch", "until you resume or stop");
        String warning = browser.await(WAIT, d -> {
            String text = d.findElement(By.id("srm")).getText();
            return text.isEmpty() ? null : text;
        });
        assertThat(warning).contains("Sample ratio mismatch", "users sent per variant", "p = ");
        assertThat(browser.driver.findElements(By.cssSelector("#lifecycle button")))
                .extracting(WebElement::getText)
                .containsExactly("Resume", "Stop");
        browser.screenshot("campaign-halted");
    }

    @Test
    void the_builder_and_the_creation_form_fit_a_tablet() throws Exception {
        browser.signIn(url, "marketer", "marketer-pw");
        browser.driver.manage().window().setSize(Browser.TABLET);
        try {
            for (String page : List.of("#/cohorts/new", "#/creatives/new", "#/campaigns/new", "#/campaigns")) {
                browser.go(url, page);
                browser.visible("main h1");
                assertThat(browser.overflowsHorizontally()).as(page).isFalse();
            }
            browser.go(url, "#/cohorts/new");
            browser.visible("#match-count");
            browser.screenshot("tablet-cohort-builder");
        } finally {
            browser.driver.manage().window().setSize(Browser.LAPTOP);
        }
    }

    /** Waits until the count shown is the API's for the filter shown (as JSON beside the count), and returns it. */
    private long awaitCountOfShownFilter() {
        return browser.await(WAIT, d -> {
            Map<String, Object> filter = shownFilter();
            Api.Reply reply = as("marketer").post("/api/v1/cohorts/preview", Map.of("filter", filter));
            if (reply.status() != 200) {
                return null;
            }
            long expected = ((Number) reply.json().get("count")).longValue();
            var shown = d.findElements(By.cssSelector("#match:not(.stale) #match-count"));
            return !shown.isEmpty() && shown.get(0).getAttribute("data-value").equals(Long.toString(expected))
                    ? expected
                    : null;
        });
    }

    private long shownCount() {
        return Long.parseLong(browser.await(
                        WAIT,
                        d -> d.findElements(By.cssSelector("#match:not(.stale) #match-count")).stream()
                                .findFirst()
                                .orElse(null))
                .getAttribute("data-value"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> shownFilter() {
        String json = (String) ((JavascriptExecutor) browser.driver)
                .executeScript("return document.getElementById('filter-json').textContent");
        return Json.read(json, Map.class);
    }

    private static void clearAndType(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }
}
