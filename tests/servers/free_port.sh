# Sourced by the start_*.sh scripts: free_port prints a TCP port on 127.0.0.1 that nothing
# listens on right now (random probing; the caller starts its server at once). Ports come from
# below the kernel's ephemeral range, so that no client connection can grab one meanwhile.
free_port() {
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "free_port: no free port found" >&2
  return 1
}

# wait_port PORT SECONDS [PID]: succeeds once something accepts connections on
# 127.0.0.1:PORT; fails at once if process PID (the server being started) has exited.
wait_port() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    [[ -n ${3:-} ]] && ! alive "$3" && return 1
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# alive PID: the process exists and is not a zombie (nothing may reap our servers here).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}
