#include "backends/storage/s3_xml.h"

#include <cctype>
#include <cstdlib>

namespace lithops {

std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  std::string open = "<" + std::string(tag);
  std::string close = "</" + std::string(tag) + ">";
  size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    size_t after = pos + open.size();
    // "<Key>" or "<Key attr=..>" but not "<KeyCount>".
    if (after >= xml.size() || (xml[after] != '>' && xml[after] != ' ' && xml[after] != '/')) {
      pos = after;
      continue;
    }
    size_t gt = xml.find('>', after);
    if (gt == std::string_view::npos) break;
    if (xml[gt - 1] == '/') {  // <Tag/>: empty element
      out.emplace_back();
      pos = gt + 1;
      continue;
    }
    size_t end = xml.find(close, gt + 1);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(gt + 1, end - gt - 1));
    pos = end + close.size();
  }
  return out;
}

std::string xml_text(std::string_view xml, std::string_view tag) {
  auto elements = xml_elements(xml, tag);
  return elements.empty() ? std::string() : xml_unescape(elements.front());
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The code point of a character reference ("#65", "#x42"), or 0 if `entity` is not one that
// names a character XML allows (digits only; no NUL, no surrogate, at most U+10FFFF): such
// text is kept as it is, so a key decoded from a listing stays UTF-8.
unsigned long character_reference(const std::string& entity) {
  bool hex = entity.size() > 1 && entity[0] == '#' && (entity[1] == 'x' || entity[1] == 'X');
  size_t digits = hex ? 2 : 1;
  if (entity.size() <= digits || entity[0] != '#' || entity.size() - digits > 8) return 0;
  for (size_t i = digits; i < entity.size(); ++i)
    if (!(hex ? std::isxdigit(static_cast<unsigned char>(entity[i]))
              : std::isdigit(static_cast<unsigned char>(entity[i]))))
      return 0;
  unsigned long cp = std::strtoul(entity.c_str() + digits, nullptr, hex ? 16 : 10);
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return cp;
}

}  // namespace

std::string xml_unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    size_t semi = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos) {
      out += text[i];
      continue;
    }
    std::string entity(text.substr(i + 1, semi - i - 1));
    if (entity == "amp")
      out += '&';
    else if (entity == "lt")
      out += '<';
    else if (entity == "gt")
      out += '>';
    else if (entity == "quot")
      out += '"';
    else if (entity == "apos")
      out += '\'';
    else if (unsigned long cp = character_reference(entity))
      append_utf8(out, cp);
    else {
      out += text[i];
      continue;
    }
    i = semi;
  }
  return out;
}

}  // namespace lithops
