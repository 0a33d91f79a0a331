package io.gitedge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MirrorAgeTest {
  @Test
  void theNotice_namesUpstreamAgeAndReason() {
    Instant now = Instant.parse("2026-11-25T12:00:00Z");
    MirrorAge a = new MirrorAge("https://github.com/acme/lib.git",
        Optional.of(now.minusSeconds(192)), Optional.of("upstream unreachable"), now);
    assertEquals("gitedge: mirror of https://github.com/acme/lib.git last synced 3m12s ago"
        + " (upstream unreachable)", a.notice());
    assertEquals("gitedge: mirror of u never synced", new MirrorAge("u", Optional.empty(),
        Optional.empty(), now).notice());
  }

  @Test
  void ages_showTheTwoLargestUnits() {
    assertEquals("0s", MirrorAge.format(Duration.ZERO));
    assertEquals("59s", MirrorAge.format(Duration.ofSeconds(59)));
    assertEquals("1m", MirrorAge.format(Duration.ofSeconds(60)));
    assertEquals("2h5m", MirrorAge.format(Duration.ofSeconds(7530)));
    assertEquals("4d3h", MirrorAge.format(Duration.ofHours(99).plusMinutes(30)));
  }
}
