package io.gitedge.gateway.ssh;

import io.gitedge.gateway.git.GatewayException;
import io.gitedge.gateway.git.ReadPath;
import io.gitedge.gateway.git.ReadSession;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec (or shell) request of an authenticated SSH session, translated to a
 * {@link ReadSession}: the signing key as credential, the command parsed strictly, upload-pack
 * over the channel; every refusal is a {@link GatewayException} that {@link SshErrorMapper} turns
 * into a stderr line and an exit status. Runs on the door's worker pool, never on an I/O thread.
 */
final class GitCommand implements Command {
  private static final Logger log = LoggerFactory.getLogger(GitCommand.class);

  /** What the door lends every command. */
  record Services(ReadPath reads, ExecutorService workers) {}

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
        task = services.workers().submit(() -> run(channel, protocol));
      } catch (RejectedExecutionException e) {
        log.warn("SSH command refused: all workers are busy");
        ReadSession session = services.reads().open(request());
        GatewayException busy = new GatewayException.Busy();
        SshErrorMapper.tell(err, busy);
        end(session, SshErrorMapper.exitCode(busy), 0);
      }
    }
  }

  private void run(ChannelSession channel, String protocol) {
    ServerSession ssh = channel.getServerSession();
    ReadSession session = services.reads().open(request());
    Runnable hangUp = () -> {
      if (!channel.isClosing()) {
        log.info("SSH client {} stopped reading; closing its channel", ssh.getClientAddress());
        channel.close(true);
      }
    };
    GuardedStream counted = new GuardedStream(out, hangUp);
    OutputStream err = new GuardedStream(this.err, hangUp);
    int status = SshErrorMapper.UPLOAD_FAILED;
    try {
      session.authenticate(Optional.of(SshPublicKeyAuthenticator.signedCredential(ssh)));
      if (command == null) {
        session.service("shell");
        throw GatewayException.NotServed.shell(session.caller().name());
      }
      ExecRequest req = ExecRequest.parseOrRefuse(command, session.caller().name());
      session.service(req.program());
      switch (req.program()) {
        case ExecRequest.RECEIVE_PACK:
          throw session.refusePush(req.repository());
        case ExecRequest.UPLOAD_ARCHIVE:
          session.authorize(req.repository());
          throw GatewayException.NotServed.archive();
        default:
          boolean done = session.fetch(session.openForAdvertisement(req.repository()), protocol,
              in, counted, err);
          status = done ? 0 : SshErrorMapper.UPLOAD_FAILED;
      }
    } catch (Exception e) {
      GatewayException refusal = session.failure(e);
      SshErrorMapper.tell(err, refusal);
      status = SshErrorMapper.exitCode(refusal);
    } finally {
      end(session, status, counted.bytes);
    }
  }

  private String request() {
    return command == null ? "shell" : command;
  }

  /** Accounts for the request and ends the command with {@code status}. */
  private void end(ReadSession session, int status, long bytes) {
    session.finish(status, bytes);
    exit.onExit(status);
  }

  @Override
  public synchronized void destroy(ChannelSession channel) {
    destroyed = true;
    if (task != null) {
      task.cancel(true);
    }
  }

  /**
   * Counts bytes sent, for the metrics, and hangs up when a write times out (MINA's wait for the
   * client's window, or upload-pack's own I/O timeout): the client has stopped reading, so
   * nothing more can reach it, and every further write (upload-pack's error, ours on stderr,
   * which share the channel's window) would wait out the timeout again.
   */
  private static final class GuardedStream extends FilterOutputStream {
    private final Runnable hangUp;
    long bytes;

    GuardedStream(OutputStream out, Runnable hangUp) {
      super(out);
      this.hangUp = hangUp;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (InterruptedIOException timedOut) {
        hangUp.run();
        throw timedOut;
      }
      bytes += len;
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (InterruptedIOException timedOut) {
        hangUp.run();
        throw timedOut;
      }
    }
  }
}
