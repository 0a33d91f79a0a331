package io.gitedge.gateway;

import static io.gitedge.gateway.GatewayHarness.LIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.gitedge.store.SyncResult;
import io.gitedge.testing.Requires;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page in a real browser: Debian's headless {@code chromium}, driven through its
 * {@code chromedriver} by Selenium, against a real gateway over its TLS (the browser trusts
 * exactly the gateway's key). The browser logs in as a person would, through the Basic prompt:
 * the admin's token is in the URL, which Chromium sends once the gateway asks for credentials
 * (the access log shows the 401, then the 200).
 * One mirror was just synced from the C git upstream; another's upstream is a closed port.
 * Screenshots at laptop and phone sizes are kept in {@code target/} as test artifacts
 * ({@code status-page.png}, {@code status-page-phone.png}).
 */
class StatusPageBrowserTest {
  private static final String BROKEN = "broken.example/team/tool";
  private static final Path ARTIFACTS = Path.of("target");

  @TempDir static Path dir;
  private static GatewayHarness gw;
  private static String deadUpstream;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    Requires.tools("chromium", "chromedriver");
    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort(); // closed again: connections to it are refused
    }
    deadUpstream = "http://127.0.0.1:" + dead + "/team";
    gw = GatewayHarness.start(dir, GatewayHarness.Options.defaults().withRegion("eu-west")
        .withTopLevel("  - prefix: broken.example/team\n    url: " + deadUpstream + "\n"
            + "    repos: [tool]\n    syncInterval: 1h\n"));
    SyncResult broken = gw.sync(BROKEN);
    assertEquals(SyncResult.Outcome.FAILED, broken.outcome(), broken.toString());
    assertTrue(gw.sync(LIB).succeeded(), "just synced");
    browser = chromium(Files.createDirectories(dir.resolve("chromium-profile")),
        spki(gw.certificate()));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (gw != null) {
      gw.close();
    }
  }

  /**
   * Headless Chromium as root on a closed network: no sandbox, nothing fetched from Google, a
   * fresh profile; the gateway's certificate accepted by its public key only.
   */
  private static ChromeDriver chromium(Path profile, String spki) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + profile,
        "--ignore-certificate-errors-spki-list=" + spki, "--window-size=1280,900",
        "--hide-scrollbars", "--lang=en-US");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }

  /** The base64 SHA-256 of the certificate's public key, as Chromium's SPKI list wants it. */
  private static String spki(Path certificate) throws Exception {
    try (var in = Files.newInputStream(certificate)) {
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(c.getPublicKey().getEncoded()));
    }
  }

  /** The page's URL with ops's token as the Basic password: what a person types at the prompt. */
  private static String statusUrl() {
    return gw.url().replace("https://", "https://ops:"
        + URLEncoder.encode(gw.token("ops"), StandardCharsets.UTF_8) + "@") + "/status";
  }

  private static WebElement mirror(String name) {
    return browser.findElement(By.cssSelector("tbody[data-mirror='" + name + "']"));
  }

  private static String cell(WebElement mirror, String label) {
    return mirror.findElement(By.cssSelector("td[data-label='" + label + "']")).getText();
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }

  @Test
  void laptop_showsTheSyncedMirrorAsOk_andTheDeadUpstreamAsFailing() throws Exception {
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    try (LogCapture access = new LogCapture("io.gitedge.gateway.git.ReadSession", Level.INFO)) {
      browser.get(statusUrl());

      // Chromium asked without credentials, got the Basic challenge, and answered it
      List<String> lines = access.lines().stream().filter(l -> l.startsWith("https GET /status "))
          .map(l -> l.replaceAll(" \\d+B \\d+ms$", "")).toList();
      assertEquals(List.of("https GET /status 401 anonymous", "https GET /status 200 ops"), lines);
    }

    assertTrue(browser.getTitle().startsWith("GitEdge eu-west · 1 mirror needs attention"),
        browser.getTitle());
    WebElement lib = mirror(LIB);
    assertEquals("ok", lib.findElement(By.cssSelector(".badge")).getText());
    assertEquals(gw.upstreamHttp().url() + "/acme/lib.git", lib.findElement(By.cssSelector(".url"))
        .getText());
    String lastSync = cell(lib, "Last sync");
    assertTrue(lastSync.matches("(?s)(just now|\\d+ (s|min) ago)\n\\d\\d:\\d\\d:\\d\\d UTC"),
        lastSync);
    String when = lib.findElement(By.cssSelector("td[data-label='Last sync'] .abs"))
        .getAttribute("title");
    assertTrue(when.startsWith(LocalDate.now(ZoneOffset.UTC).toString()), when);
    assertTrue(cell(lib, "Recent syncs").contains("longest"), cell(lib, "Recent syncs"));
    assertTrue(lib.findElement(By.cssSelector("svg.chart rect")).isDisplayed());

    WebElement broken = mirror(BROKEN);
    assertEquals("failing", broken.findElement(By.cssSelector(".badge")).getText());
    assertEquals(deadUpstream + "/tool.git", broken.findElement(By.cssSelector(".url")).getText());
    String error = broken.findElement(By.cssSelector("pre.error")).getText();
    assertTrue(error.startsWith("cannot list refs of " + deadUpstream + "/tool.git: "), error);
    assertTrue(error.toLowerCase(java.util.Locale.ROOT).contains("refused"), error);
    assertEquals("never", cell(broken, "Age"));

    screenshot("status-page.png", 1280, 1, false);
  }

  /**
   * Keeps the whole page, however long, as {@code target/<name>}: the viewport made as tall as
   * the page at {@code width} CSS pixels for the picture, then put back.
   */
  private static void screenshot(String name, int width, int scale, boolean mobile)
      throws Exception {
    long height = (Long) js("return document.documentElement.scrollHeight;");
    browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width,
        "height", (int) Math.min(8000, height), "deviceScaleFactor", scale, "mobile", mobile));
    try {
      Files.write(ARTIFACTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    } finally {
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  @Test
  void phone_showsOneCardPerMirror_withoutSidewaysScrolling() throws Exception {
    // a phone: 390 CSS pixels wide, mobile (so the viewport meta applies), 2 device px per CSS px
    browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 390,
        "height", 844, "deviceScaleFactor", 2, "mobile", true));
    try {
      browser.get(statusUrl());

      assertEquals(390L, js("return document.documentElement.clientWidth;"),
          "the viewport is the phone's width (the page's viewport meta)");
      long scrollWidth = (Long) js("return document.documentElement.scrollWidth;");
      assertTrue(scrollWidth <= 390, "nothing overflows sideways: " + scrollWidth + " px");
      for (String name : List.of(LIB, BROKEN)) {
        WebElement label = mirror(name).findElement(By.cssSelector(".name"));
        assertTrue(label.isDisplayed(), name);
        assertEquals(name, label.getText());
        int right = label.getRect().getX() + label.getRect().getWidth();
        assertTrue(right <= 390, name + " ends at " + right + " px");
      }
      assertEquals("none", js("return getComputedStyle(document.querySelector("
          + "'table.mirrors thead')).display;"), "the table turned into cards");
      screenshot("status-page-phone.png", 390, 2, true);
    } finally {
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }
}
