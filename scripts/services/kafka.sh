# shellcheck shell=bash
# Sourced by scripts/services.sh: an Apache Kafka 4.1.1 broker in KRaft combined mode (one node is both
# broker and controller). The jars come from Maven Central through scripts/kafka/pom.xml, so no
# download from anywhere but a package registry is needed.

KAFKA_VERSION=4.1.1
KAFKA_HOME="$HEARTH_CACHE/kafka-$KAFKA_VERSION"
KAFKA_DATA="$HEARTH_CACHE/kafka-data"
KAFKA_PID="$RUN_DIR/kafka.pid"
KAFKA_LOG="$RUN_DIR/kafka.log"
KAFKA_POM="$HEARTH_REPO/scripts/kafka/pom.xml"

# Re-resolves the jars whenever the pom changes (the stamp holds the pom's hash).
kafka_libs() {
  local want have=""
  want="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  [ -f "$KAFKA_HOME/libs/.pom.sha256" ] && have="$(cat "$KAFKA_HOME/libs/.pom.sha256")"
  [ "$want" = "$have" ] && return
  command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null 2>&1 || apt_install maven
  say "kafka: resolving broker jars from Maven Central"
  rm -rf "$KAFKA_HOME/libs.tmp"
  mkdir -p "$RUN_DIR"
  mvn -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_HOME/libs.tmp" >"$RUN_DIR/kafka-mvn.log" 2>&1 || {
    tail -n 30 "$RUN_DIR/kafka-mvn.log" >&2
    die "kafka: mvn dependency:copy-dependencies failed; log: $RUN_DIR/kafka-mvn.log"
  }
  rm -rf "$KAFKA_HOME/libs"
  mv "$KAFKA_HOME/libs.tmp" "$KAFKA_HOME/libs"
  echo "$want" >"$KAFKA_HOME/libs/.pom.sha256"
}

kafka_config() {
  mkdir -p "$KAFKA_HOME/config" "$KAFKA_DATA"
  cat >"$KAFKA_HOME/config/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=4
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  # Console to stdout (redirected to the log file); quiet except for the start-up line we wait for.
  cat >"$KAFKA_HOME/config/log4j2.yaml" <<'EOF'
Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
      - name: kafka.Kafka
        level: INFO
EOF
}

# Formats the log dirs once; meta.properties marks a formatted directory.
kafka_format() {
  local cluster_id
  [ -f "$KAFKA_DATA/meta.properties" ] && return
  # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding.
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  say "kafka: formatting storage (cluster $cluster_id)"
  (cd "$KAFKA_HOME" && java -Xmx256m -Dlog4j2.configurationFile="$KAFKA_HOME/config/log4j2.yaml" \
    -cp 'libs/*' kafka.tools.StorageTool format -t "$cluster_id" \
    -c config/server.properties --standalone) >"$RUN_DIR/kafka-format.log" 2>&1 ||
    die "kafka: storage format failed; log: $RUN_DIR/kafka-format.log"
}

kafka_ready() {
  port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$KAFKA_LOG"
}

kafka_start() {
  if pid_alive "$KAFKA_PID" kafka.Kafka; then
    say "kafka already running (pid $(cat "$KAFKA_PID"))"
    return
  fi
  if port_open "$KAFKA_PORT"; then
    say "kafka: reusing a broker already listening on $KAFKA_PORT (not started by this script)"
    return
  fi
  kafka_libs
  kafka_config
  kafka_format
  say "kafka starting"
  # setsid: the broker outlives this script and the terminal or CI step that ran it.
  (cd "$KAFKA_HOME" && exec setsid java -Xms256m -Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_HOME/config/log4j2.yaml" \
    -cp 'libs/*' kafka.Kafka config/server.properties) >"$KAFKA_LOG" 2>&1 </dev/null &
  echo $! >"$KAFKA_PID"
}

kafka_wait() {
  # A broker not started by us (port reused) has no log of ours: the open port is enough then.
  if ! pid_alive "$KAFKA_PID" kafka.Kafka && port_open "$KAFKA_PORT"; then return; fi
  wait_healthy kafka 120 "$KAFKA_LOG" "$KAFKA_PID" kafka.Kafka kafka_ready
}

kafka_stop() {
  # A controlled shutdown of a combined node takes a few seconds.
  stop_pid kafka "$KAFKA_PID" 30 kafka.Kafka
}

kafka_status() {
  if port_open "$KAFKA_PORT"; then echo "kafka     up    localhost:$KAFKA_PORT"; else echo "kafka     down"; return 1; fi
}
