package io.gitedge.gateway.ssh;

import io.gitedge.auth.IdentitySource;
import io.gitedge.gateway.config.SshConfig;
import io.gitedge.gateway.git.ReadPath;
import io.gitedge.keys.SshHostKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.global.NoMoreSessionsHandler;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;

/**
 * The SSH listener: MINA SSHD serving {@code git-upload-pack} and nothing else.
 *
 * <p>Only public-key authentication is offered (keys and OpenSSH user certificates, through
 * {@link SshPublicKeyAuthenticator}); only session channels exist, and those take only exec
 * ({@link RestrictedChannelSession}); there is no port forwarding, agent forwarding, X11, sftp or
 * scp, and the shell gets a one-line refusal. Algorithms: MINA's defaults (strict key exchange,
 * no CBC ciphers) without anything SHA-1 based ({@code ssh-rsa} signatures, SHA-1 MACs and key
 * exchanges), and no compression (packs are compressed already). A connection must log in
 * within {@code authTimeout} of opening, with at most 6 failed keys; a session holds at most 4
 * channels (a fifth is refused by {@link ChannelCap}); idle sessions close after
 * {@code idleTimeout}, and a client that stops reading a pack after {@code ioTimeout}. Start
 * once, close once.
 */
public final class SshFrontDoor implements AutoCloseable {
  /** Channels one session may hold open (OpenSSH's MaxSessions); git uses one. */
  private static final int MAX_CHANNELS_PER_SESSION = 4;
  /** Failed keys a client may offer, as OpenSSH's MaxAuthTries counts them. */
  private static final int MAX_AUTH_TRIES = 6;

  private final ListeningServer server;
  private final ExecutorService workers;

  /**
   * @param identity asked about every key a client offers at login
   * @param reads the read path every command runs through (with this door's I/O timeout)
   * @param emptyDir the file system root MINA is given; nothing is ever served from it
   */
  public SshFrontDoor(SshConfig config, SshHostKeys hostKeys, IdentitySource identity,
      ReadPath reads, Path emptyDir) throws IOException {
    AtomicInteger n = new AtomicInteger();
    // one worker per running command, at most one per allowed session: a client opening many
    // channels gets "busy", never another thread
    this.workers = new ThreadPoolExecutor(0, config.maxSessions(), 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "gitedge-ssh-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    SshPublicKeyAuthenticator authenticator = new SshPublicKeyAuthenticator(identity);
    GitCommand.Services services = new GitCommand.Services(reads, workers);

    ListeningServer s = (ListeningServer) ServerBuilder.builder().factory(ListeningServer::new)
        .build();
    s.setHost(config.listenHost());
    s.setPort(config.listenPort());
    s.setKeyPairProvider(KeyPairProvider.wrap(hostKeys.keyPairs()));

    s.setUserAuthFactories(List.of(SigningKeyRecorder.FACTORY));
    s.setPublickeyAuthenticator(authenticator);
    s.setPasswordAuthenticator(null);
    s.setKeyboardInteractiveAuthenticator(null);
    s.setGSSAuthenticator(null);
    s.setHostBasedAuthenticator(null);

    s.setServiceFactories(List.of(ServerUserAuthServiceFactory.INSTANCE,
        new ChannelCap(MAX_CHANNELS_PER_SESSION)));
    s.setChannelFactories(List.of(RestrictedChannelSession.FACTORY));
    s.setGlobalRequestHandlers(List.of(KeepAliveHandler.INSTANCE, NoMoreSessionsHandler.INSTANCE));
    s.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    s.setAgentFactory(null);
    s.setSubsystemFactories(List.of());
    s.setShellFactory(channel -> new GitCommand(services, null));
    s.setCommandFactory((channel, command) -> new GitCommand(services, command));
    s.setFileSystemFactory(new VirtualFileSystemFactory(Files.createDirectories(emptyDir)));

    s.setKeyExchangeFactories(without(s.getKeyExchangeFactories(),
        name -> name.contains("sha1") || name.contains("group1-")));
    s.setCipherFactories(without(s.getCipherFactories(), name -> name.contains("cbc")));
    s.setMacFactories(without(s.getMacFactories(),
        name -> name.contains("sha1") || name.contains("md5")));
    s.setSignatureFactories(without(s.getSignatureFactories(), name -> name.equals("ssh-rsa")
        || name.startsWith("ssh-rsa-cert") || name.startsWith("ssh-dss")));
    s.setCompressionFactories(List.of(BuiltinCompressions.none));

    CoreModuleProperties.SERVER_IDENTIFICATION.set(s, "GitEdge");
    // counted from the connection's start: an idle or dripping connection is closed after this
    CoreModuleProperties.AUTH_TIMEOUT.set(s, config.authTimeout());
    // MINA counts publickey requests, not failures, and a key that works takes two of them (the
    // query, then the signature)
    CoreModuleProperties.MAX_AUTH_REQUESTS.set(s, MAX_AUTH_TRIES + 1);
    CoreModuleProperties.IDLE_TIMEOUT.set(s, config.idleTimeout());
    CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(s, config.ioTimeout());
    // ChannelCap refuses a channel over the cap on its own; MINA's check (which closes the whole
    // session) is only a backstop, so it must never trip first
    CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(s, MAX_CHANNELS_PER_SESSION);
    s.addSessionListener(new SessionLimiter(config.maxSessions(),
        config.maxSessionsPerAddress(), config.maxUnauthenticatedSessions()));
    this.server = s;
  }

  private static <T extends NamedResource> List<T> without(List<T> factories,
      Predicate<String> unwanted) {
    return factories.stream().filter(f -> !unwanted.test(f.getName())).toList();
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException when the address cannot be bound
   */
  public void start() throws IOException {
    server.start();
  }

  /**
   * Begins a drain: the listening socket closes, so new connections are refused, while sessions
   * already open go on (their commands run to the end, and may start new ones).
   */
  public void stopAccepting() {
    server.unbindListener();
  }

  /** The port actually bound. */
  public int port() {
    return server.getPort();
  }

  /** Sessions open now, logged in or not. */
  public int openSessions() {
    return server.getActiveSessions().size();
  }

  /** MINA's server with a way to stop listening and keep the sessions it has. */
  private static final class ListeningServer extends SshServer {
    void unbindListener() {
      if (acceptor != null) {
        acceptor.unbind();
      }
    }
  }

  /**
   * Closes after a drain: sessions close gracefully, so what a finished upload-pack wrote and a
   * slow client has not received yet (up to the client's channel window, megabytes) is sent
   * before the connection closes, for at most {@code max}; then {@link #close}.
   */
  public void closeFlushing(Duration max) {
    try {
      server.close(false).await(max);
    } catch (IOException e) {
      // closing anyway
    }
    close();
  }

  @Override
  public void close() {
    try {
      server.stop(true);
    } catch (IOException e) {
      // stopping anyway
    }
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
