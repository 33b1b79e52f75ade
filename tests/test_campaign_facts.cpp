// Stored campaign facts (analysis/campaign_facts.h): what a timeline reads from
// them equals what reading the campaign's messages gives, whether a scan of the
// whole store or lookups made them, and every change that could alter them
// (enrichment, membership, removals) makes them stale until they are made again.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/campaign_facts.h"
#include "analysis/diff.h"
#include "analysis/timeline.h"
#include "store/campaigns.h"
#include "store/graph_scan.h"
#include "store/store.h"
#include "tests/helpers.h"
#include "tests/json_helpers.h"

using namespace sg;
using nlohmann::json;

namespace {

std::unique_ptr<Store> open(const std::string& db) {
  auto store = Store::open(db);
  REQUIRE_MESSAGE(store, (store ? "" : store.error().to_string()));
  return std::move(store.value());
}

// A timeline as text with every field, for comparing two of them whole.
std::string dump(const Timeline& t) {
  std::ostringstream out;
  out << t.subject << ' ' << t.messages << ' ' << t.first_seen << ' ' << t.last_seen << ' ' << t.indicators_total
      << ' ' << t.weeks_truncated << '\n';
  for (const IndicatorStats& s : t.indicators) {
    out << to_text(s.kind) << ' ' << s.value << ' ' << s.entity_id << ' ' << s.first_seen << ' ' << s.last_seen << ' '
        << s.messages << ' ' << s.fact << ' ' << s.ips_total << " roles";
    for (const std::string& role : s.roles) out << ' ' << role;
    out << " ips";
    for (const std::string& ip : s.ips) out << ' ' << ip;
    out << '\n';
  }
  for (const TimelineWeekRow& w : t.weeks) {
    out << "week " << w.week_start << ' ' << w.messages << ' ' << w.new_count;
    for (const std::string& name : w.new_indicators) out << ' ' << name;
    out << '\n';
  }
  return out.str();
}

// Whether campaign `id` has stored facts that are still true.
bool fresh(Store& store, int64_t id) {
  auto totals = fresh_campaign_facts(store, id);
  REQUIRE(totals);
  return totals->has_value();
}

// Checks that every campaign's timeline (stored facts when fresh) is the one its
// messages give; returns how many campaigns had fresh facts, and the indicators seen.
struct Checked {
  int64_t fresh = 0, campaigns = 0, indicators = 0, networks = 0;
};
Checked check_timelines(Store& store, const TimelineLimits& limits = {}) {
  auto campaigns = list_campaigns(store);
  REQUIRE(campaigns);
  Checked checked;
  for (const CampaignSummary& campaign : *campaigns) {
    CAPTURE(campaign.name);
    checked.campaigns += 1;
    if (fresh(store, campaign.id)) checked.fresh += 1;
    auto stored = campaign_timeline(store, campaign, limits);
    REQUIRE(stored);
    auto ids = campaign_message_ids(store, campaign.id);
    REQUIRE(ids);
    auto read = timeline_of_messages(store, *ids, campaign.name, limits);
    REQUIRE(read);
    CHECK(dump(*stored) == dump(*read));
    checked.indicators += read->indicators_total;
    for (const IndicatorStats& stats : read->indicators)
      if (stats.kind == EntityKind::prefix || stats.kind == EntityKind::asn) checked.networks += 1;
  }
  return checked;
}

// The stored facts as text, in key order.
std::string stored_rows(Store& store) {
  std::string text;
  for (const auto& [sql, columns] :
       {std::pair{"SELECT campaign_id, first_seen, kind, value, entity_id, roles, last_seen, messages, fact, ips,"
                  " ips_total FROM campaign_indicator ORDER BY 1, 2, 3, 4",
                  11},
        std::pair{"SELECT campaign_id, week_start, messages, new_indicators FROM campaign_week ORDER BY 1, 2", 4},
        std::pair{"SELECT campaign_id, messages, first_seen, last_seen, indicators FROM campaign_facts ORDER BY 1", 5}}) {
    auto query = store.database().prepare(sql);
    while (query.step()) {
      for (int column = 0; column < columns; ++column) text += query.text(column) + '|';
      text += '\n';
    }
    REQUIRE(query.error().empty());
  }
  return text;
}

std::string third_message(const TempDir& dir) {
  const std::string path = dir.path("jacks-3.txt");
  std::ofstream(path) << "Received: from 114.113.195.12  (EHLO re27.leadw.link) (114.113.195.12)\n"
                         "Received: from newdomain42.xyz (static-ip.137.54.244.103.rev.i4hk.com [103.244.54.138])\n"
                         "Return-Path: <bounce-1@newdomain42.xyz>\n";
  return path;
}

}  // namespace

TEST_CASE("campaign facts: stored ones equal reading the messages, and every change that could alter them stales them") {
  const std::string v4 = repo_path(kIpLocationDir + "/asn-ipv4.csv");
  REQUIRE_MESSAGE(std::filesystem::exists(v4), v4 << " is missing: run scripts/setup.sh");
  TempDir dir("campaign-facts");
  const std::string db = dir.path("graph.db");
  for (const auto& [file, day] : {std::pair{"data/seed/jacks-1.txt", "2020-01-10T09:00:00Z"},
                                  std::pair{"data/seed/jacks-2.txt", "2020-02-20T09:00:00Z"}})
    REQUIRE(spamgraph(db, {"ingest", "--assume-time", day, repo_path(file)}).exit_code == 0);
  REQUIRE(spamgraph(db, {"ingest", test_data("corpus")}).exit_code <= 1);
  REQUIRE(spamgraph(db, {"data", "import", "ip-location-db", v4}).exit_code == 0);
  REQUIRE(spamgraph(db, {"enrich", "asn"}).exit_code == 0);
  CommandResult clustered = spamgraph(db, {"campaign", "auto"});
  INFO(clustered.err);
  REQUIRE(clustered.exit_code == 0);

  // `campaign auto` stored the facts of every campaign, and they are what the messages give.
  {
    auto store = open(db);
    const Checked checked = check_timelines(*store);
    CHECK(checked.campaigns >= 3);
    CHECK(checked.fresh == checked.campaigns);
    CHECK(checked.indicators >= 30);
    CHECK(checked.networks >= 2);
    // Limits cut both ways alike.
    check_timelines(*store, TimelineLimits{3, 2});
  }

  // A scan of the whole store and lookups around the messages store the same rows.
  std::string by_scan, by_lookups;
  {
    auto store = open(db);
    REQUIRE(store->database().exec("DELETE FROM campaign_facts"));
    auto scanned = refresh_campaign_facts(*store, FactsRefreshOptions{0, std::nullopt});
    REQUIRE(scanned);
    CHECK(scanned->scanned);
    CHECK(scanned->campaigns >= 3);
    by_scan = stored_rows(*store);
    REQUIRE(store->database().exec("DELETE FROM campaign_facts"));
    auto looked_up = refresh_campaign_facts(*store, FactsRefreshOptions{1000000, std::nullopt});
    REQUIRE(looked_up);
    CHECK_FALSE(looked_up->scanned);
    CHECK(looked_up->campaigns == scanned->campaigns);
    by_lookups = stored_rows(*store);
    CHECK(by_scan.size() > 1000);
    CHECK(by_scan == by_lookups);
    // Nothing changed since: nothing to do.
    auto again = refresh_campaign_facts(*store);
    REQUIRE(again);
    CHECK(again->campaigns == 0);
  }

  // A campaign's diff up to now reads the facts; reading the messages names the same
  // indicators (a vanished one's counts there are the previous period's alone).
  {
    auto store = open(db);
    auto campaigns = list_campaigns(*store);
    REQUIRE(campaigns);
    int compared = 0;
    for (const CampaignSummary& campaign : *campaigns) {
      for (UnixTime since : {campaign.first_seen, campaign.first_seen + 1, (campaign.first_seen + campaign.last_seen) / 2,
                             campaign.last_seen}) {
        CAPTURE(campaign.name);
        CAPTURE(since);
        DiffOptions options;
        options.since = since;
        options.campaign = campaign.id;
        auto stored = diff_period(*store, options);
        options.read_messages = true;
        auto read = diff_period(*store, options);
        REQUIRE(stored);
        REQUIRE(read);
        auto rows = [](const std::vector<IndicatorStats>& list, bool whole) {
          Timeline t;
          t.indicators = list;
          if (whole) return dump(t);
          std::string keys;
          for (const IndicatorStats& s : list) keys += std::string(to_text(s.kind)) + ' ' + s.value + '\n';
          return keys;
        };
        CHECK(rows(stored->appeared, true) == rows(read->appeared, true));
        CHECK(rows(stored->vanished, false) == rows(read->vanished, false));
        CHECK(stored->appeared_by_kind == read->appeared_by_kind);
        CHECK(stored->vanished_by_kind == read->vanished_by_kind);
        // A limit lists the first of each, and still counts all.
        options.limit = 2;
        for (bool from_facts : {true, false}) {
          options.read_messages = !from_facts;
          auto cut = diff_period(*store, options);
          REQUIRE(cut);
          const auto& full = from_facts ? *stored : *read;
          CHECK(cut->appeared.size() == std::min<size_t>(2, full.appeared.size()));
          CHECK(cut->vanished.size() == std::min<size_t>(2, full.vanished.size()));
          for (size_t i = 0; i < cut->appeared.size(); ++i) CHECK(cut->appeared[i].value == full.appeared[i].value);
          for (size_t i = 0; i < cut->vanished.size(); ++i) CHECK(cut->vanished[i].value == full.vanished[i].value);
          CHECK(cut->appeared_by_kind == full.appeared_by_kind);
          CHECK(cut->vanished_by_kind == full.vanished_by_kind);
        }
        compared += static_cast<int>(stored->appeared.size() + stored->vanished.size());
      }
    }
    CHECK(compared > 20);
  }

  // New mail joins no campaign: the facts stay true.
  REQUIRE(spamgraph(db, {"ingest", "--assume-time", "2020-03-01T00:00:00Z", third_message(dir)}).exit_code == 0);
  {
    auto store = open(db);
    CHECK(check_timelines(*store).fresh >= 3);
  }
  // Enrichment puts the new relay's IP in a prefix: every campaign's facts are stale.
  // Inside a read transaction a timeline cannot store them again: it reads the
  // messages (still right), and they stay stale.
  REQUIRE(spamgraph(db, {"enrich", "asn"}).exit_code == 0);
  {
    auto store = open(db);
    {
      ReadSnapshot snapshot(*store);
      REQUIRE(snapshot.status());
      CHECK(check_timelines(*store).fresh == 0);
      CHECK(check_timelines(*store).fresh == 0);
    }
    // Outside one, each timeline stores its campaign's facts for the next.
    const Checked first = check_timelines(*store);
    CHECK(first.fresh == 0);
    CHECK(check_timelines(*store).fresh == first.campaigns);
    auto refreshed = refresh_campaign_facts(*store);
    REQUIRE(refreshed);
    CHECK(refreshed->campaigns == 0);
  }
  // A campaign made by hand: the command stores its facts; the new mail is in it.
  CommandResult added = spamgraph(db, {"campaign", "add", "by hand", "newdomain42[.]xyz"});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  int64_t by_hand = 0;
  {
    auto store = open(db);
    auto campaign = find_campaign(*store, "by hand");
    REQUIRE(campaign);
    by_hand = campaign->id;
    CHECK(fresh(*store, by_hand));
    auto timeline = campaign_timeline(*store, *campaign);
    REQUIRE(timeline);
    CHECK(timeline->messages == 1);
    const Checked checked = check_timelines(*store);
    CHECK(checked.fresh == checked.campaigns);
  }
  // Moving messages through the library alone stales the campaigns they leave and join, no other.
  {
    auto store = open(db);
    auto campaigns = list_campaigns(*store);
    REQUIRE(campaigns);
    REQUIRE(campaigns->size() >= 3);
    const CampaignSummary& from = campaigns->front();
    auto ids = campaign_message_ids(*store, from.id);
    REQUIRE(ids);
    REQUIRE_FALSE(ids->empty());
    REQUIRE(store->begin());
    REQUIRE(assign_messages(*store, by_hand, {ids->front()}, 1));
    REQUIRE(store->commit());
    CHECK_FALSE(fresh(*store, from.id));
    CHECK_FALSE(fresh(*store, by_hand));
    const Checked checked = check_timelines(*store);
    CHECK(checked.fresh == checked.campaigns - 2);
    CHECK(fresh(*store, from.id));
  }
  // Removing the dataset removes the networks: stale again, and the timelines still right.
  REQUIRE(spamgraph(db, {"campaign", "rename", "by hand", "by hand 2"}).exit_code == 0);
  REQUIRE(spamgraph(db, {"data", "remove", "1"}).exit_code == 0);
  {
    auto store = open(db);
    const Checked checked = check_timelines(*store);
    CHECK(checked.fresh == 0);
    CHECK(checked.networks == 0);
  }
}

TEST_CASE("timeline: --limit lists the first indicators and says how many more there are") {
  TempDir dir("timeline-limit");
  const std::string db = dir.path("graph.db");
  for (const auto& [file, day] : {std::pair{"data/seed/jacks-1.txt", "2020-01-10T09:00:00Z"},
                                  std::pair{"data/seed/jacks-2.txt", "2020-02-20T09:00:00Z"}})
    REQUIRE(spamgraph(db, {"ingest", "--assume-time", day, repo_path(file)}).exit_code == 0);
  REQUIRE(spamgraph(db, {"campaign", "add", "jacks", "114.113.195.0/24"}).exit_code == 0);
  CommandResult all = spamgraph(db, {"timeline", "jacks", "--json", "--limit", "0"});
  INFO(all.err);
  REQUIRE(all.exit_code == 0);
  const json whole = json::parse(all.out);
  const int64_t total = whole["indicators_total"].get<int64_t>();
  CHECK(total == static_cast<int64_t>(whole["indicators"].size()));
  REQUIRE(total > 4);
  int64_t new_in_weeks = 0;
  for (const json& week : whole["weeks"]) new_in_weeks += week["new_count"].get<int64_t>();
  CHECK(new_in_weeks == total);

  CommandResult cut = spamgraph(db, {"timeline", "jacks", "--json", "--limit", "3"});
  REQUIRE(cut.exit_code == 0);
  const json part = json::parse(cut.out);
  CHECK(part["indicators_total"] == total);
  REQUIRE(part["indicators"].size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(part["indicators"][i] == whole["indicators"][i]);
  CommandResult text = spamgraph(db, {"timeline", "jacks", "--limit", "3"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("... and " + std::to_string(total - 3) + " more (--limit 0 lists all)") != std::string::npos);
}
