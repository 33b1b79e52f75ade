// JSON for tools: every text built into it is valid UTF-8 (spam is not), and
// writing it never throws.
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sg {

/// A JSON string of `text`, ill-formed UTF-8 replaced by U+FFFD (core/utf8.h).
nlohmann::json json_text(std::string_view text);
/// json_text(text), or null when `text` is empty ("not stated").
nlohmann::json json_optional_text(std::string_view text);
/// A JSON array of json_text() of each item.
nlohmann::json json_texts(const std::vector<std::string>& items);
/// A JSON object of counts whose keys went through to_valid_utf8().
nlohmann::json json_counts(const std::map<std::string, int64_t>& counts);

/// `value` indented by two, then a newline. Should a string still hold ill-formed
/// UTF-8, it is replaced rather than thrown on: the output is JSON either way.
void write_json(const nlohmann::json& value, std::ostream& out);

}  // namespace sg
