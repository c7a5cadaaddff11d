# Sourced by .ci/run: is a service answering, and how to start it on the CI machine.
# The start commands are the machine's documented ones (python-svc machines); each service
# listens on 127.0.0.1 on its usual port.

declare -A SERVICE_PORT=(
  [postgresql]=5432 [redis]=6379 [rabbitmq]=5672 [nats]=4222 [mosquitto]=1883 [mariadb]=3306
)

service_answers() {
  case "$1" in
    postgresql)
      if command -v pg_isready >/dev/null; then
        pg_isready -q -h 127.0.0.1 -p 5432 -t 2
      else
        psql -h 127.0.0.1 -U postgres -d test -tAc 'select 1' >/dev/null 2>&1
      fi
      ;;
    *) timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/${SERVICE_PORT[$1]}" 2>/dev/null ;;
  esac
}

service_start() {
  case "$1" in
    postgresql)
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
      ;;
    redis)
      redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
      ;;
    rabbitmq) rabbitmq-server -detached ;;
    mosquitto) mosquitto -d -c /etc/mosquitto/mosquitto.conf ;;
    nats)
      start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
        -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
      ;;
    mariadb) start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd ;;
    *) echo "no start command known for $1" >&2; return 1 ;;
  esac
}

# ensure_service NAME: answer, or start it and wait up to 60 s; fail naming the service.
ensure_service() {
  local name="$1" waited=0
  if service_answers "$name"; then
    echo "$name answers on 127.0.0.1:${SERVICE_PORT[$name]}"
    return 0
  fi
  echo "$name does not answer on 127.0.0.1:${SERVICE_PORT[$name]}; starting it"
  service_start "$name" || true
  while ! service_answers "$name"; do
    if ((waited >= 60)); then
      echo "CI: service $name still does not answer on 127.0.0.1:${SERVICE_PORT[$name]}" \
        "after 60 s; the tests need it" >&2
      return 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  echo "$name started and answers after ${waited}s"
}
