package io.gitedge.gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ActivityTest {
  private static final Duration QUIET = Duration.ofMillis(100);

  @Test
  void aRequestInFlight_keepsItBusy_untilTheWaitRunsOut() throws Exception {
    Activity a = new Activity();
    a.begin();
    assertEquals(1, a.inFlight());
    assertFalse(a.awaitQuiet(QUIET, Duration.ofMillis(400)));
  }

  @Test
  void quiet_isCountedFromTheLastEnd_andFromTheCall() throws Exception {
    Activity a = new Activity();
    a.begin();
    CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
      try {
        return a.awaitQuiet(QUIET, Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(300);
    assertFalse(waiter.isDone(), "returned while a request ran");
    a.end();
    assertEquals(0, a.inFlight());
    assertTrue(waiter.get(10, TimeUnit.SECONDS));
    // no request ever ran: still a whole quiet period from the call
    long t0 = System.nanoTime();
    assertTrue(new Activity().awaitQuiet(QUIET, Duration.ofSeconds(30)));
    assertTrue(System.nanoTime() - t0 >= QUIET.toNanos());
  }
}
