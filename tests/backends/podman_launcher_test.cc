// The `podman run` of a worker: what the container gets from the job and the podman section.
// (The containers themselves are tested end to end with real podman: tests/e2e/test_podman.sh.)
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "backends/compute/podman_launcher.h"

using namespace lithops;

namespace {

// The value after `flag` in argv ("" if absent).
std::string after(const std::vector<std::string>& argv, const std::string& flag) {
  auto it = std::find(argv.begin(), argv.end(), flag);
  return it != argv.end() && it + 1 != argv.end() ? *(it + 1) : "";
}

bool has_pair(const std::vector<std::string>& argv, const std::string& flag,
              const std::string& value) {
  for (size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == flag && argv[i + 1] == value) return true;
  return false;
}

PodmanSettings settings() {
  PodmanSettings s;
  s.binary = "/opt/podman";
  s.root = "/r";
  s.runroot = "/rr";
  s.oci_runtime = "runc";
  s.ulimits = {"nofile=10:10"};
  s.extra_args = {"--security-opt", "label=disable"};
  return s;
}

PodmanJob job() {
  PodmanJob j;
  j.job_key = "KEY";
  j.image = "sha256:abc";
  j.memory_mb = 64;
  j.cpus = 2;
  j.storage_root = "/data/storage";
  j.log_dir = "/logs";
  return j;
}

}  // namespace

TEST_CASE("a worker container is named and labelled after its job, with the job's limits") {
  PodmanLauncher launcher(settings(), job());
  auto argv = launcher.run_argv({3, false});
  CHECK(std::vector<std::string>(argv.begin(), argv.begin() + 8) ==
        std::vector<std::string>{"/opt/podman", "--root", "/r", "--runroot", "/rr", "--runtime",
                                 "runc", "run"});
  CHECK(after(argv, "--name") == "lithops-KEY-w3");
  CHECK(after(argv, "--hostname") == "lithops-KEY-w3");
  CHECK(has_pair(argv, "--label", "lithops.job=KEY"));
  CHECK(after(argv, "--cpus") == "2");
  CHECK(after(argv, "--memory") == "64m");
  CHECK(after(argv, "--memory-swap") == "64m");
  CHECK(after(argv, "--ulimit") == "nofile=10:10");
  CHECK(has_pair(argv, "--volume", "/data/storage:/data/storage"));
  CHECK(has_pair(argv, "--security-opt", "label=disable"));
  CHECK(std::find(argv.begin(), argv.end(), "--interactive") != argv.end());
  // The runtime runs through its own loader: any image, whatever its libc.
  CHECK(after(argv, "--entrypoint") == "/lithops/bin/ld.so");
  CHECK(std::vector<std::string>(argv.end() - 6, argv.end()) ==
        std::vector<std::string>{"sha256:abc", "--library-path", "/lithops/lib",
                                 "/lithops/bin/lithops-runtime", "worker", "--stream"});
  CHECK_FALSE(launcher.one_invocation_per_worker());  // warm containers by default
  PodmanSettings cold = settings();
  cold.warm_containers = false;
  CHECK(PodmanLauncher(cold, job()).one_invocation_per_worker());
}

TEST_CASE("a reducer container is told apart, and no limit means no flag") {
  PodmanJob j = job();
  j.memory_mb = 0;
  PodmanLauncher launcher(settings(), j);
  auto argv = launcher.run_argv({0, true});
  CHECK(after(argv, "--name") == "lithops-KEY-r0");
  CHECK(std::find(argv.begin(), argv.end(), "--memory") == argv.end());
}

TEST_CASE("with --image the runtime comes in read-only and the user's image runs") {
  PodmanJob j = job();
  j.image = "localhost/busybox";
  j.runtime_mounted = true;
  j.runtime_tree = "/cache/runtime-tree/x";
  PodmanLauncher launcher(settings(), j);
  auto argv = launcher.run_argv({1, false});
  CHECK(has_pair(argv, "--volume", "/cache/runtime-tree/x:/lithops:ro"));
  CHECK(std::find(argv.begin(), argv.end(), "localhost/busybox") != argv.end());
}

TEST_CASE("local --input files are mounted read-only where they are, once") {
  PodmanJob j = job();
  j.input_dir = "/home/me/inputs";
  CHECK(has_pair(PodmanLauncher(settings(), j).run_argv({0, false}), "--volume",
                 "/home/me/inputs:/home/me/inputs:ro"));
  // Inside the storage's own mount they are visible already (podman refuses a second mount).
  j.input_dir = "/data/storage/uploads";
  auto argv = PodmanLauncher(settings(), j).run_argv({0, false});
  CHECK_FALSE(has_pair(argv, "--volume", "/data/storage/uploads:/data/storage/uploads:ro"));
  CHECK(has_pair(argv, "--volume", "/data/storage:/data/storage"));
}

TEST_CASE("a warm container belongs to no job, gets its socket folder and serves sessions") {
  PodmanLauncher launcher(settings(), job());
  auto argv = launcher.warm_argv("lithops-warm-ID", "/cache/podman-warm/ID");
  CHECK(after(argv, "--name") == "lithops-warm-ID");
  CHECK(after(argv, "--hostname") == "lithops-warm-ID");
  CHECK(std::none_of(argv.begin(), argv.end(),
                     [](const std::string& a) { return a.rfind("lithops.job=", 0) == 0; }));
  CHECK(has_pair(argv, "--label", "lithops.warm=" + launcher.warm_identity()));
  CHECK(has_pair(argv, "--volume", "/cache/podman-warm/ID:/lithops-warm"));
  CHECK(after(argv, "--preserve-fds") == "1");  // its listening socket
  CHECK(std::find(argv.begin(), argv.end(), "--detach") != argv.end());
  CHECK(std::find(argv.begin(), argv.end(), "--interactive") == argv.end());
  CHECK(after(argv, "--memory") == "64m");
  CHECK(std::vector<std::string>(argv.end() - 4, argv.end()) ==
        std::vector<std::string>{"worker", "--warm", "/lithops-warm", "60"});
  CHECK(launcher.keeps_warm());
  PodmanSettings off = settings();
  off.keep_warm_s = 0;  // today's behaviour: the container ends with the job's work
  CHECK_FALSE(PodmanLauncher(off, job()).keeps_warm());
  off = settings();
  off.warm_containers = false;  // a container per invocation: none stays (one per invocation)
  CHECK_FALSE(PodmanLauncher(off, job()).keeps_warm());
}

TEST_CASE("warm containers are interchangeable only when everything they run with is the same") {
  std::string base = PodmanLauncher(settings(), job()).warm_identity();
  CHECK(base.size() == 16);
  CHECK(PodmanLauncher(settings(), job()).warm_identity() == base);
  // The job's key is not part of it: that is the point.
  PodmanJob other_key = job();
  other_key.job_key = "OTHER";
  CHECK(PodmanLauncher(settings(), other_key).warm_identity() == base);
  auto differs = [&](PodmanSettings s, PodmanJob j) {
    return PodmanLauncher(std::move(s), std::move(j)).warm_identity() != base;
  };
  PodmanJob j = job();
  j.memory_mb = 128;
  CHECK(differs(settings(), j));
  j = job();
  j.cpus = 1;
  CHECK(differs(settings(), j));
  j = job();
  j.image_id = "sha256:new";  // a runtime update: a new image id
  CHECK(differs(settings(), j));
  j = job();
  j.storage_root = "/elsewhere";
  CHECK(differs(settings(), j));
  j = job();
  j.runtime_stamp = "lithops-runtime:2:3;";
  CHECK(differs(settings(), j));
  PodmanSettings s = settings();
  s.network = "none";
  CHECK(differs(s, job()));
  s = settings();
  s.ulimits = {"nofile=20:20"};
  CHECK(differs(s, job()));
  s = settings();
  s.root = "/other-root";
  CHECK(differs(s, job()));
  s = settings();
  s.oci_runtime = "crun";
  CHECK(differs(s, job()));
  s = settings();
  s.extra_args = {"--env", "TOKEN=secret"};
  CHECK(differs(s, job()));
  CHECK(PodmanLauncher(s, job()).warm_identity().find("secret") == std::string::npos);
  s = settings();
  s.keep_warm_s = 5;
  CHECK(differs(s, job()));
}
