// Just enough XML for S3's responses (ListObjectsV2, errors, multipart, DeleteObjects):
// they are flat, machine-written documents, so a tag scanner replaces a parser dependency.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lithops {

/// Text of the first <tag>...</tag> in `xml`, entities decoded; empty if absent.
std::string xml_text(std::string_view xml, std::string_view tag);
/// The inner XML of every <tag>...</tag> in order (not decoded: pass to xml_text).
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag);
std::string xml_escape(std::string_view text);
std::string xml_unescape(std::string_view text);

}  // namespace lithops
