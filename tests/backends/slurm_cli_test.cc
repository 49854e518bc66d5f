// What lithops asks sbatch for and how it reads squeue (the real cluster is in tests/e2e).
#include <doctest/doctest.h>

#include <algorithm>

#include "backends/compute/slurm_cli.h"

using namespace lithops;

namespace {
bool has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}
}  // namespace

TEST_CASE("sbatch argv: one array, at most max_workers elements at once, sized by the config") {
  SlurmSettings s;
  s.partition = "debug";
  s.account = "lab";
  s.worker_processes = 2;
  s.max_workers = 4;
  s.runtime_memory_mb = 1024;
  s.sbatch_args = {"--nice=10"};
  SlurmArray a;
  a.job_name = "lithops-K";
  a.elements = 10;
  a.time_limit_min = 31;
  a.output_pattern = "/s/jobs/K/%A_%a.out";
  auto argv = sbatch_argv(s, a);
  CHECK(argv[0] == "sbatch");
  CHECK(has(argv, "--array=0-9%4"));
  CHECK(has(argv, "--cpus-per-task=2"));
  CHECK(has(argv, "--mem=1024"));
  CHECK(has(argv, "--time=31"));
  CHECK(has(argv, "--partition=debug"));
  CHECK(has(argv, "--account=lab"));
  CHECK(has(argv, "--output=/s/jobs/K/%A_%a.out"));
  CHECK(has(argv, "--export=ALL"));
  CHECK(argv.back() == "--nice=10");  // the user's options last
  CHECK_FALSE(has(argv, "--qos="));
}

TEST_CASE("sbatch argv leaves unset options to the cluster") {
  SlurmSettings s;
  SlurmArray a;
  a.elements = 1;
  auto argv = sbatch_argv(s, a);
  CHECK(has(argv, "--array=0-0%1"));
  for (const auto& arg : argv) {
    CHECK(arg.rfind("--mem", 0) != 0);
    CHECK(arg.rfind("--time", 0) != 0);
    CHECK(arg.rfind("--partition", 0) != 0);
  }
}

TEST_CASE("squeue lines parse into elements, pending ranges included") {
  auto elements = parse_squeue("12_[4-9%2]|PD|JobArrayTaskLimit\n12_0|R|None\n\n12_1|R|None\n");
  REQUIRE(elements.size() == 3);
  CHECK(elements[0].id == "12_[4-9%2]");
  CHECK(elements[0].state == "PD");
  CHECK(elements[0].reason == "JobArrayTaskLimit");
  CHECK(elements[2].id == "12_1");
  CHECK(elements[0].partition == "");
}

TEST_CASE("squeue's partition column is read when it is there") {
  auto elements = parse_squeue("12_0|PD|PartitionDown|debug\n");
  REQUIRE(elements.size() == 1);
  CHECK(elements[0].reason == "PartitionDown");
  CHECK(elements[0].partition == "debug");
}

TEST_CASE("the pending note names the reason, what it means, and how many elements wait") {
  auto note = describe_pending("12", parse_squeue("12_[0-3]|PD|PartitionDown\n"));
  CHECK(note == "4 array elements pending in Slurm job 12: PartitionDown (the partition is down)");
  CHECK(describe_pending("12", parse_squeue("12_0|R|None\n")) == "");
  note = describe_pending("7", parse_squeue("7_5|PD|Resources\n7_[6-7]|PD|Priority\n7_8|PD|Priority\n"));
  CHECK(note == "4 array elements pending in Slurm job 7: 3 Priority (other jobs come first), "
                "1 Resources (waiting for free nodes or CPUs)");
  note = describe_pending("7", parse_squeue("7_5|PD|SomethingNew\n"));
  CHECK(note == "1 array element pending in Slurm job 7: SomethingNew");
}
