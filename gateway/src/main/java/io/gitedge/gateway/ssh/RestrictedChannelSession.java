package io.gitedge.gateway.ssh;

import io.gitedge.gateway.observe.LogText;
import java.io.IOException;
import java.util.List;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session channel that takes only what git needs: {@code exec}, a {@code shell} request (which
 * gets a one-line refusal), and the one environment variable {@code GIT_PROTOCOL}. Terminals,
 * X11, agent forwarding, subsystems (sftp) and every other variable are refused. MINA's default
 * request handlers (X11 and the like) are not installed.
 */
final class RestrictedChannelSession extends ChannelSession {
  private static final Logger log = LoggerFactory.getLogger(RestrictedChannelSession.class);

  /** Creates these channels, and only these, for a server. */
  static final ChannelFactory FACTORY = new ChannelFactory() {
    @Override
    public String getName() {
      return "session";
    }

    @Override
    public Channel createChannel(Session session) {
      return new RestrictedChannelSession();
    }
  };

  private RestrictedChannelSession() {
    super(List.of());
  }

  @Override
  protected RequestHandler.Result handlePtyReq(Buffer buffer, boolean wantReply) {
    return refuse("pty-req");
  }

  @Override
  protected RequestHandler.Result handleAgentForwarding(String type, Buffer buffer,
      boolean wantReply) {
    return refuse(type);
  }

  @Override
  protected RequestHandler.Result handleSubsystem(String type, Buffer buffer, boolean wantReply) {
    return refuse("subsystem");
  }

  @Override
  protected RequestHandler.Result handleEnvParsed(String name, String value) throws IOException {
    if ("GIT_PROTOCOL".equals(name)) {
      return super.handleEnvParsed(name, value);
    }
    return refuse("env " + LogText.printable(name));
  }

  private RequestHandler.Result refuse(String what) {
    log.info("refused {} on {}", what, getSession());
    return RequestHandler.Result.ReplyFailure;
  }
}
