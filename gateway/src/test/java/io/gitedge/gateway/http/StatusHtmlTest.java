package io.gitedge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The status page's pieces that need no gateway: escaping, URLs shown, units. */
class StatusHtmlTest {
  @Test
  void escape_turnsMarkupIntoText() {
    assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;",
        Html.escape("<script>alert('x')</script> & \"q\""));
    assertEquals("<td data-label=\"&quot;&gt;&lt;b\">&lt;i&gt;</td>",
        new Html().el("td", "<i>", "data-label", "\"><b").toString());
  }

  @Test
  void displayUrl_neverShowsCredentials() {
    assertEquals("https://git.example.com/acme",
        MirrorStatus.displayUrl("https://x-access-token:s3cret@git.example.com/acme"));
    assertEquals("https://git.example.com:8443/acme",
        MirrorStatus.displayUrl("https://someone@git.example.com:8443/acme"));
    assertEquals("ssh://git.example.com/acme",
        MirrorStatus.displayUrl("ssh://git:s3cret@git.example.com/acme"),
        "an ssh:// password goes, and with it the user name");
    assertEquals("ssh://git@git.example.com/acme",
        MirrorStatus.displayUrl("ssh://git@git.example.com/acme"));
    assertEquals("git@git.example.com:acme/lib",
        MirrorStatus.displayUrl("git@git.example.com:acme/lib"));
    assertEquals("http://127.0.0.1:8080/acme",
        MirrorStatus.displayUrl("http://127.0.0.1:8080/acme"));
  }

  @Test
  void units_readAsPeopleSayThem() {
    assertEquals("42 s", StatusHtml.age(Duration.ofSeconds(42)));
    assertEquals("5 min", StatusHtml.age(Duration.ofSeconds(5 * 60 + 59)));
    assertEquals("3 h 10 min", StatusHtml.age(Duration.ofMinutes(190)));
    assertEquals("2 d 4 h", StatusHtml.age(Duration.ofHours(52)));
    assertEquals("340 ms", StatusHtml.duration(Duration.ofMillis(340)));
    assertEquals("1.2 s", StatusHtml.duration(Duration.ofMillis(1234)));
    assertEquals("512 B", StatusHtml.bytes(512));
    assertEquals("1.5 MiB", StatusHtml.bytes(1536 * 1024));
    assertEquals("256 MiB", StatusHtml.bytes(256L << 20));
  }
}
