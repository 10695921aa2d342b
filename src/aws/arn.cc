#include "aws/arn.h"

#include <cstddef>
#include <vector>

namespace allma::aws {
namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMaxQualifierLength = 128;
constexpr std::size_t kMaxTextLength = 256;
constexpr std::string_view kErrorName = "InvalidFunctionName";

// One ':'-separated piece of the text and where it starts.
struct Piece {
  std::string_view text;
  std::size_t offset = 0;
};

Error invalid(std::string_view text, std::string message) {
  return make_error(ErrorCode::kInvalidArgument,
                    "function name \"" + std::string(text) + "\": " + std::move(message),
                    std::string(kErrorName));
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return !s.empty();
}

std::string describe_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) {
    return std::string("'") + c + "'";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 0xf];
}

std::vector<Piece> split(std::string_view text) {
  std::vector<Piece> pieces;
  std::size_t start = 0;
  while (true) {
    std::size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) {
      pieces.push_back({text.substr(start), start});
      return pieces;
    }
    pieces.push_back({text.substr(start, colon - start), start});
    start = colon + 1;
  }
}

Status check_name(std::string_view text, const Piece& p) {
  if (p.text.empty()) {
    return invalid(text, "empty function name at offset " + std::to_string(p.offset));
  }
  if (p.text.size() > kMaxNameLength) {
    return invalid(text, "function name at offset " + std::to_string(p.offset) + " is " +
                             std::to_string(p.text.size()) + " characters long (at most 64)");
  }
  for (std::size_t i = 0; i < p.text.size(); ++i) {
    if (!is_name_char(p.text[i])) {
      return invalid(text, describe_char(p.text[i]) + " at offset " + std::to_string(p.offset + i) +
                               " is not allowed in a function name (A-Z a-z 0-9 - _)");
    }
  }
  return ok_status();
}

Status check_qualifier(std::string_view text, const Piece& p) {
  std::string where = " at offset " + std::to_string(p.offset);
  if (p.text.empty()) {
    return invalid(text, "empty qualifier" + where);
  }
  if (p.text == "$LATEST" || all_digits(p.text)) {
    return ok_status();
  }
  if (p.text.size() > kMaxQualifierLength) {
    return invalid(text, "alias" + where + " is longer than 128 characters");
  }
  for (std::size_t i = 0; i < p.text.size(); ++i) {
    if (!is_name_char(p.text[i])) {
      return invalid(text, describe_char(p.text[i]) + " at offset " + std::to_string(p.offset + i) +
                               " is not allowed in a qualifier ($LATEST, a version number, or "
                               "an alias of A-Z a-z 0-9 - _)");
    }
  }
  return ok_status();
}

Status check_account(std::string_view text, const Piece& p) {
  if (p.text.size() != 12 || !all_digits(p.text)) {
    return invalid(text, "account id at offset " + std::to_string(p.offset) + " must be 12 digits");
  }
  return ok_status();
}

Status check_literal(std::string_view text, const Piece& p, std::string_view expected) {
  if (p.text != expected) {
    return invalid(
        text, "expected \"" + std::string(expected) + "\" at offset " + std::to_string(p.offset));
  }
  return ok_status();
}

// "aws" followed by letters and hyphens: aws, aws-cn, aws-us-gov, aws-iso-b.
Status check_partition(std::string_view text, const Piece& p) {
  bool ok = p.text.substr(0, 3) == "aws";
  for (char c : p.text.substr(ok ? 3 : 0)) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-');
  }
  if (!ok) {
    return invalid(text, "partition at offset " + std::to_string(p.offset) +
                             " must be \"aws\" or \"aws-<name>\"");
  }
  return ok_status();
}

// Two or more lowercase groups then a number: us-east-1, us-gov-west-1, ap-southeast-3.
Status check_region(std::string_view text, const Piece& p) {
  std::size_t last_dash = p.text.rfind('-');
  bool ok = last_dash != std::string_view::npos && last_dash >= 2 &&
            all_digits(p.text.substr(last_dash + 1));
  std::string_view head = ok ? p.text.substr(0, last_dash) : std::string_view();
  bool previous_dash = true;
  for (char c : head) {
    bool dash = c == '-';
    ok = ok && ((c >= 'a' && c <= 'z') || (dash && !previous_dash));
    previous_dash = dash;
  }
  if (!ok || previous_dash || head.find('-') == std::string_view::npos) {
    return invalid(text, "region at offset " + std::to_string(p.offset) +
                             " is not a region name like us-east-1");
  }
  return ok_status();
}

// Checks `pieces[first..]` as "<account>:function:<name>[:qualifier]" into `ref`.
Status parse_partial(std::string_view text, const std::vector<Piece>& pieces, std::size_t first,
                     FunctionRef& ref) {
  Status status = check_account(text, pieces[first]);
  if (status.ok()) {
    status = check_literal(text, pieces[first + 1], "function");
  }
  if (status.ok()) {
    status = check_name(text, pieces[first + 2]);
  }
  if (status.ok() && pieces.size() == first + 4) {
    status = check_qualifier(text, pieces[first + 3]);
  }
  if (!status.ok()) {
    return status;
  }

  ref.account = pieces[first].text;
  ref.name = pieces[first + 2].text;
  if (pieces.size() == first + 4) {
    ref.qualifier = pieces[first + 3].text;
  }
  return ok_status();
}

Status parse_full(std::string_view text, const std::vector<Piece>& pieces, FunctionRef& ref) {
  Status status = check_literal(text, pieces[0], "arn");
  if (status.ok()) {
    status = check_partition(text, pieces[1]);
  }
  if (status.ok()) {
    status = check_literal(text, pieces[2], "lambda");
  }
  if (status.ok()) {
    status = check_region(text, pieces[3]);
  }
  if (!status.ok()) {
    return status;
  }

  ref.partition = pieces[1].text;
  ref.region = pieces[3].text;
  return parse_partial(text, pieces, 4, ref);
}

}  // namespace

Result<FunctionRef> parse_function_name(std::string_view text) {
  if (text.empty()) {
    return invalid(text, "the function name is empty");
  }
  if (text.size() > kMaxTextLength) {
    return invalid(text.substr(0, 64),
                   "longer than 256 characters (" + std::to_string(text.size()) + ")");
  }

  std::vector<Piece> pieces = split(text);
  FunctionRef ref;
  Status status;
  switch (pieces.size()) {
    case 1:
    case 2:
      status = check_name(text, pieces[0]);
      if (status.ok() && pieces.size() == 2) {
        status = check_qualifier(text, pieces[1]);
      }
      if (status.ok()) {
        ref.name = pieces[0].text;
        ref.qualifier = pieces.size() == 2 ? pieces[1].text : std::string_view();
      }
      break;
    case 3:
    case 4:
      status = parse_partial(text, pieces, 0, ref);
      break;
    case 7:
    case 8:
      status = parse_full(text, pieces, ref);
      break;
    default:
      status = invalid(text, "has " + std::to_string(pieces.size() - 1) +
                                 " ':' separators; expected a name, name:qualifier, "
                                 "<account>:function:<name>[:qualifier] or a full function ARN");
  }
  if (!status.ok()) {
    return std::move(status).error();
  }
  return ref;
}

std::string to_arn(const FunctionRef& ref, std::string_view default_region,
                   std::string_view default_account) {
  std::string arn = "arn:";
  arn += ref.partition.empty() ? std::string_view("aws") : std::string_view(ref.partition);
  arn += ":lambda:";
  arn += ref.region.empty() ? default_region : std::string_view(ref.region);
  arn += ':';
  std::string_view account = ref.account.empty() ? default_account : ref.account;
  arn += account.empty() ? std::string_view("000000000000") : account;
  arn += ":function:";
  arn += ref.name;
  if (!ref.qualifier.empty()) {
    arn += ':';
    arn += ref.qualifier;
  }
  return arn;
}

std::string unqualified_name(const FunctionRef& ref) {
  if (!ref.partition.empty()) {
    return "arn:" + ref.partition + ":lambda:" + ref.region + ":" + ref.account +
           ":function:" + ref.name;
  }
  if (!ref.account.empty()) {
    return ref.account + ":function:" + ref.name;
  }
  return ref.name;
}

}  // namespace allma::aws
