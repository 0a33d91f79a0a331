# GitEdge's container image (README, "Operating a fleet"). Not built on the project's own
# machines, which have no container engine; build it where one runs:
#   docker build -t registry.example.com/gitedge:0.1.0 .
#   docker run --read-only --tmpfs /tmp -v gitedge-data:/var/lib/gitedge \
#     -v /etc/gitedge:/etc/gitedge/config:ro -p 443:8443 -p 22:2222 registry.example.com/gitedge:0.1.0

# 1. Build the jar (the same command as the launcher's own build).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl gateway -am package

# 2. Run it: a JRE, the launcher and the jar; nothing of the build.
FROM eclipse-temurin:17-jre AS runtime
# curl for the health check; the launcher needs bash, flock, find and sha1sum, which the base has
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 gitedge \
    && useradd --system --uid 10001 --gid gitedge --home-dir /var/lib/gitedge \
       --shell /usr/sbin/nologin gitedge \
    && install -d -o gitedge -g gitedge -m 0750 /var/lib/gitedge
COPY --from=build /src/gitedge /opt/gitedge/gitedge
COPY --from=build /src/gateway/target/gitedge.jar /opt/gitedge/lib/gitedge.jar
# The start-up cache, trained once here so that every container maps it from its first start
# (the root file system is read-only at run time, so it could not be trained there).
ENV GITEDGE_CACHE_DIR=/opt/gitedge/lib
RUN /opt/gitedge/gitedge train && chmod -R a+rX /opt/gitedge
USER 10001:10001
VOLUME /var/lib/gitedge
EXPOSE 8443 2222
# the config's http.listen port; -k: the certificate names publicUrl's host, not 127.0.0.1
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsk -o /dev/null https://127.0.0.1:8443/readyz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/gitedge/gitedge"]
CMD ["serve", "--config", "/etc/gitedge/config/gitedge.yaml"]
