// The Slurm tools' wrappers and the socket transport against a real single-node cluster
// (munge + slurmctld + slurmd, tests/servers/start_slurm.sh), stopped by PID at the end.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "backends/compute/slurm_cli.h"
#include "backends/compute/worker_socket.h"
#include "backends/sys/run_command.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/skip.h"
#include "tests/support/wait_until.h"

namespace lithops {
namespace {

std::string run_script(const std::string& script, const std::string& dir, int& status) {
  std::string command = fmt::format("'{}/{}' '{}' 2>&1", LITHOPS_TEST_SERVERS_DIR, script, dir);
  std::FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  status = ::pclose(pipe);
  return out;
}

class SlurmCluster {
 public:
  SlurmCluster() : dir_(testing::make_scratch_dir("slurm")) {
    int status = 0;
    std::string out = run_script("start_slurm.sh", dir_, status);
    bool missing = WIFEXITED(status) && WEXITSTATUS(status) == 3;
    if (status == 0) {
      ::setenv("SLURM_CONF", (dir_ + "/slurm.conf").c_str(), 1);
      up_ = true;
    } else if (missing) {
      testing::skip_test("no Slurm: " + out);  // a failure under LITHOPS_REQUIRE_SERVERS=1
    } else {
      FAIL("cannot start Slurm: " << out);
    }
  }
  ~SlurmCluster() {
    int status = 0;
    if (up_) run_script("stop_slurm.sh", dir_, status);
    ::unsetenv("SLURM_CONF");
    if (!testing::keep_dirs()) std::filesystem::remove_all(dir_);
  }
  bool up() const { return up_; }
  const std::string& dir() const { return dir_; }

  std::string scontrol(const std::vector<std::string>& args) const {
    CommandRun run;
    run.argv = {"scontrol"};
    run.argv.insert(run.argv.end(), args.begin(), args.end());
    run.timeout_s = 30;
    auto out = run_command(run);
    REQUIRE(out.ok());
    return out->out + out->err;
  }

 private:
  std::string dir_;
  bool up_ = false;
};

// Generous: the scheduler ticks about once a second, and the machine may be loaded.
template <class F>
bool eventually(F done) {
  return testing::wait_until(std::chrono::seconds(60), done);
}

SlurmSettings settings_for(const SlurmCluster& cluster) {
  SlurmSettings s;
  s.partition = "debug";
  s.max_workers = 2;
  s.shared_dir = cluster.dir();
  return s;
}

}  // namespace

TEST_CASE("slurm: a pending array says why (PartitionDown) and scancel leaves nothing queued") {
  SlurmCluster cluster;
  if (!cluster.up()) return;
  cluster.scontrol({"update", "PartitionName=debug", "State=DOWN"});
  SlurmArray array;
  array.job_name = "lithops-test-pending";
  array.elements = 3;
  array.output_pattern = cluster.dir() + "/%A_%a.out";
  array.script = "#!/bin/sh\nsleep 30\n";
  auto id = sbatch_submit(settings_for(cluster), array);
  REQUIRE_MESSAGE(id.ok(), id.error().message);
  std::string note;
  CHECK(eventually([&] {
    auto elements = squeue_job(*id);
    note = elements.ok() ? describe_pending(*id, *elements) : elements.error().message;
    return note.find("PartitionDown") != std::string::npos;
  }));
  CHECK(note == fmt::format("3 array elements pending in Slurm job {}: PartitionDown (the "
                            "partition is down)",
                            *id));
  REQUIRE(scancel_named("lithops-test-pending").ok());
  CHECK(eventually([&] {
    auto elements = squeue_job(*id);
    return elements.ok() && elements->empty();
  }));
}

TEST_CASE("slurm: sbatch's own complaint reaches the user") {
  SlurmCluster cluster;
  if (!cluster.up()) return;
  SlurmSettings s = settings_for(cluster);
  s.partition = "nosuchpartition";
  SlurmArray array;
  array.job_name = "lithops-test-bad";
  array.output_pattern = cluster.dir() + "/%A_%a.out";
  array.script = "#!/bin/sh\ntrue\n";
  auto id = sbatch_submit(s, array);
  REQUIRE_FALSE(id.ok());
  CHECK(id.error().message.find("sbatch failed") != std::string::npos);
  CHECK(id.error().message.find("nosuchpartition") != std::string::npos);
}

TEST_CASE("slurm: an array element connects back to the pool with the secret and its label") {
  SlurmCluster cluster;
  if (!cluster.up()) return;
  auto listener = WorkerSocketListener::open("127.0.0.1");
  REQUIRE(listener.ok());
  std::string secret_file = cluster.dir() + "/secret";
  REQUIRE((*listener)->write_secret_file(secret_file).ok());
  auto slot = (*listener)->expect();
  REQUIRE(slot.ok());
  SlurmArray array;
  array.job_name = "lithops-test-connect";
  array.elements = 1;
  array.output_pattern = cluster.dir() + "/%A_%a.out";
  array.script = fmt::format("#!/bin/sh\n{}='{}' exec '{}' worker --connect {}\n",
                             kWorkerSecretFileEnv, secret_file, LITHOPS_TEST_RUNTIME,
                             (*listener)->address());
  auto id = sbatch_submit(settings_for(cluster), array);
  REQUIRE_MESSAGE(id.ok(), id.error().message);
  CHECK(eventually([&] { return (*slot)->connected(); }));
  CHECK((*slot)->label() == *id + "_0");
  // No config, no work: the worker reads EOF and exits; the element leaves the queue.
  ::close((*slot)->to_worker);
  CHECK(eventually([&] {
    auto elements = squeue_job(*id);
    return elements.ok() && elements->empty();
  }));
  ::close((*slot)->from_worker);
}

}  // namespace lithops
