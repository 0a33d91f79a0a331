package io.gitedge.gateway.ssh;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps open SSH sessions, over all clients and per client address, so one client (or a flood of
 * idle connections) cannot take every slot: a session over a cap is closed as soon as it is
 * created, before any key exchange. Thread-safe.
 */
final class SessionLimiter implements SessionListener {
  private static final Logger log = LoggerFactory.getLogger(SessionLimiter.class);
  private static final AttributeRepository.AttributeKey<InetAddress> COUNTED =
      new AttributeRepository.AttributeKey<>();

  private final int max;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

  SessionLimiter(int max, int maxPerAddress) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
  }

  @Override
  public void sessionCreated(Session session) {
    InetAddress address = address(session.getRemoteAddress());
    int total = open.incrementAndGet();
    int fromAddress = perAddress.computeIfAbsent(address, a -> new AtomicInteger())
        .incrementAndGet();
    session.setAttribute(COUNTED, address);
    if (total > max || fromAddress > maxPerAddress) {
      log.warn("closing SSH session from {}: {} open in all (cap {}), {} from it (cap {})",
          address.getHostAddress(), total, max, fromAddress, maxPerAddress);
      session.close(true);
    }
  }

  @Override
  public void sessionClosed(Session session) {
    InetAddress address = session.removeAttribute(COUNTED);
    if (address == null) {
      return;
    }
    open.decrementAndGet();
    perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  private static InetAddress address(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i.getAddress() : InetAddress.getLoopbackAddress();
  }
}
