package io.gitedge.gateway.ssh;

import io.gitedge.auth.Principal;
import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.git.MirrorResolver;
import io.gitedge.gateway.git.ResolvedMirror;
import io.gitedge.gateway.git.UploadPackFactory;
import io.gitedge.gateway.observe.GatewayMetrics;
import io.gitedge.gateway.observe.LogText;
import io.gitedge.sync.SyncPlan;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.UploadPackInternalServerErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec (or shell) request of an authenticated SSH session, translated to the shared read
 * path: find the caller, parse the command, resolve the mirror, run the read-only
 * {@link UploadPack}. Pushes, archives, shells and every other command get a one-line refusal and
 * a non-zero exit status. Runs on the door's worker pool, never on an I/O thread.
 */
final class GitCommand implements Command {
  private static final Logger log = LoggerFactory.getLogger(GitCommand.class);

  /** What the door lends every command. */
  record Services(SshPublicKeyAuthenticator authenticator, MirrorResolver resolver,
      UploadPackFactory uploadPacks, GatewayMetrics metrics, ExecutorService workers,
      int maxWorkers) {}

  private final Services services;
  private final String command;
  private InputStream in;
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exit;
  private Future<?> task; // guarded by this
  private boolean destroyed; // guarded by this

  /** @param command the exec command, or null for a shell request */
  GitCommand(Services services, String command) {
    this.services = services;
    this.command = command;
  }

  @Override
  public void setInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback exit) {
    this.exit = exit;
  }

  @Override
  public void start(ChannelSession channel, Environment env) throws IOException {
    String protocol = env.getEnv().get("GIT_PROTOCOL");
    synchronized (this) {
      if (destroyed) {
        return;
      }
      try {
        task = services.workers().submit(() -> run(channel.getServerSession(), protocol));
      } catch (RejectedExecutionException e) {
        log.warn("SSH command refused: all {} workers are busy", services.maxWorkers());
        exit.onExit(refuse("gitedge: the gateway is busy; try again shortly\n", 1));
      }
    }
  }

  private void run(ServerSession session, String protocol) {
    long started = System.nanoTime();
    CountingStream counted = new CountingStream(out);
    String service = "refused";
    String user = "-";
    int status = 128;
    services.metrics().activity().begin();
    try {
      Principal caller = services.authenticator().principal(session);
      user = caller.name();
      if (command == null) {
        service = "shell";
        status = refuse("gitedge: hi " + user + "! You are authenticated, but this gateway serves"
            + " git fetches only; there is no shell.\n", 1);
      } else {
        Optional<ExecRequest> req = ExecRequest.parse(command);
        if (req.isEmpty() && ExecRequest.namesGitService(command)) {
          log.info("malformed git command from {}: {}", user, LogText.printable(command));
          throw new GatewayException.MirrorNotFound();
        } else if (req.isEmpty()) {
          status = refuse("gitedge: only git-upload-pack is served here\n", 1);
        } else {
          service = req.get().program();
          status = serve(caller, req.get(), protocol, counted);
        }
      }
    } catch (GatewayException e) {
      status = refuse(SshErrorMapper.message(e), SshErrorMapper.exitCode(e));
    } catch (RuntimeException e) {
      // a fault of ours: the client gets a plain line, the details stay in the log
      log.warn("ssh {} failed", LogText.printable(command), e);
      status = refuse("gitedge: internal error; the gateway's log has the details\n", 128);
    } finally {
      services.metrics().activity().end();
      services.metrics().request("ssh", service, status, counted.bytes);
      log.info("ssh {} {} {} {} {}B {}ms", service, LogText.printable(command), status, user,
          counted.bytes, (System.nanoTime() - started) / 1_000_000);
      exit.onExit(status);
    }
  }

  private int serve(Principal caller, ExecRequest req, String protocol, OutputStream counted)
      throws GatewayException {
    switch (req.program()) {
      case ExecRequest.RECEIVE_PACK: {
        SyncPlan m = services.resolver().authorize(caller, req.repository());
        log.info("refused push by {} to read-only mirror {}", caller.name(), m.name());
        throw new GatewayException.ReadOnly(m.name().value(), m.upstream().url());
      }
      case ExecRequest.UPLOAD_ARCHIVE:
        services.resolver().authorize(caller, req.repository());
        return refuse("gitedge: git archive --remote is not served; clone or fetch instead\n", 1);
      default:
        break;
    }
    ResolvedMirror m = services.resolver().resolveForAdvertisement(caller, req.repository());
    try (UploadPack up = services.uploadPacks().create(m,
        UploadPackFactory.protocolParameters(protocol))) {
      up.upload(in, counted, err);
      counted.flush();
      return 0;
    } catch (UploadPackInternalServerErrorException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof PackProtocolException || cause instanceof InterruptedIOException) {
        log.info("upload-pack of {} for {} ended: {}", m.mirror().name(), caller.name(),
            cause.toString());
      } else {
        log.warn("upload-pack of {} for {} failed", m.mirror().name(), caller.name(), cause);
      }
      return 128;
    } catch (IOException e) {
      log.info("upload-pack of {} for {} ended early: {}", m.mirror().name(), caller.name(),
          e.toString());
      return 128;
    }
  }

  private int refuse(String message, int status) {
    try {
      err.write(message.getBytes(StandardCharsets.UTF_8));
      err.flush();
    } catch (IOException e) {
      log.debug("could not tell the client: {}", e.toString());
    }
    return status;
  }

  @Override
  public synchronized void destroy(ChannelSession channel) {
    destroyed = true;
    if (task != null) {
      task.cancel(true);
    }
  }

  /** Counts bytes sent, for the metrics. */
  private static final class CountingStream extends FilterOutputStream {
    long bytes;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      bytes += len;
    }
  }
}
