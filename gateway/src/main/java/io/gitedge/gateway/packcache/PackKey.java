package io.gitedge.gateway.packcache;

import io.gitedge.store.MirrorName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a cached response is stored under: the mirror, and a SHA-256 over the mirror's name, its
 * refs ({@link RefsSnapshot}) and the normal form of the request ({@link PackRequest}). A key
 * made before a ref moved never equals one made after, so an entry can only be found while the
 * refs it was computed from are the mirror's refs. Immutable.
 *
 * @param id 64 lower-case hex digits
 */
record PackKey(MirrorName mirror, String id) {
  static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

  PackKey {
    Objects.requireNonNull(mirror, "mirror");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a key id: " + id);
    }
  }

  static PackKey of(MirrorName mirror, RefsSnapshot refs, PackRequest request) {
    MessageDigest md = RefsSnapshot.sha256();
    md.update("gitedge pack cache key 1\n".getBytes(StandardCharsets.US_ASCII));
    md.update((mirror.value() + "\n").getBytes(StandardCharsets.UTF_8));
    md.update(refs.digest());
    md.update((byte) '\n');
    request.digestInto(md);
    return new PackKey(mirror, HexFormat.of().formatHex(md.digest()));
  }
}
