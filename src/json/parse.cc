#include "json/parse.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <boost/json/error.hpp>
#include <boost/json/stream_parser.hpp>

namespace allma::json {
namespace {

constexpr std::string_view kErrorName = "InvalidJson";

// "line L, column C" of byte offset `offset` in `text`.
std::string where(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

std::string describe_byte(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return "unexpected end of input";
  const auto c = static_cast<unsigned char>(text[offset]);
  if (c >= 0x80) return "invalid UTF-8 or unexpected byte";
  if (c < 0x20) return "unexpected control character";
  return std::string("unexpected character '") + static_cast<char>(c) + "'";
}

std::string describe(const boost::system::error_code& ec, std::string_view text,
                     std::size_t offset, const ParseLimits& limits) {
  if (ec == boost::json::error::too_deep) {
    return "nesting deeper than " + std::to_string(limits.max_depth) + " levels";
  }
  if (ec == boost::json::error::incomplete) return "unexpected end of input";
  if (ec == boost::json::error::syntax || ec == boost::json::error::extra_data) {
    return describe_byte(text, offset);
  }
  return ec.message();
}

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message), std::string(kErrorName));
}

}  // namespace

Result<boost::json::value> parse(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return invalid("input of " + std::to_string(text.size()) + " bytes is over the limit of " +
                   std::to_string(limits.max_bytes) + " bytes");
  }
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (ec) {
    return invalid(where(text, used) + ": " + describe(ec, text, used, limits));
  }
  if (!parser.done()) {
    parser.finish(ec);
    if (ec) {
      return invalid(where(text, text.size()) + ": " + describe(ec, text, text.size(), limits));
    }
  }
  // The parser stops after a complete value; anything left but whitespace is garbage.
  std::size_t rest = used;
  while (rest < text.size() && (text[rest] == ' ' || text[rest] == '\t' || text[rest] == '\r' ||
                                text[rest] == '\n')) {
    ++rest;
  }
  if (rest < text.size()) {
    return invalid(where(text, rest) + ": unexpected data after the JSON value");
  }
  return parser.release();
}

Result<boost::json::value> parse_file(const std::string& path, const ParseLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return make_error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kInvalidArgument,
                      path + ": cannot open: " + std::strerror(err), std::string(kErrorName));
  }
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limits.max_bytes) {
      return invalid(path + ": file is over the limit of " + std::to_string(limits.max_bytes) +
                     " bytes");
    }
  }
  if (in.bad()) return invalid(path + ": read failed");
  Result<boost::json::value> parsed = parse(text, limits);
  if (!parsed.ok()) return parsed.error().in(path);
  return parsed;
}

}  // namespace allma::json
