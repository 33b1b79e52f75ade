// libFuzzer target: one RDAP answer body as a registry (or anyone on the path) may
// send it, read by parse_rdap_answer under a status the first byte picks; the same
// bytes as a bootstrap file of each kind, then looked up.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "enrich/rdap/bootstrap.h"
#include "enrich/rdap/rdap.h"

static volatile size_t sink;

namespace {

void touch(std::string_view text) { sink = sink + text.size() + (text.empty() ? 0 : static_cast<uint8_t>(text[0])); }

void touch_links(const std::vector<sg::rdap::Link>& links) {
  for (const auto& link : links) {
    touch(link.rel);
    touch(link.href);
    touch(link.type);
    touch(link.value);
  }
}

void touch_events(const std::vector<sg::rdap::Event>& events) {
  for (const auto& event : events) {
    touch(event.action);
    touch(event.actor);
    touch(event.date_text);
    sink = sink + static_cast<size_t>(event.date.value_or(0));
  }
}

void touch_notices(const std::vector<sg::rdap::Notice>& notices) {
  for (const auto& notice : notices) {
    touch(notice.title);
    touch(notice.description);
    touch(notice.type);
    touch_links(notice.links);
  }
}

void touch_entity(const sg::rdap::Entity& entity) {
  touch(entity.handle);
  for (const auto& role : entity.roles) touch(role);
  for (const auto& level : entity.role_path) touch(level);
  sink = sink + static_cast<size_t>(entity.parent + 1) + static_cast<size_t>(entity.depth);
  const sg::rdap::Contact& contact = entity.contact;
  touch(contact.kind);
  touch(contact.full_name);
  touch(contact.organisation);
  touch(contact.country);
  touch(contact.address);
  for (const auto& email : contact.emails) touch(email);
  for (const auto& phone : contact.phones) touch(phone);
  for (const auto& id : entity.public_ids) {
    touch(id.type);
    touch(id.identifier);
  }
  for (const auto& status : entity.status) touch(status);
  touch_events(entity.events);
  touch_links(entity.links);
  touch_notices(entity.remarks);
  touch(entity.display_name());
  touch(entity.iana_registrar_id());
}

void touch_answer(const sg::rdap::Answer& answer) {
  sink = sink + static_cast<size_t>(answer.outcome) + static_cast<size_t>(answer.object_class);
  sink = sink + static_cast<size_t>(answer.error.code.value_or(0));
  touch(answer.error.title);
  touch(answer.error.description);
  touch(answer.handle);
  touch(answer.port43);
  for (const auto& item : answer.conformance) touch(item);
  for (const auto& item : answer.status) touch(item);
  for (const auto& item : answer.ignored) touch(item);
  touch_events(answer.events);
  touch_links(answer.links);
  touch_notices(answer.notices);
  touch_notices(answer.remarks);
  for (const auto& entity : answer.entities) touch_entity(entity);
  if (answer.entity) touch_entity(*answer.entity);
  if (answer.network) {
    const auto& network = *answer.network;
    if (network.start) touch(network.start->to_string());
    if (network.end) touch(network.end->to_string());
    for (const auto& cidr : network.cidrs) touch(cidr.to_string());
    touch(network.name);
    touch(network.type);
    touch(network.country);
    touch(network.parent_handle);
    touch(network.ip_version);
  }
  if (answer.autnum) {
    sink = sink + answer.autnum->start.value_or(0) + answer.autnum->end.value_or(0);
    touch(answer.autnum->name);
    touch(answer.autnum->country);
  }
  if (answer.domain) {
    touch(answer.domain->ldh_name);
    touch(answer.domain->unicode_name);
    for (const auto& server : answer.domain->nameservers) touch(server);
    sink = sink + answer.domain->delegation_signed.value_or(false);
  }
  if (answer.nameserver) {
    touch(answer.nameserver->ldh_name);
    for (const auto& address : answer.nameserver->addresses) touch(address.to_string());
  }
  touch(answer.abuse_email());
  if (const auto* holder = answer.holder()) touch(holder->handle);
  const sg::rdap::Registrar registrar = answer.registrar();
  touch(registrar.name);
  touch(registrar.iana_id);
  touch(registrar.abuse_email);
  touch_links(answer.referrals());
  sink = sink + static_cast<size_t>(answer.event_date("registration").value_or(0));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const int kStatuses[] = {200, 404, 429, 301, 500};
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto answer = sg::rdap::parse_rdap_answer(kStatuses[data[0] % 5], bytes);
  if (answer) touch_answer(*answer);
  else touch(answer.error().to_string());

  using sg::rdap::BootstrapRegistry;
  sg::rdap::Bootstrap bootstrap;
  for (BootstrapRegistry registry :
       {BootstrapRegistry::asn, BootstrapRegistry::ipv4, BootstrapRegistry::ipv6, BootstrapRegistry::dns}) {
    const auto added = bootstrap.add_file(registry, bytes, sg::rdap::bootstrap_file_name(registry));
    if (!added) touch(added.error().to_string());
  }
  for (const char* address : {"114.113.195.101", "2001:4860:4860::8888", "10.0.0.1"})
    for (const auto& url : bootstrap.base_urls_for_ip(*sg::IpAddress::parse(address))) touch(url);
  for (const auto& url : bootstrap.base_urls_for_asn(133027)) touch(url);
  for (const auto& url : bootstrap.base_urls_for_domain("www.example.com")) touch(url);
  touch(bootstrap.publication(BootstrapRegistry::dns));
  return 0;
}
