package io.gitedge.gateway.ssh;

import java.io.IOException;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MINA's connection service with a cap on the channels one session holds open (OpenSSH's
 * MaxSessions): a channel over the cap gets {@code SSH_MSG_CHANNEL_OPEN_FAILURE} with reason
 * "resource shortage" and a line saying why, and the session and its other channels carry on.
 *
 * <p>MINA's own cap ({@code MAX_CONCURRENT_CHANNELS}) throws from {@code registerChannel}, and
 * the exception closes the whole session, killing the upload-packs already running on it; so
 * this check comes first, and MINA's stays behind it only as a backstop. Channel opens of one
 * session are handled one at a time, in order, so counting and registering cannot interleave.
 */
final class ChannelCap extends ServerConnectionServiceFactory {
  private static final Logger log = LoggerFactory.getLogger(ChannelCap.class);

  private final int maxChannels;

  /** @param maxChannels channels one session may hold open at once, at least 1 */
  ChannelCap(int maxChannels) {
    if (maxChannels < 1) {
      throw new IllegalArgumentException("maxChannels must be at least 1, got " + maxChannels);
    }
    this.maxChannels = maxChannels;
  }

  @Override
  public Service create(Session session) throws IOException {
    // no port-forwarding listener: the door forwards nothing
    return new Capped((AbstractServerSession) session);
  }

  private final class Capped extends ServerConnectionService {
    Capped(AbstractServerSession session) throws IOException {
      super(session);
    }

    @Override
    protected void channelOpen(Buffer buffer) throws Exception {
      int start = buffer.rpos();
      buffer.getString(); // channel type
      long sender = buffer.getUInt();
      buffer.rpos(start);
      int open = getChannels().size();
      if (open >= maxChannels) {
        log.warn("refused a channel on {}: {} open, at most {} per session", getSession(), open,
            maxChannels);
        sendChannelOpenFailure(buffer, sender, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE,
            "gitedge: at most " + maxChannels + " channels per session; close one first", "");
        return;
      }
      super.channelOpen(buffer);
    }
  }
}
