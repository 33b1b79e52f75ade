#include "cli/report_masks.h"

#include <set>

#include "collectors/address.h"
#include "collectors/header_block.h"
#include "store/graph_queries.h"

namespace sg {

namespace {

constexpr const char* kRecipientFields[] = {"to", "cc", "delivered-to", "x-original-to", "envelope-to"};

void add_address(std::set<std::string>& texts, std::string_view address) {
  if (address.empty()) return;
  texts.emplace(address);
  // The local part alone gives the user away too ("taro.yamada" in a greeting).
  const size_t at = address.find('@');
  if (at != std::string_view::npos && at >= 3) texts.emplace(address.substr(0, at));
}

}  // namespace

Result<ReportMasks> report_masks(Store& store, const std::vector<int64_t>& message_ids, const AnalysisOptions& analysis) {
  std::set<std::string> texts(analysis.trust.hosts.begin(), analysis.trust.hosts.end());
  for (const std::string& suffix : analysis.trust.suffixes)
    if (suffix.size() > 1) texts.insert(suffix.substr(1));  // ".example.net" -> "example.net"
  ReportMasks masks;
  masks.networks = analysis.trust.networks;

  auto summaries = message_summaries(store, message_ids);
  if (!summaries) return summaries.error();
  Analyzer analyzer(analysis);
  HeaderBlock block;
  std::string value, scratch;
  std::vector<std::string> addresses;
  for (const MessageSummary& summary : *summaries) {
    auto report = store.show(EntityRef{EntityKind::message, summary.header_hash}, 0);
    if (!report) return report.error();
    if (!report->message) continue;
    const std::string& raw = report->message->raw_headers;
    const Evidence evidence = analyzer.analyze(raw, report->message->source);
    for (const Hop& hop : evidence.hops) {
      if (!hop.trusted) continue;
      if (!hop.by.empty()) texts.insert(hop.by);
      add_address(texts, hop.for_addr);
    }
    split_header_block_into(raw, block);
    for (const HeaderField& field : block.fields)
      for (const char* wanted : kRecipientFields)
        if (field_name_is(field.name, wanted)) {
          addresses.clear();
          parse_address_list_into(unfolded_view(field.raw_value, scratch), addresses);
          for (const std::string& address : addresses) add_address(texts, address);
        }
  }
  masks.texts.assign(texts.begin(), texts.end());
  return masks;
}

}  // namespace sg
