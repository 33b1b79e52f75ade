#include "enrich/dns/fcrdns.h"

#include <utility>

#include "enrich/dns/reverse.h"

namespace sg::dns {

std::vector<FcrdnsResult> check_fcrdns(Resolver& resolver, const std::vector<IpAddress>& addresses) {
  std::vector<FcrdnsResult> results(addresses.size());
  std::vector<Query> ptr_queries;
  for (const IpAddress& address : addresses) ptr_queries.push_back({reverse_name(address), RecordType::PTR});
  std::vector<Answer> ptr_answers = resolver.resolve_all(ptr_queries);

  std::vector<Query> forward_queries;
  std::vector<size_t> owner;  // forward query index -> address index
  for (size_t i = 0; i < addresses.size(); ++i) {
    results[i].address = addresses[i];
    results[i].ptr = std::move(ptr_answers[i]);
    const RecordType type = addresses[i].is_v4() ? RecordType::A : RecordType::AAAA;
    for (const std::string& name : results[i].ptr.values()) {
      forward_queries.push_back({name, type});
      owner.push_back(i);
    }
  }
  std::vector<Answer> forward_answers = resolver.resolve_all(forward_queries);
  for (size_t k = 0; k < forward_answers.size(); ++k) {
    FcrdnsResult& result = results[owner[k]];
    for (const std::string& value : forward_answers[k].values()) {
      const auto address = IpAddress::parse(value);
      if (address && *address == result.address) {
        result.confirmed_names.push_back(normalize_name(forward_answers[k].query.name));
        break;
      }
    }
    result.forward.push_back(std::move(forward_answers[k]));
  }
  return results;
}

FcrdnsResult check_fcrdns(Resolver& resolver, const IpAddress& address) {
  return std::move(check_fcrdns(resolver, std::vector<IpAddress>{address}).front());
}

}  // namespace sg::dns
