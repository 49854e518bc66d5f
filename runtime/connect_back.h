// The worker side of the socket transport (backends/compute/worker_socket.h): a worker started
// where the pool cannot hand it pipes (a Slurm array element) connects back to the pool, proves
// it knows the job's secret, and then runs the usual stream worker over the connection.
#pragma once

#include <string>

namespace lithops {

/// `lithops-runtime worker --connect HOST:PORT`: the secret comes from the file named by
/// $LITHOPS_WORKER_SECRET_FILE; the label (what this worker is, for the pool's messages) from
/// $LITHOPS_WORKER_LABEL, else the Slurm element (SLURM_ARRAY_JOB_ID_SLURM_ARRAY_TASK_ID),
/// else the host name and pid. Returns the exit code; errors go to stderr.
int run_connected_worker(const std::string& address);

}  // namespace lithops
