package io.gitedge.gateway.git;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.pack.PackConfig;
import org.eclipse.jgit.transport.TransferConfig;
import org.eclipse.jgit.transport.UploadPack;

/**
 * The one read-only {@link UploadPack} configuration every front door serves with, so HTTPS and
 * SSH behave alike: protocol v0 and v2, shallow fetches, partial clone filters
 * ({@code blob:none}, {@code blob:limit}, {@code tree:N}), and wants for any commit reachable from
 * an advertised ref (what {@code git submodule update} sends for a pinned commit).
 *
 * <p>Transfer and pack settings come from this class, not from the mirror's or the service
 * account's git config, so a stray {@code ~/.gitconfig} cannot change what clients get. There is
 * no receive-pack counterpart: nothing in GitEdge can write to a mirror on a client's behalf.
 * Immutable and thread-safe; each request gets a fresh {@link UploadPack}.
 */
public final class UploadPackFactory {
  private final TransferConfig transferConfig;
  private final PackConfig packConfig;
  private final int timeoutSeconds;

  public UploadPackFactory(Duration ioTimeout) {
    Config c = new Config();
    c.setBoolean("uploadpack", null, "allowFilter", true);
    c.setBoolean("uploadpack", null, "allowReachableSHA1InWant", true);
    c.setString("protocol", null, "version", "2");
    this.transferConfig = new TransferConfig(c);
    this.packConfig = new PackConfig(c);
    this.timeoutSeconds = (int) Math.max(1, ioTimeout.toSeconds());
  }

  /**
   * A new UploadPack for {@code mirror}.
   *
   * @param protocolParameters the client's {@code Git-Protocol} header or {@code GIT_PROTOCOL}
   *     variable split on {@code :}, e.g. {@code [version=2]}; empty for protocol v0
   */
  public UploadPack create(ResolvedMirror mirror, List<String> protocolParameters) {
    UploadPack up = new UploadPack(mirror.mirror().repository());
    up.setTransferConfig(transferConfig);
    up.setPackConfig(packConfig);
    up.setTimeout(timeoutSeconds);
    up.setExtraParameters(protocolParameters);
    return up;
  }

  /** Splits a {@code Git-Protocol} value ({@code version=2:other}) into parameters. */
  public static List<String> protocolParameters(String header) {
    if (header == null || header.isBlank()) {
      return List.of();
    }
    return Arrays.stream(header.split(":")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
