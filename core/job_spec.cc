#include "core/job_spec.h"

#include <fmt/format.h>

namespace lithops {

nlohmann::json to_json(const JobSpec& s) {
  nlohmann::json task = {
      {"kind", s.task.kind == TaskKind::kFunction ? "function" : "command"},
      {"display", s.task.display},
      {"env", s.task.env},
  };
  if (s.task.kind == TaskKind::kFunction) {
    task["artifact"] = s.task.artifact_key;
    task["symbol"] = s.task.symbol;
  } else {
    task["argv"] = s.task.argv;
  }
  nlohmann::json inputs = s.range_inputs
                              ? nlohmann::json{{"kind", "range"}, {"start", s.range_start}}
                              : nlohmann::json{{"kind", s.object_inputs ? "objects" : "data"}};
  return {{"job_key", s.job_key},       {"submitted_ms", s.submitted_ms},
          {"backend", s.backend},       {"storage", s.storage},
          {"bucket", s.bucket},         {"task", task},
          {"total_calls", s.total_calls}, {"inputs", inputs},
          {"chunksize", s.chunksize},   {"worker_processes", s.worker_processes},
          {"max_workers", s.max_workers}, {"timeout_s", s.timeout_s},
          {"invocations", s.invocations()}};
}

Result<JobSpec> job_spec_from_json(const nlohmann::json& j) {
  try {
    JobSpec s;
    s.job_key = j.at("job_key").get<std::string>();
    s.submitted_ms = j.at("submitted_ms").get<int64_t>();
    s.backend = j.at("backend").get<std::string>();
    s.storage = j.at("storage").get<std::string>();
    s.bucket = j.at("bucket").get<std::string>();
    const auto& task = j.at("task");
    s.task.kind = task.at("kind") == "function" ? TaskKind::kFunction : TaskKind::kCommand;
    s.task.display = task.at("display").get<std::string>();
    s.task.env = task.at("env").get<std::map<std::string, std::string>>();
    if (s.task.kind == TaskKind::kFunction) {
      s.task.artifact_key = task.at("artifact").get<std::string>();
      s.task.symbol = task.at("symbol").get<std::string>();
    } else {
      s.task.argv = task.at("argv").get<std::vector<std::string>>();
    }
    s.total_calls = j.at("total_calls").get<uint64_t>();
    s.range_inputs = j.at("inputs").at("kind") == "range";
    s.object_inputs = j.at("inputs").at("kind") == "objects";
    if (s.range_inputs) s.range_start = j.at("inputs").at("start").get<uint64_t>();
    s.chunksize = j.at("chunksize").get<uint64_t>();
    s.worker_processes = j.at("worker_processes").get<uint64_t>();
    s.max_workers = j.at("max_workers").get<uint64_t>();
    s.timeout_s = j.at("timeout_s").get<double>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::kIo, fmt::format("job record is damaged: {}", e.what()));
  }
}

}  // namespace lithops
