#include "cli/json_output.h"

#include "core/utf8.h"

namespace sg {

nlohmann::json json_text(std::string_view text) { return nlohmann::json(to_valid_utf8(text)); }

nlohmann::json json_optional_text(std::string_view text) { return text.empty() ? nlohmann::json() : json_text(text); }

nlohmann::json json_texts(const std::vector<std::string>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& item : items) out.push_back(json_text(item));
  return out;
}

nlohmann::json json_counts(const std::map<std::string, int64_t>& counts) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, count] : counts) out[to_valid_utf8(key)] = count;
  return out;
}

void write_json(const nlohmann::json& value, std::ostream& out) {
  out << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace sg
