// The socket transport of the pool <-> worker line protocol (backends/compute/localhost_pool.h),
// for workers the pool cannot hand pipes to: Slurm array elements, or anything started
// elsewhere that can open a TCP connection back to the pool.
//
// Pool side: a WorkerSocketListener listens on an address the workers reach. For each worker
// it wants, the pool calls expect() and gets a pipe pair, exactly as if it had started a local
// process: it writes protocol lines to `to_worker` and reads the worker's lines from
// `from_worker`. A relay thread matches each worker that connects (and proves it knows the
// job's secret) to the oldest slot still waiting, then copies bytes both ways. Until a worker
// connects, what the pool writes is buffered (the pool never blocks on an absent worker);
// when the worker's connection ends, `from_worker` reaches EOF; when the pool closes
// `to_worker`, the worker's side of the socket reaches EOF (no more work). A worker that
// connects when no slot waits is closed at once: it reads EOF and exits, as "no more work".
//
// Worker side (runtime/connect_back.h): `lithops-runtime worker --connect HOST:PORT` reads the
// secret from the file named by $LITHOPS_WORKER_SECRET_FILE, sends the handshake line
//     lithops-worker <secret> <label>\n
// (label: what the worker is, e.g. the Slurm element "123_4"), then speaks the protocol.
// The secret never appears in argv; the file is mode 0600.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace lithops {

/// First word of the handshake line; a connection that does not start with it is dropped.
inline constexpr const char* kWorkerHandshake = "lithops-worker";
/// The variable naming the secret file, for workers started with `--connect`.
inline constexpr const char* kWorkerSecretFileEnv = "LITHOPS_WORKER_SECRET_FILE";

/// One worker the pool waits for (or talks to). Shared by the pool and the relay thread.
class WorkerSocketSlot {
 public:
  virtual ~WorkerSocketSlot() = default;
  /// The pool's ends (owned by whoever takes them: close them when done).
  int to_worker = -1;
  int from_worker = -1;
  /// Whether a worker has connected to this slot, and its handshake label ("" before).
  virtual bool connected() const = 0;
  virtual std::string label() const = 0;
  /// Ends the slot now: the connection (if any) is closed, `from_worker` reaches EOF. A slot
  /// dropped before any worker connected is never matched.
  virtual void drop() = 0;
};

class WorkerSocketListener {
 public:
  /// Listens on `host` (a numeric IPv4 address the workers reach), on a free port.
  static Result<std::unique_ptr<WorkerSocketListener>> open(const std::string& host);
  virtual ~WorkerSocketListener() = default;  // stops the relay; closes every connection

  /// "HOST:PORT", for the workers' --connect.
  virtual std::string address() const = 0;
  /// Writes the job's secret to a new file `path`, mode 0600 (an existing file is replaced).
  virtual Status write_secret_file(const std::string& path) const = 0;
  /// A new slot for the next worker that connects.
  virtual Result<std::shared_ptr<WorkerSocketSlot>> expect() = 0;
  /// Slots waiting for a worker (not yet connected, not dropped).
  virtual size_t waiting() const = 0;
  /// Whether a worker with this handshake label got through the handshake (whether it was
  /// matched to a slot or turned away): a worker that never did died before it reported.
  virtual bool has_seen(const std::string& label) const = 0;
};

}  // namespace lithops
