package io.pushflow.admin.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver (paths set, so Selenium Manager never downloads one),
 * with a fresh profile; the console's pages are tested through it. {@code bin/pushflow services up} installs both.
 */
public final class Browser implements AutoCloseable {

    public static final Dimension LAPTOP = new Dimension(1366, 1000);
    public static final Dimension TABLET = new Dimension(820, 1180);
    /**
     * Where screenshots go: the module's {@code target/console-screenshots}, or, to refresh the ones docs/console.md shows,
     * the directory {@code PUSHFLOW_SCREENSHOTS} names relative to the repository ({@code docs/console}): a test run
     * leaves the checkout as it was.
     */
    public static final Path SCREENSHOTS = System.getenv("PUSHFLOW_SCREENSHOTS") == null
            ? Path.of("target", "console-screenshots")
            : Path.of("..").resolve(System.getenv("PUSHFLOW_SCREENSHOTS"));

    public final WebDriver driver;
    /** Where the browser saves what it downloads (inside its temporary profile). */
    public final Path downloads;

    private final Path profile;

    public Browser() throws IOException {
        profile = Files.createTempDirectory("pushflow-chromium");
        downloads = Files.createDirectories(profile.resolve("downloads"));
        ChromeOptions options = new ChromeOptions();
        options.setExperimentalOption(
                "prefs",
                Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false));
        options.setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        // without the background-networking flags Chromium stalls on the closed network here
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(LAPTOP);
    }

    /** Opens the console and signs in; waits until the campaigns page shows. */
    public void signIn(String baseUrl, String user, String password) {
        driver.get(baseUrl + "/console/");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
        driver.navigate().refresh();
        WebElement name = await(
                Duration.ofSeconds(15),
                d -> d.findElements(By.name("username")).stream().findFirst().orElse(null));
        name.sendKeys(user);
        driver.findElement(By.name("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form.sign-in button[type=submit]")).click();
        await(
                Duration.ofSeconds(15),
                d -> d.findElements(By.cssSelector("table#campaigns tbody tr")).isEmpty() ? null : true);
    }

    /** Signs in with a wrong password: the form stays, with what went wrong. */
    public String signInRefused(String baseUrl, String user, String password) {
        driver.get(baseUrl + "/console/");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
        driver.navigate().refresh();
        visible("input[name=username]").sendKeys(user);
        driver.findElement(By.name("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form.sign-in button[type=submit]")).click();
        return visible("form.sign-in [role=alert]").getText();
    }

    public void go(String baseUrl, String hash) {
        driver.get(baseUrl + "/console/" + hash);
    }

    /** Waits for a condition; a timeout says where the browser was and what the page showed. */
    public <T> T await(Duration timeout, ExpectedCondition<T> condition) {
        try {
            // the pages redraw as data arrives: an element found a moment ago may be gone
            return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                    .ignoring(StaleElementReferenceException.class)
                    .until(condition);
        } catch (TimeoutException e) {
            throw new AssertionError(
                    "waited " + timeout.toSeconds() + " s in vain at " + driver.getCurrentUrl() + "; the page showed:\n"
                            + ((JavascriptExecutor) driver).executeScript("return document.body.innerText"),
                    e);
        }
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /** A visible element by CSS selector, waited for up to 15 s. */
    public WebElement visible(String css) {
        return await(
                Duration.ofSeconds(15),
                d -> d.findElements(By.cssSelector(css)).stream()
                        .filter(WebElement::isDisplayed)
                        .findFirst()
                        .orElse(null));
    }

    /** Saves the whole page (the window made as tall as the page, up to 2,400 px) as {name}.png in {@link #SCREENSHOTS}. */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path target = SCREENSHOTS.resolve(name + ".png");
        Dimension window = driver.manage().window().getSize();
        long height = (Long) ((JavascriptExecutor) driver)
                .executeScript("window.scrollTo(0, 0); return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(window.getWidth(), (int)
                Math.min(2_400, Math.max(window.getHeight(), height + 90))));
        try {
            Files.copy(
                    ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(),
                    target,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            driver.manage().window().setSize(window);
        }
        return target;
    }

    /** Whether the page is wider than the window (a layout that does not fit). */
    public boolean overflowsHorizontally() {
        return (Boolean) ((JavascriptExecutor) driver)
                .executeScript("return document.documentElement.scrollWidth > document.documentElement.clientWidth");
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
