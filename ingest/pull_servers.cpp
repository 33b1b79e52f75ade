// `pull` from mail servers: IMAP mailboxes (a UID cursor each) and POP3
// maildrops (the UIDLs already read).
#include <algorithm>
#include <deque>
#include <set>
#include <utility>

#include "collectors/imap/imap_client.h"
#include "collectors/imap/pop3_client.h"
#include "ingest/pull_sources.h"

namespace sg::pull_detail {

namespace {

// Fetches `uids` in batches, two requests in flight so the server sends the
// next batch while this one is handed on, each batch with the cursor that
// stands once it is stored: its highest UID.
Status fetch_batches(imap::ImapClient& client, const std::vector<uint64_t>& uids, const PullOptions& options,
                     const MailCursor& cursor, size_t mailbox, BoundedQueue<PulledBatch>& out) {
  constexpr size_t kInFlight = 2;
  // Whole messages are larger: fewer per request keeps the memory in flight bounded.
  const size_t batch = std::max<size_t>(1, options.full ? std::min<size_t>(options.batch_messages, 50)
                                                        : options.batch_messages);
  std::deque<std::pair<uint64_t, size_t>> in_flight;  // (ticket, end index of its UIDs)
  size_t next = 0;
  auto request_more = [&]() -> Status {
    while (in_flight.size() < kInFlight && next < uids.size()) {
      const size_t end = std::min(uids.size(), next + batch);
      auto ticket = client.request(uids, next, end, options.full);
      if (!ticket) return ticket.error();
      in_flight.emplace_back(*ticket, end);
      next = end;
    }
    return Ok{};
  };
  if (auto status = request_more(); !status) return status;
  while (!in_flight.empty()) {
    const uint64_t ticket = in_flight.front().first;
    const size_t end = in_flight.front().second;
    in_flight.pop_front();
    PulledBatch fetched;
    fetched.mailbox = mailbox;
    fetched.cursor = cursor;
    fetched.cursor.last_uid = uids[end - 1];
    auto status = client.collect(ticket, [&](imap::FetchedMessage&& message) {
      PulledMessage pulled;
      pulled.source = MessageSource{SourceKind::imap, cursor.source, 0, cursor.uidvalidity, message.uid};
      if (message.truncated)
        fetched.notes.push_back(where_from(pulled.source) + ": larger than " +
                                std::to_string(options.limits.max_message_size) + " bytes, only its start was read");
      pulled.bytes = std::move(message.bytes);
      fetched.messages.push_back(std::move(pulled));
    });
    if (!status) return status;  // a batch cut short is not stored: the next pull asks again
    auto more = request_more();
    if (!out.push(std::move(fetched))) return Ok{};
    if (!more) return more;
  }
  return Ok{};
}

// Pulls one mailbox from its cursor on.
Status pull_imap_mailbox(imap::ImapClient& client, const imap::MailServerUrl& url, const std::string& name,
                         PullContext& context) {
  MailboxPull mailbox;
  mailbox.source = url.mailbox_url(name);
  auto cursor = read_mail_cursor(context.store, mailbox.source);
  if (!cursor) return cursor.error();
  auto status = client.examine(name);
  if (!status) {
    // One mailbox of many (--all-mailboxes) that the server refuses to open is
    // reported and the others are read; a connection that broke ends the pull.
    if (!context.options.all_mailboxes || !client.usable()) return status.error();
    context.report.totals.count_unreadable(status.error());
    return Ok{};
  }
  mailbox.uidvalidity = status->uidvalidity;
  if (*cursor && status->uidvalidity != 0 && (*cursor)->uidvalidity == status->uidvalidity) {
    mailbox.after_uid = (*cursor)->last_uid;
  } else if (*cursor) {
    // The UIDs remembered mean nothing now: read all; the store skips what it has.
    mailbox.changed_from = (*cursor)->uidvalidity;
    mailbox.note = "UIDVALIDITY changed from " + std::to_string((*cursor)->uidvalidity) + " to " +
                   std::to_string(status->uidvalidity) + ": read again from the start";
  }
  if (status->uidvalidity == 0) mailbox.note = "the server sends no UIDVALIDITY: every pull reads all messages";
  auto uids = client.search_uids(mailbox.after_uid, context.options.since);
  if (!uids) return uids.error();
  mailbox.new_on_server = static_cast<int64_t>(uids->size());
  const size_t index = context.report.mailboxes.size();
  context.report.mailboxes.push_back(mailbox);

  MailCursor next_cursor;
  next_cursor.source = mailbox.source;
  next_cursor.uidvalidity = status->uidvalidity;
  next_cursor.last_uid = mailbox.after_uid;
  next_cursor.updated = now_or(context.options.now);
  if (uids->empty()) {
    if (*cursor && !mailbox.changed_from) return Ok{};
    // Nothing to read, but the mailbox (or its new UIDVALIDITY) is remembered.
    return context.batches.run(
        [&](BoundedQueue<PulledBatch>& out) -> Status {
          PulledBatch batch;
          batch.mailbox = index;
          batch.cursor = next_cursor;
          out.push(std::move(batch));
          return Ok{};
        },
        context.options.analysis);
  }
  return context.batches.run(
      [&](BoundedQueue<PulledBatch>& out) {
        return fetch_batches(client, *uids, context.options, next_cursor, index, out);
      },
      context.options.analysis);
}

}  // namespace

Status pull_imap(const imap::MailServerUrl& url, PullContext& context, imap::ConnectFailure* failure,
                 bool& connected) {
  auto client = imap::ImapClient::connect(url, context.options.connect, context.options.limits, failure);
  if (!client) return client.error();
  connected = true;
  std::vector<std::string> names;
  if (context.options.all_mailboxes) {
    auto listed = (*client)->list_mailboxes();
    if (!listed) return listed.error();
    for (const imap::MailboxEntry& entry : *listed)
      if (entry.selectable) names.push_back(entry.name);
  } else {
    names.push_back(url.mailbox.empty() ? "INBOX" : url.mailbox);
  }
  for (const std::string& name : names)
    if (auto status = pull_imap_mailbox(**client, url, name, context); !status) return status;
  (*client)->logout();
  return Ok{};
}

Status pull_pop3(const imap::MailServerUrl& url, PullContext& context, imap::ConnectFailure* failure,
                 bool& connected) {
  auto client = imap::Pop3Client::connect(url, context.options.connect, context.options.limits, failure);
  if (!client) return client.error();
  connected = true;
  MailboxPull mailbox;
  mailbox.source = url.mailbox_url("");
  auto listing = (*client)->unique_ids();
  if (!listing) return listing.error();
  auto seen_list = read_mail_seen(context.store, mailbox.source);
  if (!seen_list) return seen_list.error();
  const std::set<std::string> seen(seen_list->begin(), seen_list->end());
  std::vector<imap::Pop3Entry> fresh;
  for (imap::Pop3Entry& entry : *listing)
    if (!seen.count(entry.unique_id)) fresh.push_back(std::move(entry));
  mailbox.new_on_server = static_cast<int64_t>(fresh.size());
  const size_t index = context.report.mailboxes.size();
  context.report.mailboxes.push_back(mailbox);
  const size_t batch = std::max<size_t>(1, context.options.batch_messages);
  auto status = context.batches.run(
      [&](BoundedQueue<PulledBatch>& out) -> Status {
        for (size_t begin = 0; begin < fresh.size(); begin += batch) {
          PulledBatch pulled;
          pulled.mailbox = index;
          pulled.seen_source = mailbox.source;
          auto fetched = (*client)->fetch(fresh, begin, std::min(fresh.size(), begin + batch), context.options.full,
                                          [&](size_t i, std::string&& bytes) {
                                            PulledMessage message;
                                            message.bytes = std::move(bytes);
                                            message.source = MessageSource{
                                                SourceKind::pop3, mailbox.source + "#" + fresh[i].unique_id, 0, 0, 0};
                                            pulled.messages.push_back(std::move(message));
                                            pulled.seen.push_back(fresh[i].unique_id);
                                          });
          if (!fetched) return fetched;
          if (!out.push(std::move(pulled))) return Ok{};
        }
        return Ok{};
      },
      context.options.analysis);
  if (!status) return status;
  (*client)->quit();
  return Ok{};
}

}  // namespace sg::pull_detail
