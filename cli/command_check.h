// A command task whose program does not exist, said before launch on localhost.
#pragma once

#include "core/job_spec.h"
#include "core/result.h"

namespace lithops::cli {

/// On localhost, where the calls run with this process' PATH (or the job's --env PATH) in the
/// submit directory: the program of --command and --reduce-command must be found there, else
/// a usage error names it and nothing is launched (otherwise every call would fail as
/// `rejected`). A program named by a placeholder ({}) is left to the calls; other backends
/// run commands elsewhere (an image, a host, a node) and check nothing here.
Status check_local_programs(const JobSpec& spec);

}  // namespace lithops::cli
