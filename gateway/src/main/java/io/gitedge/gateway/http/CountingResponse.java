package io.gitedge.gateway.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/** Counts the body bytes a handler writes, for the response-bytes metric. Not thread-safe. */
final class CountingResponse extends HttpServletResponseWrapper {
  private long bytes;
  private ServletOutputStream stream;

  CountingResponse(HttpServletResponse rsp) {
    super(rsp);
  }

  long bytes() {
    return bytes;
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (stream == null) {
      ServletOutputStream out = super.getOutputStream();
      stream = new ServletOutputStream() {
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

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }

        @Override
        public boolean isReady() {
          return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener l) {
          out.setWriteListener(l);
        }
      };
    }
    return stream;
  }
}
