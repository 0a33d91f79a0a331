package io.gitedge.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.URL;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.JDKHttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JGit HTTP connections that end a sync at its {@link FetchDeadline}, however the upstream
 * sends: connect and read timeouts are cut to the time left; every read of an answer checks the
 * deadline (an upstream that drips bytes makes every read return, so no timeout trips); and at
 * the deadline a watchdog disconnects the connections still open, which ends a read blocked
 * inside the JDK, such as {@code getResponseCode()} reading headers a byte at a time. An error
 * after the deadline names it. {@link #close()} stops the watchdog. Every byte read of an answer
 * is counted for the sync's {@link SyncProgress} (one addition per read).
 */
final class DeadlineConnections implements HttpConnectionFactory, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeadlineConnections.class);

  private final HttpConnectionFactory delegate;
  private final FetchDeadline deadline;
  private final SyncTracker progress;
  private final Set<HttpURLConnection> open = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService watchdog; // guarded by this

  DeadlineConnections(HttpConnectionFactory delegate, FetchDeadline deadline,
      SyncTracker progress) {
    this.delegate = delegate;
    this.deadline = deadline;
    this.progress = progress;
    progress.countBytes();
  }

  @Override
  public HttpConnection create(URL url) throws IOException {
    deadline.check();
    return watched(delegate.create(url));
  }

  @Override
  public HttpConnection create(URL url, Proxy proxy) throws IOException {
    deadline.check();
    return watched(delegate.create(url, proxy));
  }

  private HttpConnection watched(HttpConnection c) {
    HttpURLConnection jdk = jdkConnection(c);
    if (jdk != null) {
      open.add(jdk);
      synchronized (this) {
        if (watchdog == null) {
          watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gitedge-fetch-deadline");
            t.setDaemon(true);
            return t;
          });
          // a millisecond past it: the time left is rounded down, and a read the watchdog
          // breaks before the deadline has passed would not be named after it
          watchdog.schedule(this::disconnectAll, deadline.remainingMillis() + 1L,
              TimeUnit.MILLISECONDS);
        }
      }
    }
    return new Bounded(c);
  }

  private void disconnectAll() {
    for (HttpURLConnection c : open) {
      c.disconnect(); // closes the socket: a read blocked on it throws
    }
  }

  /**
   * The JDK connection inside JGit's, to disconnect it from the watchdog's thread; JGit's
   * {@link HttpConnection} has no way to abort a request. Null (reads bounded only by the
   * checks and timeouts) if JGit's class has changed.
   */
  private static HttpURLConnection jdkConnection(HttpConnection c) {
    if (!(c instanceof JDKHttpConnection)) {
      return null;
    }
    try {
      Field f = JDKHttpConnection.class.getDeclaredField("wrappedUrlConnection");
      f.setAccessible(true);
      return (HttpURLConnection) f.get(c);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("cannot reach the JDK connection of {}: {}", c.getURL(), e.toString());
      return null;
    }
  }

  @Override
  public synchronized void close() {
    if (watchdog != null) {
      watchdog.shutdownNow();
    }
    open.clear();
  }

  /** {@code e}, or once the deadline has passed an error that says so. */
  private IOException named(IOException e) {
    if (deadline.passed()) {
      try {
        deadline.check();
      } catch (IOException passed) {
        passed.initCause(e);
        return passed;
      }
    }
    return e;
  }

  /** One connection, its timeouts and reads bounded by the deadline. */
  private final class Bounded implements HttpConnection {
    private final HttpConnection c;

    Bounded(HttpConnection c) {
      this.c = c;
      c.setConnectTimeout(deadline.remainingMillis());
      c.setReadTimeout(deadline.remainingMillis());
    }

    @Override
    public void setConnectTimeout(int ms) {
      c.setConnectTimeout(bounded(ms));
    }

    @Override
    public void setReadTimeout(int ms) {
      c.setReadTimeout(bounded(ms));
    }

    /** {@code ms} (0: none) or the time left, whichever is shorter. */
    private int bounded(int ms) {
      int left = deadline.remainingMillis();
      return ms <= 0 ? left : Math.min(ms, left);
    }

    @Override
    public void connect() throws IOException {
      deadline.check();
      try {
        c.connect();
      } catch (IOException e) {
        throw named(e);
      }
    }

    @Override
    public int getResponseCode() throws IOException {
      deadline.check();
      try {
        return c.getResponseCode();
      } catch (IOException e) {
        throw named(e);
      }
    }

    @Override
    public InputStream getInputStream() throws IOException {
      deadline.check();
      InputStream in;
      try {
        in = c.getInputStream();
      } catch (IOException e) {
        throw named(e);
      }
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          deadline.check();
          try {
            int c = super.read();
            if (c >= 0) {
              progress.received(1);
            }
            return c;
          } catch (IOException e) {
            throw named(e);
          }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          deadline.check();
          try {
            int n = super.read(b, off, len);
            if (n > 0) {
              progress.received(n);
            }
            return n;
          } catch (IOException e) {
            throw named(e);
          }
        }
      };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      deadline.check();
      try {
        return c.getOutputStream();
      } catch (IOException e) {
        throw named(e);
      }
    }

    // ------------------------------------------------------------ the rest as it is

    @Override
    public URL getURL() {
      return c.getURL();
    }

    @Override
    public String getResponseMessage() throws IOException {
      return c.getResponseMessage();
    }

    @Override
    public Map<String, List<String>> getHeaderFields() {
      return c.getHeaderFields();
    }

    @Override
    public void setRequestProperty(String key, String value) {
      c.setRequestProperty(key, value);
    }

    @Override
    public void setRequestMethod(String method) throws ProtocolException {
      c.setRequestMethod(method);
    }

    @Override
    public void setUseCaches(boolean usecaches) {
      c.setUseCaches(usecaches);
    }

    @Override
    public String getContentType() {
      return c.getContentType();
    }

    @Override
    public String getHeaderField(String name) {
      return c.getHeaderField(name);
    }

    @Override
    public List<String> getHeaderFields(String name) {
      return c.getHeaderFields(name);
    }

    @Override
    public int getContentLength() {
      return c.getContentLength();
    }

    @Override
    public void setInstanceFollowRedirects(boolean followRedirects) {
      c.setInstanceFollowRedirects(followRedirects);
    }

    @Override
    public void setDoOutput(boolean dooutput) {
      c.setDoOutput(dooutput);
    }

    @Override
    public void setFixedLengthStreamingMode(int contentLength) {
      c.setFixedLengthStreamingMode(contentLength);
    }

    @Override
    public void setChunkedStreamingMode(int chunklen) {
      c.setChunkedStreamingMode(chunklen);
    }

    @Override
    public String getRequestMethod() {
      return c.getRequestMethod();
    }

    @Override
    public boolean usingProxy() {
      return c.usingProxy();
    }

    @Override
    public void configure(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws NoSuchAlgorithmException, KeyManagementException {
      c.configure(km, tm, random);
    }

    @Override
    public void setHostnameVerifier(HostnameVerifier hostnameverifier)
        throws NoSuchAlgorithmException, KeyManagementException {
      c.setHostnameVerifier(hostnameverifier);
    }
  }
}
