#include "core/job_spec.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/byte_text.h"
#include "core/json_number.h"

namespace lithops {

namespace {

nlohmann::json task_json(const TaskSpec& t) {
  nlohmann::json task = {
      {"kind", t.kind == TaskKind::kFunction ? "function" : "command"},
      {"display", utf8_for_display(t.display)},
      {"env", t.env},
  };
  if (t.kind == TaskKind::kFunction) {
    task["artifact"] = t.artifact_key;
    task["symbol"] = t.symbol;
  } else if (std::all_of(t.argv.begin(), t.argv.end(), [](const std::string& w) { return is_valid_utf8(w); })) {
    task["argv"] = t.argv;
  } else {
    // JSON strings hold only UTF-8: a command with other bytes (a Latin-1 file name, say)
    // is kept byte-exact in base64, and run as typed.
    std::vector<std::string> words;
    for (const auto& w : t.argv) words.push_back(base64_encode(w));
    task["argv_base64"] = words;
  }
  return task;
}

TaskSpec task_from_json(const nlohmann::json& task) {
  TaskSpec t;
  t.kind = task.at("kind") == "function" ? TaskKind::kFunction : TaskKind::kCommand;
  t.display = task.at("display").get<std::string>();
  t.env = task.at("env").get<std::map<std::string, std::string>>();
  if (t.kind == TaskKind::kFunction) {
    t.artifact_key = task.at("artifact").get<std::string>();
    t.symbol = task.at("symbol").get<std::string>();
  } else if (task.contains("argv_base64")) {
    for (const auto& w : task.at("argv_base64")) t.argv.push_back(base64_decode(w.get<std::string>()));
  } else {
    t.argv = task.at("argv").get<std::vector<std::string>>();
  }
  return t;
}

}  // namespace

bool JobSpec::should_retry(const std::string& reason, uint32_t attempt) const {
  if (attempt > retries) return false;
  return std::find(retry_on.begin(), retry_on.end(), reason) != retry_on.end();
}

Packing JobSpec::packing_of(uint64_t calls) const {
  if (max_chunksize)
    return make_guided_packing(calls, chunksize, max_chunksize, max_workers, worker_processes);
  return make_packing(calls, chunksize, worker_processes);
}

nlohmann::json to_json(const JobSpec& s) {
  nlohmann::json task = task_json(s.task);
  nlohmann::json inputs = s.range_inputs
                              ? nlohmann::json{{"kind", "range"}, {"start", s.range_start}}
                              : nlohmann::json{{"kind", s.object_inputs ? "objects" : "data"}};
  if (!s.input_dir.empty()) inputs["dir"] = s.input_dir;
  nlohmann::json j = {{"job_key", s.job_key},
                      {"submitted_ms", s.submitted_ms},
                      {"backend", s.backend},
                      {"storage", s.storage},
                      {"bucket", s.bucket},
                      {"task", task},
                      {"total_calls", s.total_calls},
                      {"inputs", inputs},
                      {"chunksize", s.chunksize},
                      {"worker_processes", s.worker_processes},
                      {"max_workers", s.max_workers},
                      {"timeout_s", s.timeout_s},
                      {"invocations", s.invocations()}};
  if (s.max_chunksize) j["max_chunksize"] = s.max_chunksize;
  j["memory_mb"] = s.memory_mb;
  j["retries"] = s.retries;
  j["retry_on"] = s.retry_on;
  if (s.reducer) j["reduce"] = {{"task", task_json(*s.reducer)}, {"after", s.reduce_after}};
  if (!s.runtime.empty()) j["runtime"] = s.runtime;
  if (!s.runtime_image.empty()) j["runtime_image"] = s.runtime_image;
  if (!s.image.empty()) j["image"] = s.image;
  return j;
}

Result<JobSpec> job_spec_from_json(const nlohmann::json& j) {
  try {
    JobSpec s;
    s.job_key = j.at("job_key").get<std::string>();
    s.submitted_ms = whole_number<int64_t>(j.at("submitted_ms"));
    s.backend = j.at("backend").get<std::string>();
    s.storage = j.at("storage").get<std::string>();
    s.bucket = j.at("bucket").get<std::string>();
    s.task = task_from_json(j.at("task"));
    s.total_calls = whole_number<uint64_t>(j.at("total_calls"));
    s.range_inputs = j.at("inputs").at("kind") == "range";
    s.object_inputs = j.at("inputs").at("kind") == "objects";
    if (s.range_inputs) s.range_start = whole_number<uint64_t>(j.at("inputs").at("start"));
    s.input_dir = j.at("inputs").value("dir", std::string());
    s.chunksize = whole_number<uint64_t>(j.at("chunksize"));
    s.worker_processes = whole_number<uint64_t>(j.at("worker_processes"));
    s.max_workers = whole_number<uint64_t>(j.at("max_workers"));
    s.timeout_s = j.at("timeout_s").get<double>();
    // Added after the first release of the record: absent means "none".
    s.memory_mb = whole_number_or<uint64_t>(j, "memory_mb", 0);
    s.max_chunksize = whole_number_or<uint64_t>(j, "max_chunksize", 0);
    s.retries = whole_number_or<uint32_t>(j, "retries", 0);
    s.retry_on = j.value("retry_on", std::vector<std::string>{});
    s.runtime = j.value("runtime", "");
    s.runtime_image = j.value("runtime_image", "");
    s.image = j.value("image", "");
    if (j.contains("reduce")) {
      s.reducer = task_from_json(j["reduce"].at("task"));
      s.reduce_after = j["reduce"].value("after", 100.0);
    }
    return s;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::kIo, fmt::format("job record is damaged: {}", e.what()));
  }
}

}  // namespace lithops
