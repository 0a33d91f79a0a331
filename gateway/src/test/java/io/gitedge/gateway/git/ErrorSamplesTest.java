package io.gitedge.gateway.git;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrorSamplesTest {
  @Test
  void thereIsASampleOfEveryErrorType() {
    assertEquals(ErrorSamples.types(),
        ErrorSamples.all().stream().map(Object::getClass).collect(Collectors.toSet()));
  }
}
