#include "cli/command_check.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "backends/sys/process.h"

namespace lithops::cli {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

Status check_program(const TaskSpec& task, const char* flag) {
  if (task.kind != TaskKind::kCommand || task.argv.empty()) return {};
  const std::string& name = task.argv[0];
  if (name.empty() || name.find('{') != std::string::npos) return {};
  if (name.find('/') != std::string::npos) {
    if (is_executable_file(name)) return {};
    return make_error(ErrorKind::kInvalidInput,
                      fmt::format("{}: '{}' is not an executable file (check the path; commands "
                                  "run in this directory)",
                                  flag, name));
  }
  if (!find_program_in(name, task_search_path(task.env)).empty()) return {};
  return make_error(ErrorKind::kInvalidInput,
                    fmt::format("{}: no program '{}' on PATH (install it or give its path; a "
                                "shell builtin runs as sh -c '...')",
                                flag, name));
}

}  // namespace

Status check_local_programs(const JobSpec& spec) {
  if (spec.backend != "localhost") return {};
  LITHOPS_TRY(check_program(spec.task, "--command"));
  if (spec.reducer) LITHOPS_TRY(check_program(*spec.reducer, "--reduce-command"));
  return {};
}

}  // namespace lithops::cli
