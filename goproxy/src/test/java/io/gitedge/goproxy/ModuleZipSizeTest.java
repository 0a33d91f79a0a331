package io.gitedge.goproxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Size limits, after x/mod's {@code sizeLimitTests} and {@code TestCreateSizeLimits}
 * ({@code one_large} ... {@code size_is_a_lie}), and streaming: the files are made up as they
 * are read (zeros), so a 500 MB module is never in memory here either.
 */
class ModuleZipSizeTest {
  private static final String PATH = "example.com/large";
  private static final String VERSION = "v1.0.0";

  @Test
  void oneLarge_exactlyMaxZipFile_isZipped_whileStreamed() throws Exception {
    MemoryFile large = MemoryFile.zeros("large.go", ModuleZip.MAX_ZIP_FILE,
        ModuleZip.MAX_ZIP_FILE);
    CountingSink out = new CountingSink();

    String hash = ModuleZip.create(PATH, VERSION, List.of(large), out);

    assertEquals(ModuleZip.MAX_ZIP_FILE, large.bytesRead().get());
    assertEquals(hashOfZeros(PATH + "@" + VERSION + "/large.go", ModuleZip.MAX_ZIP_FILE), hash);
    assertTrue(out.count > 0 && out.count < ModuleZip.MAX_ZIP_FILE / 100, "zeros deflate well");
  }

  @Test
  void oneTooLarge_isRefused_unread() {
    MemoryFile large = MemoryFile.zeros("large.go", ModuleZip.MAX_ZIP_FILE + 1, 0);
    assertRefused("create zip: module source tree too large (max size is 524288000 bytes)",
        large);
    assertEquals(0, large.opens().get());
  }

  @Test
  void totalTooLarge_isRefused_unread() {
    MemoryFile small = MemoryFile.zeros("small.go", 10, 10);
    MemoryFile large = MemoryFile.zeros("large.go", ModuleZip.MAX_ZIP_FILE - 9, 0);
    assertRefused("create zip: module source tree too large (max size is 524288000 bytes)",
        small, large);
    assertEquals(0, small.opens().get() + large.opens().get());
  }

  @Test
  void totalLarge_exactlyTheLimit_isAccepted() throws Exception {
    // Declared sizes are what count; these streams are shorter than declared, as Go allows.
    MemoryFile small = MemoryFile.zeros("small.go", 10, 10);
    MemoryFile large = MemoryFile.zeros("large.go", ModuleZip.MAX_ZIP_FILE - 10, 1 << 20);
    String hash = ModuleZip.create(PATH, VERSION, List.of(small, large), new CountingSink());
    assertEquals(DirHash.hash1(List.of(
        digest(PATH + "@" + VERSION + "/small.go", 10),
        digest(PATH + "@" + VERSION + "/large.go", 1 << 20))), hash);
  }

  @Test
  void largeGoMod_andLicense_atTheirLimits_areZipped() throws Exception {
    ModuleZip.create(PATH, VERSION,
        List.of(MemoryFile.zeros("go.mod", ModuleZip.MAX_GO_MOD, ModuleZip.MAX_GO_MOD)),
        new CountingSink());
    ModuleZip.create(PATH, VERSION,
        List.of(MemoryFile.zeros("LICENSE", ModuleZip.MAX_LICENSE, ModuleZip.MAX_LICENSE)),
        new CountingSink());
  }

  @Test
  void tooLargeGoMod_isRefused_andNotEvenReadForItsGoLine() {
    MemoryFile goMod = MemoryFile.zeros("go.mod", ModuleZip.MAX_GO_MOD + 1,
        ModuleZip.MAX_GO_MOD + 1);
    assertRefused("create zip: go.mod: go.mod file too large (max size is 16777216 bytes)", goMod);
    assertEquals(0, goMod.opens().get());
  }

  @Test
  void tooLargeLicense_isRefused() {
    assertRefused("create zip: LICENSE: LICENSE file too large (max size is 16777216 bytes)",
        MemoryFile.zeros("LICENSE", ModuleZip.MAX_LICENSE + 1, 0));
  }

  @Test
  void onlyTheRootGoModAndLicense_haveTheirOwnLimits() throws Exception {
    ModuleZip.create(PATH, VERSION, List.of(
        MemoryFile.zeros("sub/LICENSE", ModuleZip.MAX_LICENSE + 1, 0),
        MemoryFile.zeros("license", ModuleZip.MAX_LICENSE + 1, 0)), new CountingSink());
  }

  @Test
  void negativeSize_isRefused() {
    assertRefused("create zip: module source tree too large (max size is 524288000 bytes)",
        MemoryFile.zeros("neg.go", Long.MIN_VALUE, 0));
  }

  @Test
  void sizeIsALie_isRefused() {
    assertRefused("create zip: file \"lie.go\" is larger than declared size",
        MemoryFile.of("lie.go", "package large").declaring(1));
  }

  @Test
  void aStreamFarLongerThanDeclared_isCutOffOneBytePastItsSize() {
    MemoryFile endless = MemoryFile.zeros("endless.go", 10, Long.MAX_VALUE);
    assertRefused("create zip: file \"endless.go\" is larger than declared size", endless);
    assertEquals(11, endless.bytesRead().get());
  }

  @Test
  void aStreamShorterThanDeclared_givesWhatItHas() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String hash = ModuleZip.create(PATH, VERSION,
        List.of(MemoryFile.of("short.go", "package short\n").declaring(1000)), out);
    Map<String, byte[]> zip = ModuleZipTest.readZip(out.toByteArray());
    assertArrayEquals("package short\n".getBytes(), zip.get(PATH + "@" + VERSION + "/short.go"));
    assertEquals(ModuleZipTest.sha256sumOfSha256sums(zip), hash);
  }

  @Test
  void aZipLargerThanItsLimit_isRefused() throws Exception {
    byte[] noise = new byte[4000];
    new Random(1).nextBytes(noise);
    List<MemoryFile> files = List.of(MemoryFile.of("noise.bin", noise));
    String hash = ModuleZip.create(PATH, VERSION, files, new CountingSink(), 8000);
    GoModuleException e = assertThrows(GoModuleException.BadModule.class,
        () -> ModuleZip.create(PATH, VERSION, files, new CountingSink(), 4000));
    assertTrue(e.getMessage().matches(
        "create zip: module zip file is too large \\(4\\d\\d\\d bytes; limit is 4000 bytes\\)"),
        e.getMessage());
    assertTrue(hash.startsWith("h1:"));
  }

  @Test
  void contentIsStreamedThrough_notGatheredFirst() throws Exception {
    // The sink must see zip bytes before the file has been read to its end.
    CountingSink out = new CountingSink();
    long length = 64L << 20;
    List<Long> sinkAtEachRead = new ArrayList<>();
    ModuleFile file = new ModuleFile() {
      @Override
      public String path() {
        return "big.bin";
      }

      @Override
      public long size() {
        return length;
      }

      @Override
      public boolean regular() {
        return true;
      }

      @Override
      public InputStream open() throws IOException {
        InputStream zeros = MemoryFile.zeros("big.bin", length, length).open();
        return new InputStream() {
          @Override
          public int read() throws IOException {
            throw new UnsupportedOperationException("read in blocks");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            sinkAtEachRead.add(out.count);
            return zeros.read(b, off, len);
          }
        };
      }
    };
    ModuleZip.create(PATH, VERSION, List.of(file), out);
    long beforeLastRead = sinkAtEachRead.get(sinkAtEachRead.size() - 1);
    assertTrue(beforeLastRead > out.count / 2,
        "only " + beforeLastRead + " of " + out.count + " bytes out before the end was read");
  }

  private static void assertRefused(String message, MemoryFile... files) {
    GoModuleException e = assertThrows(GoModuleException.BadModule.class,
        () -> ModuleZip.create(PATH, VERSION, List.of(files), new CountingSink()));
    assertEquals(message, e.getMessage());
  }

  /** {@code Hash1} of one file of {@code length} zeros, computed here. */
  private static String hashOfZeros(String name, long length) throws Exception {
    return DirHash.hash1(List.of(digest(name, length)));
  }

  private static DirHash.FileDigest digest(String name, long length) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] zeros = new byte[1 << 20];
    for (long left = length; left > 0; left -= zeros.length) {
      sha.update(zeros, 0, (int) Math.min(zeros.length, left));
    }
    return new DirHash.FileDigest(name, sha.digest());
  }

  /** Counts what is written and keeps none of it. */
  private static final class CountingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
