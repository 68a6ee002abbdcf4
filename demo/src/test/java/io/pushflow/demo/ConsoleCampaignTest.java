package io.pushflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pushflow.admin.support.Browser;
import io.pushflow.core.campaign.RewardSource;
import io.pushflow.tools.AdminApi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The console end to end in headless Chromium: a marketer signs in, builds a cohort and sees its count, creates a
 * bandit campaign over three creatives and launches it against the jobs and the provider simulator, watches the
 * numbers move and pauses it; a viewer then sees the campaign without its buttons. Saves screenshots (see
 * {@code Browser.SCREENSHOTS}).
 */
class ConsoleCampaignTest {

    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration UI = Duration.ofSeconds(15);

    @Test
    void a_marketer_launches_a_campaign_from_the_console_watches_it_move_and_pauses_it() throws Exception {
        try (AdminProcess admin = new AdminProcess("marketer:marketer-pw:marketer,viewer:viewer-pw:viewer")) {
            var options = new Demo.Options(
                    4_000,
                    Duration.ofMinutes(2),
                    Duration.ofSeconds(2),
                    List.of(0.03, 0.08, 0.25),
                    13,
                    admin.url,
                    "marketer",
                    "marketer-pw",
                    admin.database,
                    admin.prefix,
                    0,
                    0,
                    Path.of("target", "console-test"),
                    null,
                    false,
                    false,
                    RewardSource.AUTO,
                    Demo.ClusterKind.LOCAL);
            AdminApi api = new AdminApi(admin.url, "marketer", "marketer-pw");
            try (Stage stage = Stage.start(options, System.out);
                    Browser browser = new Browser()) {
                List<String> creatives = new ArrayList<>();
                for (String[] c : Demo.CREATIVES) {
                    assertThat(api.postJson(
                                            "api/v1/pushes",
                                            Map.of(
                                                    "name",
                                                    c[0],
                                                    "defaultLocale",
                                                    "en",
                                                    "texts",
                                                    Map.of("en", Map.of("title", c[0], "body", c[1]))),
                                            CALL)
                                    .status())
                            .isEqualTo(201);
                    creatives.add(c[0]);
                }

                browser.signIn(admin.url, "marketer", "marketer-pw");
                long cohort = buildCohort(browser, api, admin.url);
                long id = createCampaign(browser, admin.url, cohort, creatives);
                assertThat(status(api, id)).isEqualTo("DRAFT");

                browser.find("#action-launch").click();
                browser.visible("#confirm-ok").click();
                browser.await(UI, d -> "RUNNING".equals(badge(browser)) ? true : null);
                assertThat(status(api, id)).isEqualTo("RUNNING");

                long firstSent =
                        browser.await(Duration.ofSeconds(60), d -> shownSent(browser) > 0 ? shownSent(browser) : null);
                long laterSent = browser.await(
                        Duration.ofSeconds(30), d -> shownSent(browser) > firstSent ? shownSent(browser) : null);
                assertThat(laterSent).isGreaterThan(firstSent);
                browser.await(
                        Duration.ofSeconds(45),
                        d -> shownTotal(browser, "delivered") > 0 && shownTotal(browser, "clicked") > 0 ? true : null);
                assertThat(browser.find("#chart-share canvas").getSize().getWidth())
                        .isPositive();
                browser.screenshot("campaign");

                browser.find("#action-pause").click();
                assertThat(browser.visible("#confirm-title").getText()).isEqualTo("Pause this campaign?");
                browser.find("#confirm-ok").click();
                browser.await(UI, d -> "PAUSED".equals(badge(browser)) ? true : null);
                assertThat(status(api, id)).isEqualTo("PAUSED");
                assertThat(browser.visible("#action-resume").getText()).isEqualTo("Resume");
                // once the last in-flight batches settle, the page shows the API's own numbers
                browser.await(Duration.ofSeconds(30), d -> shownSent(browser) == apiSent(api, id) ? true : null);

                browser.driver.manage().window().setSize(Browser.TABLET);
                browser.visible("#variants");
                assertThat(browser.overflowsHorizontally()).isFalse();
                browser.screenshot("tablet-campaign");
                browser.driver.manage().window().setSize(Browser.LAPTOP);

                browser.go(admin.url, "#/campaigns");
                assertThat(browser.visible("tr[data-campaign='" + id + "']").getText())
                        .contains("paused", "likely best");
                browser.screenshot("campaigns");

                browser.signIn(admin.url, "viewer", "viewer-pw");
                browser.go(admin.url, "#/campaigns/" + id);
                browser.await(UI, d -> "PAUSED".equals(badge(browser)) ? true : null);
                browser.visible("#total-sent");
                assertThat(browser.driver.findElements(By.cssSelector("#lifecycle button")))
                        .isEmpty();
            }
        }
    }

    /** A cohort of users active in the last 30 days, built in the page; its count must be the API's. */
    private static long buildCohort(Browser browser, AdminApi api, String url) {
        browser.go(url, "#/cohorts/new");
        browser.visible("button[data-key='root:add-condition']").click();
        new Select(browser.visible("select[data-key='root.0:field']")).selectByValue("last_active_at");
        new Select(browser.visible("select[data-key='root.0:op']")).selectByValue("within_last");
        browser.visible("#filter input.cond-value").sendKeys("P30D");
        Map<String, Object> filter =
                Map.of("all", List.of(Map.of("field", "last_active_at", "op", "within_last", "value", "P30D")));
        long expected = api.postJson("api/v1/cohorts/preview", Map.of("filter", filter), CALL)
                .body()
                .path("count")
                .asLong();
        browser.await(
                UI,
                d -> d.findElements(By.cssSelector("#match:not(.stale) #match-count")).stream()
                                .anyMatch(e -> e.getAttribute("data-value").equals(Long.toString(expected)))
                        ? true
                        : null);
        assertThat(expected).isPositive();
        browser.find("#cohort-name").sendKeys("Active in 30 days");
        browser.find("#save-cohort").click();
        return Long.parseLong(browser.visible("#cohort-saved").getAttribute("data-id"));
    }

    /** A two-minute bandit campaign over the creatives, created in the form; returns its id from the page's address. */
    private static long createCampaign(Browser browser, String url, long cohort, List<String> creatives)
            throws Exception {
        browser.go(url, "#/campaigns/new");
        browser.visible("#c-name").sendKeys("Wind alert bandit");
        new Select(browser.find("#c-cohort")).selectByValue(Long.toString(cohort));
        for (String name : creatives) {
            browser.find("input.variant-pick[data-name='" + name + "']").click();
        }
        new Select(browser.find("#c-split")).selectByValue("BANDIT");
        browser.find("#c-burn-in").clear();
        browser.find("#c-burn-in").sendKeys("30");
        browser.find("#c-window").clear();
        browser.find("#c-window").sendKeys("2");
        new Select(browser.find("#c-window-unit")).selectByValue("M");
        browser.find("#create-campaign").click();
        browser.await(UI, d -> d.getCurrentUrl().matches(".*#/campaigns/\\d+$") ? true : null);
        browser.await(UI, d -> "DRAFT".equals(badge(browser)) ? true : null);
        return Long.parseLong(browser.driver.getCurrentUrl().replaceAll(".*/", ""));
    }

    private static String badge(Browser browser) {
        return browser.driver.findElements(By.cssSelector("#campaign-status .badge")).stream()
                .findFirst()
                .map(e -> e.getAttribute("data-status"))
                .orElse(null);
    }

    private static long shownSent(Browser browser) {
        return shown(browser, "#total-sent");
    }

    private static long shownTotal(Browser browser, String metric) {
        return browser.driver.findElements(By.cssSelector("#variants [data-metric=" + metric + "]")).stream()
                .mapToLong(e -> Long.parseLong(e.getAttribute("data-value")))
                .sum();
    }

    private static long shown(Browser browser, String css) {
        return browser.driver.findElements(By.cssSelector(css)).stream()
                .findFirst()
                .map(e -> Long.parseLong(e.getAttribute("data-value")))
                .orElse(0L);
    }

    private static String status(AdminApi api, long id) {
        return api.get("api/v1/campaigns/" + id, CALL).body().path("status").asText();
    }

    private static long apiSent(AdminApi api, long id) {
        long sent = 0;
        for (JsonNode v :
                api.get("api/v1/campaigns/" + id + "/stats", CALL).body().path("variants")) {
            sent += v.path("sent").asLong();
        }
        return sent;
    }
}
