#include "report/labels.h"

#include <array>
#include <cstdio>

namespace sg {

namespace {

struct Text {
  LabelId id;
  std::string_view en;
  std::string_view ja;
};

// In the order of LabelId, which label() checks at compile time.
constexpr Text kLabels[] = {
    {LabelId::report_title, "Campaign report", "キャンペーン報告"},
    {LabelId::generated, "Generated", "作成日時"},
    {LabelId::period, "Period", "対象期間"},
    {LabelId::all_time, "all time", "全期間"},
    {LabelId::since, "since", "以降"},
    {LabelId::summary, "Summary", "概要"},
    {LabelId::sender_infrastructure, "Sender infrastructure", "送信元インフラ"},
    {LabelId::domains, "Domains", "ドメイン"},
    {LabelId::relays, "Relays", "中継サーバー"},
    {LabelId::new_in_period, "New in this period", "期間内に新たに現れた指標"},
    {LabelId::nothing_new, "Nothing new appeared in this period.", "この期間に新たに現れた指標はありません。"},
    {LabelId::timeline, "Messages per week", "週ごとの通数"},
    {LabelId::graph, "Infrastructure graph", "インフラの関係図"},
    {LabelId::samples, "Sample messages", "メッセージの例"},
    {LabelId::facts_and_claims, "What is a fact and what is claimed", "事実と主張の区別"},
    {LabelId::ip, "IP address", "IPアドレス"},
    {LabelId::rdns, "Reverse DNS", "逆引きホスト名"},
    {LabelId::prefix, "Prefix", "プレフィックス"},
    {LabelId::asn, "AS", "AS番号"},
    {LabelId::as_holder, "AS holder", "AS保有組織"},
    {LabelId::country, "Country", "国"},
    {LabelId::route, "Route object", "ルートオブジェクト"},
    {LabelId::maintainer, "Maintainer", "メンテナー"},
    {LabelId::first_seen, "First seen", "初観測"},
    {LabelId::last_seen, "Last seen", "最終観測"},
    {LabelId::messages, "Messages", "通数"},
    {LabelId::basis, "Fact / claim", "事実/主張"},
    {LabelId::fact, "fact", "事実"},
    {LabelId::claim, "claim", "主張"},
    {LabelId::domain, "Domain", "ドメイン"},
    {LabelId::roles, "Roles", "役割"},
    {LabelId::ips, "IP addresses", "IPアドレス"},
    {LabelId::registered, "Registered", "登録日"},
    {LabelId::helo, "HELO name", "HELO名"},
    {LabelId::kind, "Kind", "種類"},
    {LabelId::indicator, "Indicator", "指標"},
    {LabelId::date, "Date", "日時"},
    {LabelId::subject, "Subject", "件名"},
    {LabelId::origin_ip, "Origin IP", "送信元IP"},
    {LabelId::week, "Week", "週"},
    {LabelId::new_indicators, "New indicators", "新しい指標"},
    {LabelId::filter, "Filter rows", "行を絞り込む"},
    {LabelId::sort_hint, "Click to sort", "クリックで並べ替え"},
    {LabelId::unknown, "\u2014", "\u2014"},
    {LabelId::nodes_left_out, "more nodes are not drawn", "個のノードは描画を省略しました"},
    {LabelId::edges_left_out, "more edges are not drawn", "本のエッジは描画を省略しました"},
    {LabelId::html_has_figures,
     "The HTML version of this report also draws the infrastructure graph and the weekly timeline.",
     "この報告のHTML版には、インフラの関係図と週ごとの推移のグラフもあります。"},
};

constexpr bool labels_in_order() {
  for (size_t i = 0; i < std::size(kLabels); ++i)
    if (static_cast<size_t>(kLabels[i].id) != i) return false;
  return std::size(kLabels) == static_cast<size_t>(LabelId::html_has_figures) + 1;
}
static_assert(labels_in_order(), "kLabels must list every LabelId once, in order");

struct Word {
  std::string_view key;
  std::string_view en;
  std::string_view ja;
};

constexpr Word kRoles[] = {
    {"origin-ip", "origin IP", "送信元IP"},
    {"relay-ip", "relay IP", "中継IP"},
    {"helo", "HELO", "HELO名"},
    {"rdns", "reverse DNS", "逆引きホスト名"},
    {"originating-ip", "X-Originating-IP", "X-Originating-IP"},
    {"envelope-from", "envelope sender", "エンベロープ送信者"},
    {"header-from", "From header", "差出人 (From)"},
    {"sender", "Sender header", "Senderヘッダー"},
    {"reply-to", "Reply-To", "返信先 (Reply-To)"},
    {"dkim-domain", "DKIM signer", "DKIM署名ドメイン"},
    {"message-id-domain", "Message-ID domain", "Message-IDのドメイン"},
    {"list-unsubscribe", "List-Unsubscribe", "配信停止先 (List-Unsubscribe)"},
    {"url", "URL in body", "本文中のURL"},
    {"url-domain", "host of a URL in body", "本文中URLのホスト"},
};

constexpr Word kRelations[] = {
    {"sent-from", "sent from", "送信元"},
    {"relayed-by", "relayed by", "中継"},
    {"helo", "HELO", "HELO名"},
    {"ptr", "reverse DNS", "逆引き"},
    {"resolves-to", "resolves to", "名前解決"},
    {"in-prefix", "in prefix", "所属プレフィックス"},
    {"originated-by", "originated by", "経路の起点AS"},
    {"held-by", "held by", "保有組織"},
    {"in-country", "in country", "国"},
    {"maintained-by", "maintained by", "管理者"},
    {"registered-by", "registered by", "登録者"},
    {"envelope-from", "envelope sender", "エンベロープ送信者"},
    {"header-from", "From header", "差出人"},
    {"url-domain", "URL host", "URLのホスト"},
};

constexpr Word kKinds[] = {
    {"ip", "IP address", "IPアドレス"},
    {"prefix", "prefix", "プレフィックス"},
    {"asn", "AS", "AS"},
    {"domain", "domain", "ドメイン"},
    {"email", "e-mail address", "メールアドレス"},
    {"url", "URL", "URL"},
    {"org", "organisation", "組織"},
    {"country", "country", "国"},
    {"route", "route object", "ルートオブジェクト"},
    {"maintainer", "maintainer", "メンテナー"},
};

template <size_t N>
std::string_view look_up(const Word (&words)[N], ReportLanguage language, std::string_view key) {
  for (const Word& word : words)
    if (word.key == key) return language == ReportLanguage::ja ? word.ja : word.en;
  return key;
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
void civil_from_days(int64_t days, int64_t& year, int& month, int& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = yoe + era * 400 + (month <= 2 ? 1 : 0);
}

}  // namespace

std::string_view label(ReportLanguage language, LabelId id) {
  const auto index = static_cast<size_t>(id);
  if (index >= std::size(kLabels)) return "?";
  return language == ReportLanguage::ja ? kLabels[index].ja : kLabels[index].en;
}

std::string_view role_label(ReportLanguage language, std::string_view role) { return look_up(kRoles, language, role); }

std::string_view relation_label(ReportLanguage language, std::string_view relation) {
  return look_up(kRelations, language, relation);
}

std::string_view kind_label(ReportLanguage language, std::string_view kind) { return look_up(kKinds, language, kind); }

CivilDate civil_date(UnixTime time) {
  // Floor division, so that times before 1970 fall on the right day.
  int64_t days = time / 86400;
  int64_t seconds = time % 86400;
  if (seconds < 0) {
    seconds += 86400;
    --days;
  }
  CivilDate date;
  civil_from_days(days, date.year, date.month, date.day);
  date.hour = static_cast<int>(seconds / 3600);
  date.minute = static_cast<int>(seconds % 3600 / 60);
  return date;
}

std::string format_date(UnixTime time, ReportLanguage language) {
  const CivilDate d = civil_date(time);
  char buffer[64];
  if (language == ReportLanguage::ja)
    std::snprintf(buffer, sizeof buffer, "%lld年%d月%d日", static_cast<long long>(d.year), d.month, d.day);
  else
    std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02d", static_cast<long long>(d.year), d.month, d.day);
  return buffer;
}

std::string format_date_time(UnixTime time, ReportLanguage language) {
  const CivilDate d = civil_date(time);
  char buffer[32];
  if (language == ReportLanguage::ja) {
    std::snprintf(buffer, sizeof buffer, " %d:%02d (UTC)", d.hour, d.minute);
  } else {
    std::snprintf(buffer, sizeof buffer, " %02d:%02d UTC", d.hour, d.minute);
  }
  return format_date(time, language) + buffer;
}

std::string format_month_day(UnixTime time, ReportLanguage language) {
  const CivilDate d = civil_date(time);
  char buffer[16];
  if (language == ReportLanguage::ja)
    std::snprintf(buffer, sizeof buffer, "%d/%d", d.month, d.day);
  else
    std::snprintf(buffer, sizeof buffer, "%02d-%02d", d.month, d.day);
  return buffer;
}

std::string format_count(int64_t count, ReportLanguage) {
  // Through the unsigned magnitude, so that INT64_MIN is printed too.
  uint64_t magnitude = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  std::string digits;
  int in_group = 0;
  do {
    if (in_group == 3) {
      digits += ',';
      in_group = 0;
    }
    digits += static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
    ++in_group;
  } while (magnitude != 0);
  if (count < 0) digits += '-';
  return std::string(digits.rbegin(), digits.rend());
}

}  // namespace sg
