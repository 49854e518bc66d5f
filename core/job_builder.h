// Turns what the user asked for (task, inputs, options) into a validated job, before
// anything is uploaded or launched. Every problem is found here, with a message naming the
// flag, file:line or call index at fault.
#pragma once

#include <functional>
#include <istream>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/call_inputs.h"
#include "core/input_spool.h"
#include "core/config.h"
#include "core/job_spec.h"
#include "core/object_input.h"
#include "core/result.h"

namespace lithops {

struct SubmitRequest {
  std::string function;      // --function LIB.so[:SYMBOL]
  std::string command;       // --command 'ARGV TEMPLATE'
  std::string range;         // --range N | A:B
  std::string iterdata;      // --iterdata FILE | -
  std::string lines;         // --lines FILE | -: one input string per line
  std::string input;         // --input URL|PATH: objects (core/object_input.h)
  std::string obj_chunk_size;               // --obj-chunk-size 64MiB
  std::optional<long long> obj_chunk_number;  // --obj-chunk-number N
  bool obj_newline = false;                 // --obj-newline
  std::optional<long long> chunksize;
  std::optional<long long> worker_processes;
  std::optional<long long> max_workers;
  std::optional<double> timeout_s;
  std::vector<std::string> env;  // K=V
  std::optional<long long> memory_mb;  // --memory MB
  std::optional<long long> retries;    // --retries N
  std::string retry_on;                // --retry-on REASON,...
  std::string reduce;                  // --reduce LIB.so[:SYMBOL]
  std::string reduce_command;          // --reduce-command 'ARGV'
  std::optional<double> reduce_after;  // --reduce-after PERCENT
};

/// A job ready to upload: its spec, its explicit inputs (empty for a range), and the task
/// artifact bytes (for a .so).
struct PreparedJob {
  JobSpec spec;
  std::vector<std::string> inputs;  // object partitions' descriptors
  /// --iterdata inputs: spooled to local files as they are read, not kept in memory.
  std::shared_ptr<InputSpool> spool;
  uint64_t largest_input_bytes = 0;  // what one call's input takes in a worker's memory
                                     // while its invocation runs (see guided_chunk_limit)
  std::string artifact;
  std::string reducer_artifact;  // for a --reduce .so
  /// Said to the user before launch (e.g. an option the backend ignores).
  std::vector<std::string> warnings;
};

/// Checks a task library (exists, shared object, symbol, ABI); supplied by the runtime layer.
/// `flag` is the option the library came from, for messages.
using TaskChecker = std::function<Status(const std::string& path, const std::string& symbol,
                                         const std::string& flag)>;
/// Opens the iterdata source ("-" is stdin) to be read line by line. Supplied by the caller
/// so tests can fake it.
using InputOpener = std::function<Result<std::shared_ptr<std::istream>>(const std::string& source)>;

/// Opens a file of plain lines (or stdin for "-"); errors name the --lines source.
Result<std::shared_ptr<std::istream>> open_lines_source(const std::string& source);

struct BuilderDeps {
  TaskChecker check_task;
  InputOpener read_iterdata;
  std::function<Result<std::string>(const std::string& path)> read_file;
  /// Storage backends by name, for --input (unset: --input is not available).
  StorageLookup storage_named;
  std::vector<std::string> storage_names;
  InputOpener read_lines = open_lines_source;  // --lines
};

Result<PreparedJob> build_job(const SubmitRequest& request, const Config& config,
                              const BuilderDeps& deps);

/// Opens a JSON-lines file (or stdin for "-"); errors name the --iterdata source.
Result<std::shared_ptr<std::istream>> open_iterdata_source(const std::string& source);

}  // namespace lithops
