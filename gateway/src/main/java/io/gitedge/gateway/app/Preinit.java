package io.gitedge.gateway.app;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.LoggerFactory;

/**
 * Readies, on a second core, what a starting gateway needs later but cannot use yet: the HTTP
 * server's classes and the JVM's TLS engine, each a tenth to a quarter of a second of
 * class loading and static set-up that would otherwise run one after the other on the main
 * thread, behind the command line, the config and the mirror store. Nothing it builds is kept;
 * only the JVM's initialized classes remain. A failure here costs nothing but the head start.
 */
final class Preinit {
  private Preinit() {}

  /** Starts readying in a daemon thread and returns at once. */
  static void start() {
    Thread t = new Thread(Preinit::run, "gitedge-preinit");
    t.setDaemon(true);
    t.start();
  }

  private static void run() {
    try {
      new Server(new QueuedThreadPool()); // never started: no thread, no socket
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[0], new TrustManager[0], null); // no JVM CA list to parse
      tls.createSSLEngine().getSupportedCipherSuites();
    } catch (Exception | LinkageError e) {
      LoggerFactory.getLogger(Preinit.class).debug("start-up head start failed: {}", e.toString());
    }
  }
}
