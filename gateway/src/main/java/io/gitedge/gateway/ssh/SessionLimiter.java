package io.gitedge.gateway.ssh;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps open SSH sessions, so that neither one client nor a flood of idle connections can take
 * every slot: over all clients, per client (an IPv4 address or an IPv6 /64, since one host
 * commonly holds a whole /64), and for sessions that have not authenticated yet (like OpenSSH's
 * MaxStartups, so connections that never log in cannot lock out those that do). A session over
 * a cap is closed as soon as it is created. Thread-safe; the counts change under one lock.
 */
final class SessionLimiter implements SessionListener {
  private static final Logger log = LoggerFactory.getLogger(SessionLimiter.class);
  private static final AttributeRepository.AttributeKey<String> CLIENT =
      new AttributeRepository.AttributeKey<>();
  private static final AttributeRepository.AttributeKey<Boolean> UNAUTHENTICATED =
      new AttributeRepository.AttributeKey<>();

  private final int max;
  private final int maxPerClient;
  private final int maxUnauthenticated;
  private final Map<String, Integer> perClient = new HashMap<>();
  private int open;
  private int unauthenticated;

  SessionLimiter(int max, int maxPerClient, int maxUnauthenticated) {
    this.max = max;
    this.maxPerClient = maxPerClient;
    this.maxUnauthenticated = maxUnauthenticated;
  }

  @Override
  public void sessionCreated(Session session) {
    String client = client(session.getRemoteAddress());
    boolean over;
    int total;
    int fromClient;
    int waiting;
    synchronized (this) {
      total = ++open;
      fromClient = perClient.merge(client, 1, Integer::sum);
      waiting = ++unauthenticated;
      session.setAttribute(CLIENT, client);
      session.setAttribute(UNAUTHENTICATED, Boolean.TRUE);
      over = total > max || fromClient > maxPerClient || waiting > maxUnauthenticated;
    }
    if (over) {
      log.warn("closing SSH session from {}: {} open (cap {}), {} from this client (cap {}), {}"
          + " not yet authenticated (cap {})", client, total, max, fromClient, maxPerClient,
          waiting, maxUnauthenticated);
      session.close(true);
    }
  }

  @Override
  public void sessionEvent(Session session, Event event) {
    if (event == Event.Authenticated) {
      synchronized (this) {
        if (session.removeAttribute(UNAUTHENTICATED) != null) {
          unauthenticated--;
        }
      }
    }
  }

  @Override
  public void sessionClosed(Session session) {
    synchronized (this) {
      String client = session.removeAttribute(CLIENT);
      if (client == null) {
        return;
      }
      open--;
      perClient.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
      if (session.removeAttribute(UNAUTHENTICATED) != null) {
        unauthenticated--;
      }
    }
  }

  /** The client's address, or for IPv6 its /64 network. */
  static String client(SocketAddress a) {
    InetAddress address = a instanceof InetSocketAddress i ? i.getAddress()
        : InetAddress.getLoopbackAddress();
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      return HexFormat.of().formatHex(b, 0, 8) + "::/64";
    }
    return address.getHostAddress();
  }
}
