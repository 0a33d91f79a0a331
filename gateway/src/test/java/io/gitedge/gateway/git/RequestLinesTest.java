package io.gitedge.gateway.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gitedge.testing.PktLines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.eclipse.jgit.errors.PackProtocolException;
import org.junit.jupiter.api.Test;

class RequestLinesTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void h06_wantsCraftedToShareAHashCode_areRefused() {
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    for (int i = 1; i <= RequestLines.MAX_PER_HASH + 1; i++) {
      req.writeBytes(PktLines.of("want " + String.format("%040x", i)));
    }
    PackProtocolException e = assertThrows(PackProtocolException.class,
        () -> drain(RequestLines.checked(new ByteArrayInputStream(req.toByteArray()))));
    assertTrue(e.getMessage().contains("share a hash code"), e.getMessage());
  }

  @Test
  void aRealRequest_ofManyRandomIdsRepeatsAndOtherLines_passesUnchanged() throws IOException {
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.writeBytes(PktLines.of("command=fetch", "agent=git/2.47"));
    req.write("0001".getBytes());
    String first = random();
    for (int i = 0; i < 100_000; i++) {
      req.writeBytes(PktLines.of("want " + random(), "have " + random()));
    }
    for (int i = 0; i < 1_000; i++) {
      req.writeBytes(PktLines.of("want " + first, "shallow " + first));
    }
    req.writeBytes(PktLines.of("0000", "done"));
    byte[] bytes = req.toByteArray();
    assertArrayEquals(bytes, drain(RequestLines.checked(new ByteArrayInputStream(bytes))),
        "a request of real-looking ids must pass through byte for byte");
  }

  @Test
  void malformedInput_isPassedOnForJGitToRefuse() throws IOException {
    byte[] bytes = "zzzzwant 0000000000000000000000000000000000000001\n".getBytes();
    assertArrayEquals(bytes, drain(RequestLines.checked(new ByteArrayInputStream(bytes))));
  }

  private static String random() {
    byte[] b = new byte[20];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static byte[] drain(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[777];
    for (int n; (n = in.read(buf)) >= 0; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
