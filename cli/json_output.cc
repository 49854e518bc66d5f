#include "cli/json_output.h"

#include <iostream>

namespace lithops::cli {
namespace {

bool g_json_errors = false;

}  // namespace

void print_json_line(std::ostream& out, const nlohmann::json& value) {
  out << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void print_json_line(std::ostream& out, const nlohmann::ordered_json& value) {
  out << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void set_json_errors(bool on) { g_json_errors = on; }
bool json_errors() { return g_json_errors; }

void print_error(const std::string& message, int exit_code, const std::string& hint) {
  if (g_json_errors) {
    nlohmann::ordered_json j = {{"error", message}, {"exit_code", exit_code}};
    if (!hint.empty()) j["hint"] = hint;
    print_json_line(std::cerr, j);
    return;
  }
  std::cerr << "lithops: error: " << message << "\n";
  if (!hint.empty()) std::cerr << "lithops: hint: " << hint << "\n";
}

void print_warning(const std::string& message) {
  if (g_json_errors)
    print_json_line(std::cerr, nlohmann::json{{"warning", message}});
  else
    std::cerr << "lithops: warning: " << message << "\n";
}

}  // namespace lithops::cli
