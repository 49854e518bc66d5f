#include "runtime/task_check.h"

#include <dlfcn.h>
#include <elf.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "lithops/task.h"

namespace lithops {
namespace {

Error bad_task(const std::string& flag, const std::string& path, const std::string& why) {
  return make_error(ErrorKind::kInvalidInput, fmt::format("{} {}: {}", flag, path, why));
}

// A position-independent executable is ET_DYN too; its PT_INTERP segment gives it away.
bool has_interpreter(std::ifstream& in, const Elf64_Ehdr& header) {
  for (int i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr ph{};
    in.seekg(static_cast<std::streamoff>(header.e_phoff + uint64_t(i) * header.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) return false;
    if (ph.p_type == PT_INTERP) return true;
  }
  return false;
}

Status check_elf_header(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad_task(flag, path, "no such file (give the path of a .so built for lithops)");
  Elf64_Ehdr header{};
  in.read(reinterpret_cast<char*>(&header), sizeof header);
  if (in.gcount() < EI_NIDENT || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0)
    return bad_task(flag, path, "not a shared object (not an ELF file)");
  bool elf64 = in.gcount() == sizeof header && header.e_ident[EI_CLASS] == ELFCLASS64;
  if (header.e_type != ET_DYN || (elf64 && has_interpreter(in, header)))
    return bad_task(flag, path, "not a shared object (an ELF executable or object file; build it "
                          "with -shared -fPIC)");
  return {};
}

// Runs in the child: loads the library and reports one line "ok", or "error <message>".
[[noreturn]] void probe_in_child(int out_fd, const std::string& path, const std::string& symbol,
                                 const std::string& flag) {
  std::string report = "ok";
  void* lib = ::dlopen(path.find('/') == std::string::npos ? ("./" + path).c_str() : path.c_str(),
                       RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    report = fmt::format("error it cannot be loaded: {}", ::dlerror());
  } else if (!::dlsym(lib, symbol.c_str())) {
    report = fmt::format("error it does not export the entry symbol '{}' (declare it extern \"C\", "
                         "or name another with {} LIB.so:SYMBOL)",
                         symbol, flag);
  } else if (auto* abi = static_cast<const uint32_t*>(::dlsym(lib, LITHOPS_TASK_ABI_SYMBOL)); !abi) {
    report = "error it does not declare the task ABI: add the statement "
             "LITHOPS_DECLARE_TASK_ABI; (from lithops/task.h) to one source file and rebuild";
  } else if (*abi != LITHOPS_TASK_ABI) {
    report = fmt::format("error it was built for task ABI {}, but this runtime speaks ABI {}: "
                         "rebuild it against this lithops' lithops/task.h",
                         *abi, LITHOPS_TASK_ABI);
  }
  ssize_t ignored = ::write(out_fd, report.data(), report.size());
  (void)ignored;
  ::_exit(0);
}

}  // namespace

Status check_task_library(const std::string& path, const std::string& symbol,
                          const std::string& flag) {
  LITHOPS_TRY(check_elf_header(path, flag));
  int fds[2];
  if (::pipe(fds) != 0) return make_error(ErrorKind::kIo, "pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    probe_in_child(fds[1], path, symbol, flag);
  }
  ::close(fds[1]);
  std::string report;
  pollfd p{fds[0], POLLIN, 0};
  // A library whose constructors hang must not hang the submit.
  for (int waited = 0; waited < 10000; waited += 100) {
    if (::poll(&p, 1, 100) > 0) {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(fds[0], buf, sizeof buf)) > 0) report.append(buf, static_cast<size_t>(n));
      break;
    }
  }
  ::close(fds[0]);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (report == "ok") return {};
  if (report.rfind("error ", 0) == 0) return bad_task(flag, path, report.substr(6));
  return bad_task(flag, path, "loading it crashed or hung (check its static constructors)");
}

}  // namespace lithops
