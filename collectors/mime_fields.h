// The fields of a MIME part header the body walk reads: Content-Type and
// Content-Transfer-Encoding, found without splitting the whole header, and the
// split of an entity into its header and body. Internal to collectors/
// (namespace sg::mime): mime_urls.h is the API.
#pragma once
#include <string>
#include <string_view>

namespace sg {

struct HeaderBlock;

namespace mime {

// The two fields of a part header the walk needs, unfolded and trimmed; empty
// when absent. Views into the header, or into `folded` when continuation
// lines had to be joined.
struct PartFields {
  std::string_view content_type;
  std::string_view transfer_encoding;
};

// Where a part's folded field values are joined: kept from part to part.
struct FoldedFields {
  std::string content_type;
  std::string transfer_encoding;
};

/// The first Content-Type and Content-Transfer-Encoding of a message's header,
/// as split_header_block_into split it: read from the lines of block.fields,
/// then from the lines of block.raw after the last of them (all of block.raw
/// when there are no fields). Continuation lines are joined in `folded`.
PartFields header_fields(const HeaderBlock& block, FoldedFields& folded);

/// The body of the MIME entity in `part`, after its header lines, with the
/// part's Content-Type and Content-Transfer-Encoding read into `fields` (joined
/// in `folded` when folded). Lenient about a missing blank line: the first line
/// that is neither a field nor a continuation starts the body.
std::string_view split_entity(std::string_view part, PartFields& fields, FoldedFields& folded);

}  // namespace mime

}  // namespace sg
