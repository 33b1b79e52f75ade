#include "report/summary_text.h"

#include <algorithm>
#include <map>

#include "report/defang.h"
#include "report/labels.h"
#include "report/report_tables.h"

namespace sg {

namespace {

constexpr size_t kListedNetworks = 3;
constexpr size_t kListedPrefixes = 3;
constexpr size_t kListedNew = 10;

bool is_ja(ReportLanguage language) { return language == ReportLanguage::ja; }

// "1 sender" / "2 senders".
std::string counted(int64_t count, std::string_view one, std::string_view many) {
  return format_count(count, ReportLanguage::en) + " " + std::string(count == 1 ? one : many);
}

// "a", "a and b", "a, b and c" (en); "a、b、c" (ja).
std::string join_list(const std::vector<std::string>& items, ReportLanguage language) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      if (is_ja(language))
        out += "、";
      else
        out += i + 1 == items.size() ? " and " : ", ";
    }
    out += items[i];
  }
  return out;
}

// The senders' networks, by messages sent.
struct Network {
  std::string asn;
  std::string holder;
  std::string country;
  std::vector<std::string> prefixes;
  int64_t messages = 0;
};

std::vector<Network> sender_networks(const CampaignReport& report) {
  std::map<std::string, Network> by_asn;
  for (const SenderRow& sender : report.senders) {
    if (sender.asn.empty()) continue;
    Network& network = by_asn[sender.asn];
    network.asn = sender.asn;
    if (network.holder.empty()) network.holder = sender.as_holder;
    if (network.country.empty()) network.country = sender.country;
    if (!sender.prefix.empty() &&
        std::find(network.prefixes.begin(), network.prefixes.end(), sender.prefix) == network.prefixes.end())
      network.prefixes.push_back(sender.prefix);
    network.messages += sender.messages;
  }
  std::vector<Network> networks;
  for (auto& [asn, network] : by_asn) networks.push_back(std::move(network));
  std::stable_sort(networks.begin(), networks.end(),
                   [](const Network& a, const Network& b) { return a.messages > b.messages; });
  return networks;
}

// "AS58779 (i4HK Limited, HK, prefix 103[.]244[.]52[.]0/22)".
std::string describe_network(const Network& network, ReportLanguage language, EscapeText escape, bool with_count) {
  std::vector<std::string> details;
  if (!network.holder.empty()) details.push_back(escape(network.holder));
  if (!network.country.empty()) details.push_back(escape(network.country));
  if (!network.prefixes.empty()) {
    std::vector<std::string> prefixes;
    for (size_t i = 0; i < network.prefixes.size() && i < kListedPrefixes; ++i)
      prefixes.push_back(escape(defang(network.prefixes[i])));
    std::string text = is_ja(language) ? "プレフィックス " : (prefixes.size() == 1 ? "prefix " : "prefixes ");
    text += join_list(prefixes, language);
    if (network.prefixes.size() > kListedPrefixes)
      text += is_ja(language) ? "ほか" + format_count(static_cast<int64_t>(network.prefixes.size() - kListedPrefixes), language) + "件"
                              : " and " + format_count(static_cast<int64_t>(network.prefixes.size() - kListedPrefixes), language) + " more";
    details.push_back(text);
  }
  if (with_count)
    details.push_back(is_ja(language) ? format_count(network.messages, language) + "通"
                                      : counted(network.messages, "message", "messages"));
  std::string out = escape(network.asn);
  if (details.empty()) return out;
  const std::string separator = is_ja(language) ? "、" : ", ";
  out += is_ja(language) ? "（" : " (";
  for (size_t i = 0; i < details.size(); ++i) out += (i > 0 ? separator : "") + details[i];
  out += is_ja(language) ? "）" : ")";
  return out;
}

std::string volume_paragraph(const CampaignReport& report, ReportLanguage language) {
  const auto senders = static_cast<int64_t>(report.senders.size());
  const auto domains = static_cast<int64_t>(report.domains.size());
  const auto relays = static_cast<int64_t>(report.relays.size());
  const std::string first = format_date(report.first_seen, language);
  const std::string last = format_date(report.last_seen, language);
  if (is_ja(language)) {
    std::string text = report.messages == 0 ? "このキャンペーンのメッセージはまだ保存されていません。"
                                            : first + "から" + last + "までに、このキャンペーンのメッセージを" +
                                                  format_count(report.messages, language) + "通受信しました。";
    text += "送信元のIPアドレスは" + format_count(senders, language) + "件、使われたドメインは" +
            format_count(domains, language) + "件、中継サーバーは" + format_count(relays, language) + "件です。";
    return text;
  }
  std::string text = report.messages == 0
                         ? "No messages of this campaign are stored yet."
                         : "Between " + first + " and " + last + ", this campaign sent " +
                               counted(report.messages, "message", "messages") + ".";
  text += " They came from " + counted(senders, "sender", "senders") + ", used " +
          counted(domains, "domain", "domains") + " and passed " + counted(relays, "relay", "relays") + ".";
  return text;
}

std::string network_paragraph(const CampaignReport& report, ReportLanguage language, EscapeText escape) {
  const std::vector<Network> networks = sender_networks(report);
  if (networks.empty())
    return is_ja(language) ? "送信元のネットワーク（AS）はまだ分かっていません。"
                           : "The networks (AS) behind the senders are not known yet.";
  std::vector<std::string> described;
  const bool with_count = networks.size() > 1;
  for (size_t i = 0; i < networks.size() && i < kListedNetworks; ++i)
    described.push_back(describe_network(networks[i], language, escape, with_count));
  const size_t more = networks.size() > kListedNetworks ? networks.size() - kListedNetworks : 0;
  if (is_ja(language)) {
    std::string text = "送信元は" + join_list(described, language);
    if (more > 0) text += "ほか" + format_count(static_cast<int64_t>(more), language) + "件のネットワーク";
    return text + "にあります。";
  }
  if (more > 0) described.push_back(counted(static_cast<int64_t>(more), "more network", "more networks"));
  return "The senders are in " + join_list(described, language) + ".";
}

std::string fact_paragraph(const CampaignReport& report, ReportLanguage language) {
  const auto senders = static_cast<int64_t>(report.senders.size());
  const auto facts = static_cast<int64_t>(
      std::count_if(report.senders.begin(), report.senders.end(), [](const SenderRow& s) { return s.fact; }));
  if (is_ja(language)) {
    std::string text;
    if (senders == 0)
      text = "送信元はまだ分かっていません。";
    else if (facts == senders && senders == 1)
      text = "送信元は、自組織の信頼できるメールサーバーが記録した事実です。";
    else if (facts == 0 && senders == 1)
      text = "送信元は、送信者が制御し得るサーバーの主張にすぎません。";
    else if (facts == senders)
      text = "送信元" + format_count(senders, language) + "件はすべて、自組織の信頼できるメールサーバーが記録した事実です。";
    else if (facts == 0)
      text = "送信元" + format_count(senders, language) + "件はいずれも、送信者が制御し得るサーバーの主張にすぎません。";
    else
      text = "送信元" + format_count(senders, language) + "件のうち" + format_count(facts, language) +
             "件は自組織の信頼できるメールサーバーが記録した事実で、残りは送信者が制御し得るサーバーの主張にすぎません。";
    return text + "グラフ全体では、事実が" + format_count(report.facts, language) + "件、主張が" +
           format_count(report.claims, language) + "件です。";
  }
  std::string text;
  if (senders == 0)
    text = "No sender is known.";
  else if (facts == senders)
    text = senders == 1 ? "The sender was recorded by our own trusted mail servers (a fact)."
                        : "All " + counted(senders, "sender", "senders") +
                              " were recorded by our own trusted mail servers (facts).";
  else if (facts == 0)
    text = senders == 1 ? "The sender was not recorded by our own trusted mail servers: it is a claim of servers the spammer may control."
                        : "None of the " + counted(senders, "sender", "senders") +
                              " was recorded by our own trusted mail servers: all are claims of servers the "
                              "spammer may control.";
  else
    text = format_count(facts, language) + " of the " + counted(senders, "sender", "senders") +
           " were recorded by our own trusted mail servers (facts); the others are only claimed by servers the "
           "sender may control.";
  return text + " Across the graph, " + format_count(report.facts, language) +
         (report.facts == 1 ? " link is a fact and " : " links are facts and ") + format_count(report.claims, language) +
         (report.claims == 1 ? " is a claim." : " are claims.");
}

std::string new_paragraph(const CampaignReport& report, ReportLanguage language, EscapeText escape) {
  if (report.new_in_period.empty()) return std::string(label(language, LabelId::nothing_new));
  std::vector<std::string> values;
  for (size_t i = 0; i < report.new_in_period.size() && i < kListedNew; ++i) {
    const NewIndicator& indicator = report.new_in_period[i];
    values.push_back(escape(is_defanged_kind(indicator.kind) ? defang(indicator.value) : indicator.value));
  }
  const size_t more = report.new_in_period.size() - values.size();
  if (is_ja(language)) {
    std::string text = report.since ? format_date(*report.since, language) + "以降、" : "この期間に、";
    text += join_list(values, language);
    if (more > 0) text += "ほか" + format_count(static_cast<int64_t>(more), language) + "件";
    return text + " が新たに現れました。";
  }
  if (more > 0) values.push_back(format_count(static_cast<int64_t>(more), language) + " more");
  const std::string start = report.since ? "Since " + format_date(*report.since, language) + ", " : "In this period, ";
  return start + join_list(values, language) + " appeared.";
}

}  // namespace

std::string report_title(const CampaignReport& report, ReportLanguage language, EscapeText escape) {
  std::string title(label(language, LabelId::report_title));
  if (report.name.empty()) return title + " #" + std::to_string(report.id);
  return title + ": " + escape(report.name);
}

std::string generated_line(const CampaignReport& report, ReportLanguage language) {
  const std::string separator = is_ja(language) ? "：" : ": ";
  std::string period;
  if (!report.since)
    period = std::string(label(language, LabelId::all_time));
  else if (is_ja(language))
    period = format_date(*report.since, language) + std::string(label(language, LabelId::since));
  else
    period = std::string(label(language, LabelId::since)) + " " + format_date(*report.since, language);
  return std::string(label(language, LabelId::generated)) + separator +
         format_date_time(report.generated_at, language) + (is_ja(language) ? "　" : " · ") +
         std::string(label(language, LabelId::period)) + separator + period;
}

std::vector<std::string> summary_paragraphs(const CampaignReport& report, ReportLanguage language,
                                            EscapeText escape) {
  std::vector<std::string> paragraphs = {volume_paragraph(report, language),
                                         network_paragraph(report, language, escape)};
  if (!report.senders.empty() || report.facts > 0 || report.claims > 0)
    paragraphs.push_back(fact_paragraph(report, language));
  if (report.since || !report.new_in_period.empty()) paragraphs.push_back(new_paragraph(report, language, escape));
  return paragraphs;
}

std::vector<std::string> fact_claim_paragraphs(ReportLanguage language) {
  if (is_ja(language))
    return {
        "Receivedヘッダーは、メッセージを受け取ったサーバーが書き込みます。自組織のメールサーバー"
        "（信頼できるホップ）が書いた行は事実です。そこに記録された送信元IPアドレスは、実際に接続してきたマシンです。",
        "それより手前の中継で書かれたReceived行、HELO名、エンベロープ送信者、From、Message-IDなどは、"
        "スパム送信者が制御し得るマシンが書いたもので、主張として示します。正しいこともありますが、"
        "調査を誤らせるために偽装されていることもあります。",
        "表の「事実/主張」列は、各行がどちらに当たるかを示します。信頼できるホップによる観測が一度でもあれば事実、"
        "主張しかなければ主張です。AS、保有組織、ルートオブジェクトなどのレジストリ情報は、"
        "問い合わせた時点でレジストリが回答した内容です。",
    };
  return {
      "A Received line is written by the server that received the message. The lines written by our own mail "
      "servers (trusted hops) are facts: the sending IP address they recorded is the machine that really "
      "connected.",
      "Everything written before the mail reached those servers, the earlier Received lines, HELO names, the "
      "envelope sender, From and Message-ID, comes from machines the spammer may control and is shown as a "
      "claim. A claim may be true, or forged to mislead an investigation.",
      "In the tables, the column Fact / claim says which applies to a row: fact when at least one sighting came "
      "from a trusted hop, claim when all of them are claims. Registry data (AS, holder, route objects) is what "
      "the registries answered when they were asked.",
  };
}

std::string nodes_left_out_text(size_t count, ReportLanguage language) {
  const std::string number = format_count(static_cast<int64_t>(count), language);
  if (is_ja(language)) return number + std::string(label(language, LabelId::nodes_left_out));
  return number + " " + std::string(label(language, LabelId::nodes_left_out));
}

std::string edges_left_out_text(size_t count, ReportLanguage language) {
  const std::string number = format_count(static_cast<int64_t>(count), language);
  if (is_ja(language)) return number + std::string(label(language, LabelId::edges_left_out));
  return number + " " + std::string(label(language, LabelId::edges_left_out));
}

}  // namespace sg
