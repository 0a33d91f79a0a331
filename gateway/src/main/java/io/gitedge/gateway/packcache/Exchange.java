package io.gitedge.gateway.packcache;

import io.gitedge.gateway.packcache.PackCache.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jgit.lib.Repository;

/**
 * One upload-pack request as the pack cache sees it, driven by {@link PackCache#serve}: the
 * stored response on a hit; otherwise the request replayed for upload-pack and, for the leader
 * of a single flight, a recorder that stores the response on {@link #close} if upload-pack
 * completed and the refs did not move meanwhile. Not thread-safe.
 */
final class Exchange implements AutoCloseable {
  /**
   * The leader's side of a single flight: what it must store, the refs it was computed for, and
   * the map its followers wait in.
   */
  record Flight(PackKey key, CompletableFuture<Void> done, Repository repo, RefsSnapshot refs,
      Map<PackKey, CompletableFuture<Void>> flights) {}

  private final Result result;
  private final InputStream request;
  private final CachedPack cached;
  private final Flight flight;
  private final Tiers tiers;
  private PackRecorder recorder;
  private boolean completed;

  private Exchange(Result result, InputStream request, CachedPack cached, Flight flight,
      Tiers tiers) {
    this.result = result;
    this.request = request;
    this.cached = cached;
    this.flight = flight;
    this.tiers = tiers;
  }

  /** The cache is off or closed: the body goes to upload-pack as it came, not even read. */
  static Exchange untouched(InputStream body) {
    return new Exchange(Result.BYPASS, body, null, null, null);
  }

  /** Not cacheable: upload-pack gets the replayed request. */
  static Exchange bypass(InputStream replay) {
    return new Exchange(Result.BYPASS, replay, null, null, null);
  }

  /** Answered from {@code stored}. */
  static Exchange hit(InputStream replay, CachedPack stored) {
    return new Exchange(Result.HIT, replay, stored, null, null);
  }

  /** Cacheable, but another request leads: upload-pack runs without recording. */
  static Exchange follower(InputStream replay) {
    return new Exchange(Result.MISS, replay, null, null, null);
  }

  /** Cacheable, and this request leads {@code flight}: upload-pack runs and is recorded. */
  static Exchange leader(InputStream replay, Flight flight, Tiers tiers) {
    return new Exchange(Result.MISS, replay, null, flight, tiers);
  }

  Result result() {
    return result;
  }

  /** The stored response to send, on a hit; null otherwise. */
  CachedPack cached() {
    return cached;
  }

  /** The request body from its first byte, for upload-pack. */
  InputStream request() {
    return request;
  }

  /** The stream upload-pack should write to: {@code response}, copied when recording. */
  OutputStream record(OutputStream response) {
    if (flight == null) {
      return response;
    }
    recorder = tiers.recorder(response, flight.key());
    return recorder;
  }

  /** Upload-pack finished without an exception: its response may be stored. */
  void completed() {
    completed = true;
  }

  /** Stores the response if it may be, releases waiting requests, closes a cached file. */
  @Override
  public void close() throws IOException {
    try {
      if (flight != null) {
        try {
          if (recorder != null && completed && sameRefs()) {
            tiers.store(recorder);
          } else if (recorder != null) {
            recorder.drop();
          }
        } finally {
          flight.flights().remove(flight.key(), flight.done());
          flight.done().complete(null);
        }
      }
    } finally {
      if (cached != null) {
        cached.close();
      }
    }
  }

  private boolean sameRefs() {
    try {
      return RefsSnapshot.of(flight.repo()).sameRefs(flight.refs());
    } catch (IOException e) {
      return false;
    }
  }
}
