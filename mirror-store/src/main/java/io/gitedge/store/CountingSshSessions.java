package io.gitedge.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.FtpChannel;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.RemoteSession2;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.util.FS;

/**
 * JGit's SSH sessions to an upstream, with the bytes of each remote command's output (the
 * listing, the pack) counted for the sync's {@link SyncProgress}: JGit reads them from the
 * command's {@link Process#getInputStream()}, which is wrapped here. Everything else is the
 * delegate's, {@code GIT_PROTOCOL} included ({@link RemoteSession2}).
 */
final class CountingSshSessions extends SshSessionFactory {
  private final SshSessionFactory delegate;
  private final SyncTracker progress;

  CountingSshSessions(SshSessionFactory delegate, SyncTracker progress) {
    this.delegate = delegate;
    this.progress = progress;
    progress.countBytes();
  }

  @Override
  public RemoteSession getSession(URIish uri, CredentialsProvider credentials, FS fs, int tms)
      throws TransportException {
    return new Counted(delegate.getSession(uri, credentials, fs, tms));
  }

  @Override
  public String getType() {
    return delegate.getType();
  }

  @Override
  public void releaseSession(RemoteSession session) {
    delegate.releaseSession(session instanceof Counted c ? c.inner : session);
  }

  private final class Counted implements RemoteSession2 {
    final RemoteSession inner;

    Counted(RemoteSession inner) {
      this.inner = inner;
    }

    @Override
    public Process exec(String command, int timeout) throws IOException {
      return counted(inner.exec(command, timeout));
    }

    @Override
    public Process exec(String command, Map<String, String> environment, int timeout)
        throws IOException {
      return inner instanceof RemoteSession2 r ? counted(r.exec(command, environment, timeout))
          : exec(command, timeout);
    }

    @Override
    public FtpChannel getFtpChannel() {
      return inner.getFtpChannel();
    }

    @Override
    public void disconnect() {
      inner.disconnect();
    }
  }

  private Process counted(Process p) {
    InputStream out = new FilterInputStream(p.getInputStream()) {
      @Override
      public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
          progress.received(1);
        }
        return c;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          progress.received(n);
        }
        return n;
      }
    };
    return new Process() {
      @Override
      public OutputStream getOutputStream() {
        return p.getOutputStream();
      }

      @Override
      public InputStream getInputStream() {
        return out;
      }

      @Override
      public InputStream getErrorStream() {
        return p.getErrorStream();
      }

      @Override
      public int waitFor() throws InterruptedException {
        return p.waitFor();
      }

      @Override
      public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return p.waitFor(timeout, unit);
      }

      @Override
      public int exitValue() {
        return p.exitValue();
      }

      @Override
      public boolean isAlive() {
        return p.isAlive();
      }

      @Override
      public void destroy() {
        p.destroy();
      }

      @Override
      public Process destroyForcibly() {
        p.destroyForcibly();
        return this;
      }
    };
  }
}
