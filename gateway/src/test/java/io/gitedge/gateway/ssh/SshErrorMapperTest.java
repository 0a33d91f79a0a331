package io.gitedge.gateway.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.gateway.git.ErrorSamples;
import io.gitedge.gateway.git.GatewayException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SSH door's answers: every error type has one, as an exit status and a stderr line. */
class SshErrorMapperTest {
  @Test
  void everyErrorType_hasAnSshAnswer() {
    for (Class<?> type : ErrorSamples.types()) {
      assertTrue(SshErrorMapper.ANSWERS.containsKey(type), type.getSimpleName()
          + " has no answer in SshErrorMapper.ANSWERS");
    }
  }

  @Test
  void everyRefusal_isOneGitedgeLineOnStderr_andANonZeroExit() {
    for (GatewayException e : ErrorSamples.all()) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      SshErrorMapper.tell(err, e);
      String what = e.getClass().getSimpleName();
      assertNotEquals(0, SshErrorMapper.exitCode(e), what);
      if (e instanceof GatewayException.ClientGone) {
        assertEquals(0, err.size(), "nothing is sent to a client that is gone");
        continue;
      }
      String line = err.toString(StandardCharsets.UTF_8);
      assertTrue(line.startsWith("gitedge: ") && line.endsWith("\n")
          && line.indexOf('\n') == line.length() - 1, what + ": " + line);
      assertTrue(line.contains(e.getMessage().replaceFirst("^gitedge: ", "")), what);
    }
  }

  @Test
  void theExitStatusesGitReports() {
    assertEquals(128, SshErrorMapper.exitCode(new GatewayException.MirrorNotFound()));
    assertEquals(255, SshErrorMapper.exitCode(new GatewayException.Unauthenticated()));
    assertEquals(1, SshErrorMapper.exitCode(new GatewayException.ReadOnly("a/b", "u")));
    assertEquals(128, SshErrorMapper.exitCode(new GatewayException.Internal(
        new IOException("disk"))));
  }
}
