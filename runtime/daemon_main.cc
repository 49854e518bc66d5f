// lithops-daemon: the worker daemon of a standalone (ssh) host; see runtime/host_daemon.h.
//   lithops-daemon [--detach LOG_FILE PID_FILE] < SETTINGS_JSON_LINE
// Its settings (with the work queue's password) come on stdin, never in argv. --detach: it
// runs on in its own session with its output in LOG_FILE, writes its pid to PID_FILE (0600)
// and prints it, so the SSH command that started it returns at once.
// A separate executable from lithops-runtime: it links hiredis, which every start of the
// worker would otherwise load.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "runtime/host_daemon.h"

namespace {

// Forks; the child goes on in a new session with stdout/stderr in `log`. The parent prints
// the child's pid once it is recorded and exits.
bool detach(const std::string& log, const std::string& pid_file) {
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid > 0) {
    std::ofstream(pid_file) << pid << "\n";
    ::chmod(pid_file.c_str(), 0600);
    std::cout << pid << std::endl;
    std::_Exit(0);
  }
  ::setsid();
  int null = ::open("/dev/null", O_RDONLY);
  int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (null < 0 || out < 0) return false;
  ::dup2(null, STDIN_FILENO);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(out, STDERR_FILENO);
  ::close(null);
  ::close(out);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
    std::cout << "lithops-daemon " << LITHOPS_VERSION << "\n";
    return 0;
  }
  bool detached = argc == 4 && std::strcmp(argv[1], "--detach") == 0;
  if (argc != 1 && !detached) {
    std::cerr << "usage: lithops-daemon [--detach LOG_FILE PID_FILE] < SETTINGS\n"
                 "lithops-daemon is started by `lithops runtime deploy -b ssh`, not by hand.\n";
    return 2;
  }
  std::string line;
  std::getline(std::cin, line);
  auto settings = lithops::DaemonSettings::from_json(nlohmann::json::parse(line, nullptr, false));
  if (!settings.ok()) {
    std::cerr << "lithops-daemon: " << settings.error().message << "\n";
    return 2;
  }
  if (detached && !detach(argv[2], argv[3])) {
    std::cerr << "lithops-daemon: cannot detach: " << std::strerror(errno) << "\n";
    return 1;
  }
  return lithops::run_host_daemon(*settings);
}
