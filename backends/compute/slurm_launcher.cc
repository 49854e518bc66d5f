#include "backends/compute/slurm_launcher.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "backends/compute/slurm_cli.h"
#include "backends/compute/slurm_runtime.h"
#include "core/text.h"

namespace lithops {
namespace {

// The last lines of an element's Slurm output file: why it died, when it could not say.
std::string output_tail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto lines = split(trim(text.str()), '\n');
  if (lines.size() > 5) lines.erase(lines.begin(), lines.end() - 5);
  return join(lines, " | ");
}

class SlurmWorker : public WorkerProcess {
 public:
  SlurmWorker(std::shared_ptr<WorkerSocketSlot> slot, std::string job_dir)
      : WorkerProcess(slot->to_worker, slot->from_worker),
        slot_(std::move(slot)),
        job_dir_(std::move(job_dir)) {}

  // The element is cancelled in Slurm (which kills its processes on the node); the
  // connection is closed here at once, so the pool sees EOF without waiting for Slurm.
  void kill() override {
    if (killed_) return;
    killed_ = true;
    if (slot_->connected()) (void)scancel(slot_->label());
    slot_->drop();
  }

  WorkerEnd wait() override {
    if (!slot_->connected())
      return {FailureReason::kLost, "its Slurm array element never started", false};
    std::string tail = output_tail(output_path());
    return {FailureReason::kLost,
            fmt::format("{} ended{}", describe(), tail.empty() ? "" : ": " + tail), false};
  }

  std::string describe() const override {
    return slot_->connected() ? "Slurm array element " + slot_->label()
                              : "a Slurm array element not started yet";
  }

 private:
  // sbatch --output=<job_dir>/slurm-%A_%a.out, and the label is "%A_%a".
  std::string output_path() const { return job_dir_ + "/slurm-" + slot_->label() + ".out"; }

  std::shared_ptr<WorkerSocketSlot> slot_;
  std::string job_dir_;
  bool killed_ = false;
};

// Elements of our arrays that have not started yet.
uint64_t pending_elements(const std::vector<std::string>& arrays) {
  uint64_t n = 0;
  for (const auto& id : arrays) {
    auto elements = squeue_job(id);
    if (!elements.ok()) return UINT64_MAX;  // cannot tell: do not submit more
    for (const auto& e : *elements)
      if (e.state == "PD") n += slurm_element_count(e.id);
  }
  return n;
}

}  // namespace

std::string slurm_job_name(const std::string& job_key) { return "lithops-" + job_key; }

Status cancel_slurm_job(const std::string& job_key) {
  return scancel_named(slurm_job_name(job_key));
}

SlurmLauncher::SlurmLauncher(SlurmSettings settings, SlurmJob job)
    : settings_(std::move(settings)), job_(std::move(job)) {}

SlurmLauncher::~SlurmLauncher() {
  if (!secret_file_.empty()) ::unlink(secret_file_.c_str());
}

std::string SlurmLauncher::element_script() const {
  return "#!/bin/sh\n# lithops job " + job_.job_key + ": one worker per array element\nexec " +
         shell_quote(job_.runtime_executable) + " worker --connect " +
         shell_quote(listener_ ? listener_->address() : job_.listen_address) + "\n";
}

Status SlurmLauncher::submit_array(uint64_t elements) {
  if (!listener_) {
    auto listener = WorkerSocketListener::open(job_.listen_address);
    if (!listener.ok()) return listener.error();
    listener_ = std::move(listener).value();
    std::error_code ec;
    std::filesystem::create_directories(job_.job_dir, ec);
    secret_file_ = job_.job_dir + "/secret";
    LITHOPS_TRY(listener_->write_secret_file(secret_file_));
  }
  SlurmArray array;
  array.job_name = slurm_job_name(job_.job_key);
  array.elements = elements;
  array.time_limit_min = job_.time_limit_min;
  array.output_pattern = job_.job_dir + "/slurm-%A_%a.out";
  array.script = element_script();
  // Only the secret's path travels in the environment; the secret stays in the 0600 file.
  array.export_env = {std::string(kWorkerSecretFileEnv) + "=" + secret_file_};
  auto id = sbatch_submit(settings_, array);
  if (!id.ok()) return id.error();
  arrays_.push_back(*id);
  return {};
}

Result<std::unique_ptr<WorkerProcess>> SlurmLauncher::start(const WorkerSlot& slot) {
  (void)slot;
  if (arrays_.empty()) {
    LITHOPS_TRY(submit_array(job_.max_elements));
  } else if (pending_elements(arrays_) < listener_->waiting() + 1) {
    // The arrays ran out of elements (each started one took a worker or was turned away).
    LITHOPS_TRY(submit_array(static_cast<uint64_t>(settings_.max_workers)));
  }
  auto s = listener_->expect();
  if (!s.ok()) return s.error();
  return std::unique_ptr<WorkerProcess>(std::make_unique<SlurmWorker>(*s, job_.job_dir));
}

void SlurmLauncher::stop_all() {
  for (const auto& id : arrays_) (void)scancel(id);
  (void)cancel_slurm_job(job_.job_key);  // arrays submitted by an earlier pool of the job too
  if (!secret_file_.empty()) ::unlink(secret_file_.c_str());
}

std::string SlurmLauncher::startup_hint() const {
  std::string notes;
  for (const auto& id : arrays_) {
    auto elements = squeue_job(id);
    if (!elements.ok()) return elements.error().message;
    std::string note = describe_pending(id, *elements);
    if (!note.empty()) notes += (notes.empty() ? "" : "; ") + note;
  }
  if (!notes.empty()) return notes;
  return fmt::format("the Slurm array elements have not connected to the pool at {} yet (their "
                     "output is in {}/slurm-*.out)",
                     listener_ ? listener_->address() : job_.listen_address, job_.job_dir);
}

}  // namespace lithops
