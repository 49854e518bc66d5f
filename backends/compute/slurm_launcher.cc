#include "backends/compute/slurm_launcher.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "backends/compute/slurm_cli.h"
#include "backends/compute/slurm_runtime.h"
#include "core/shell_words.h"
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

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// sbatch --output=<job_dir>/slurm-%A_%a.out, and the label of an element is "%A_%a".
std::string output_path(const std::string& job_dir, const std::string& label) {
  return job_dir + "/slurm-" + label + ".out";
}

// " (element 4 of Slurm job 123)" for label "123_4"; "" for a label of another form.
std::string element_of_job(const std::string& label) {
  auto sep = label.find('_');
  if (sep == std::string::npos || sep == 0 || sep + 1 == label.size()) return "";
  return fmt::format(" (element {} of Slurm job {})", label.substr(sep + 1), label.substr(0, sep));
}

class SlurmWorker : public WorkerProcess {
 public:
  SlurmWorker(std::shared_ptr<SlurmWorkerState> state, std::string job_dir)
      : WorkerProcess(state->slot->to_worker, state->slot->from_worker),
        state_(std::move(state)),
        job_dir_(std::move(job_dir)) {}

  // The element is cancelled in Slurm (which kills its processes on the node); the
  // connection is closed here at once, so the pool sees EOF without waiting for Slurm.
  void kill() override {
    if (killed_) return;
    killed_ = true;
    if (state_->slot->connected()) (void)scancel(state_->slot->label());
    state_->slot->drop();
  }

  WorkerEnd wait() override {
    {
      std::lock_guard lock(state_->mu);
      // The watcher saw elements die before they reported: another would die alike.
      if (!state_->never_connected.empty())
        return {FailureReason::kLost, state_->never_connected, true};
    }
    if (!state_->slot->connected())
      return {FailureReason::kLost, "its Slurm array element never started", false};
    // Its calls in flight fail with this (lost, or retried): it names the element so that
    // `sacct -j`, `scontrol show job` and the output file can be looked up.
    const std::string& label = state_->slot->label();
    std::string path = output_path(job_dir_, label);
    std::string tail = output_tail(path);
    return {FailureReason::kLost,
            fmt::format("{}{} ended: {}", describe(), element_of_job(label),
                        tail.empty() ? "nothing in its output file " + path : tail),
            false};
  }

  std::string describe() const override {
    return state_->slot->connected() ? "Slurm array element " + state_->slot->label()
                                     : "a Slurm array element not started yet";
  }

 private:
  std::shared_ptr<SlurmWorkerState> state_;
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
    : settings_(std::move(settings)), job_(std::move(job)) {
  watcher_ = std::thread([this] { watch(); });
}

SlurmLauncher::~SlurmLauncher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  watcher_.join();
  if (!secret_file_.empty()) ::unlink(secret_file_.c_str());
}

std::vector<std::string> SlurmLauncher::elements_dead_before_connecting() {
  std::vector<std::string> arrays;
  {
    std::lock_guard lock(mu_);
    arrays = arrays_;
  }
  std::set<std::string> alive;  // pending, configuring or running: it may still connect
  for (const auto& id : arrays) {
    auto elements = squeue_job(id);
    if (!elements.ok()) return {};  // cannot tell: blame nobody
    for (const auto& e : *elements)
      if (e.state == "PD" || e.state == "CF" || e.state == "R") alive.insert(e.id);
  }
  // An element that started has an output file; one that ended is no longer alive.
  std::vector<std::string> dead;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(job_.job_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("slurm-", 0) != 0 || name.size() < 11 || name.substr(name.size() - 4) != ".out")
      continue;
    std::string label = name.substr(6, name.size() - 10);
    std::string array = label.substr(0, label.find('_'));
    if (std::find(arrays.begin(), arrays.end(), array) == arrays.end()) continue;
    if (!alive.count(label) && !listener_->has_seen(label)) dead.push_back(label);
  }
  return dead;
}

void SlurmLauncher::give_up_waiting(const std::string& why) {
  for (auto& w : workers_) {
    {
      std::lock_guard lock(w->mu);
      w->never_connected = why;
    }
    w->slot->drop();  // the pool reads EOF and asks wait(), which says why
  }
  workers_.clear();
}

// Every second while workers wait: an element that ended without connecting (seen so twice,
// so that a handshake still in flight is not taken for a death) ends the waiting workers.
void SlurmLauncher::watch() {
  std::set<std::string> blamed;
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::seconds(1));
    if (stop_) break;
    std::erase_if(workers_, [](const std::shared_ptr<SlurmWorkerState>& w) {
      std::lock_guard slot_lock(w->mu);
      return w->slot->connected() || !w->never_connected.empty();
    });
    if (workers_.empty() || arrays_.empty() || !listener_) {
      suspects_.clear();
      continue;
    }
    lock.unlock();
    auto dead = elements_dead_before_connecting();
    lock.lock();
    if (stop_) break;
    std::set<std::string> now_suspect;
    std::string confirmed;
    for (const auto& label : dead) {
      if (blamed.count(label)) continue;
      now_suspect.insert(label);
      if (suspects_.count(label) && confirmed.empty()) confirmed = label;
    }
    suspects_ = now_suspect;
    if (confirmed.empty()) continue;
    blamed.insert(confirmed);
    std::string tail = output_tail(output_path(job_.job_dir, confirmed));
    give_up_waiting(fmt::format(
        "Slurm array element {} ended before it connected to the pool{}", confirmed,
        tail.empty() ? fmt::format(" (its output file {} is empty)",
                                   output_path(job_.job_dir, confirmed))
                     : ": " + tail));
  }
}

std::string SlurmLauncher::element_script() const {
  // Only the secret's path is in the script; the secret stays in the 0600 file.
  return "#!/bin/sh\n# lithops job " + job_.job_key + ": one worker per array element\n" +
         kWorkerSecretFileEnv + "=" + shell_quote(secret_file_) + " exec " +
         shell_quote(job_.runtime_executable) + " worker --connect " +
         shell_quote(listener_ ? listener_->address() : job_.listen_address) + "\n";
}

Status SlurmLauncher::submit_array(uint64_t elements) {
  if (!listener_) {
    auto listener = WorkerSocketListener::open(job_.listen_address);
    if (!listener.ok()) return listener.error();
    std::lock_guard lock(mu_);
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
  auto id = sbatch_submit(settings_, array);
  if (!id.ok()) return id.error();
  std::lock_guard lock(mu_);
  arrays_.push_back(*id);
  hint_ms_ = 0;
  return {};
}

Result<std::unique_ptr<WorkerProcess>> SlurmLauncher::start(const WorkerSlot& slot) {
  (void)slot;
  if (!listener_) {
    LITHOPS_TRY(submit_array(job_.max_elements));
  } else if (pending_elements(arrays_) < listener_->waiting() + 1) {
    // The arrays ran out of elements (each started one took a worker or was turned away).
    LITHOPS_TRY(submit_array(static_cast<uint64_t>(settings_.max_workers)));
  }
  auto s = listener_->expect();
  if (!s.ok()) return s.error();
  auto state = std::make_shared<SlurmWorkerState>();
  state->slot = *s;
  {
    std::lock_guard lock(mu_);
    workers_.push_back(state);
  }
  return std::unique_ptr<WorkerProcess>(std::make_unique<SlurmWorker>(state, job_.job_dir));
}

void SlurmLauncher::stop_all() {
  std::vector<std::string> arrays;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    arrays = arrays_;
  }
  wake_.notify_all();
  for (const auto& id : arrays) (void)scancel(id);
  (void)cancel_slurm_job(job_.job_key);  // arrays submitted by an earlier pool of the job too
  if (!secret_file_.empty()) ::unlink(secret_file_.c_str());
}

std::string SlurmLauncher::startup_hint() const {
  if (hint_ms_ && now_ms() - hint_ms_ < 3000) return hint_;
  hint_ms_ = now_ms();
  std::vector<std::string> arrays;
  {
    std::lock_guard lock(mu_);
    arrays = arrays_;
  }
  std::string notes;
  for (const auto& id : arrays) {
    auto elements = squeue_job(id);
    if (!elements.ok()) return hint_ = elements.error().message;
    std::string note = describe_pending(id, *elements);
    if (!note.empty()) notes += (notes.empty() ? "" : "; ") + note;
  }
  if (!notes.empty()) return hint_ = notes;
  return hint_ = fmt::format("the Slurm array elements have not connected to the pool at {} yet (their "
                     "output is in {}/slurm-*.out)",
                     listener_ ? listener_->address() : job_.listen_address, job_.job_dir);
}

}  // namespace lithops
