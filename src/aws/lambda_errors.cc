#include "aws/lambda_errors.h"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <string>

namespace allma::aws {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxMessage = 500;
constexpr std::size_t kMaxRawBody = 1024;

std::string status_name(int status) {
  switch (status) {
    case 400:
      return "InvalidRequestContentException";
    case 401:
    case 403:
      return "AccessDeniedException";
    case 404:
      return "ResourceNotFoundException";
    case 413:
      return "RequestTooLargeException";
    case 429:
      return "TooManyRequestsException";
    default:
      return status >= 500 ? "ServiceException" : "HttpStatus" + std::to_string(status);
  }
}

ErrorCode status_code(int status) {
  if (status == 404) {
    return ErrorCode::kNotFound;
  }
  if (status == 401 || status == 403) {
    return ErrorCode::kPermissionDenied;
  }
  if (status == 408 || status == 429 || status >= 500) {
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kInvalidArgument;
}

// "com.amazon.coral.service#ResourceNotFoundException" -> "ResourceNotFoundException";
// "X:http://internal..." -> "X".
std::string clean_type(std::string_view type) {
  std::size_t hash = type.rfind('#');
  if (hash != std::string_view::npos) {
    type = type.substr(hash + 1);
  }
  type = type.substr(0, type.find(':'));
  while (!type.empty() && type.back() == ' ') {
    type.remove_suffix(1);
  }
  return std::string(type);
}

std::string string_member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string truncate(std::string s, std::size_t limit) {
  if (s.size() > limit) {
    s.resize(limit);
    s += "...";
  }
  return s;
}

// The text of the first <tag>...</tag> in an XML error document, or empty.
std::string xml_element(std::string_view body, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  std::size_t start = body.find(open);
  if (start == std::string_view::npos) {
    return {};
  }
  start += open.size();
  std::size_t end = body.find(close, start);
  return end == std::string_view::npos ? std::string()
                                       : std::string(body.substr(start, end - start));
}

}  // namespace

Error service_error(int status, std::string_view error_type_header, std::string_view body,
                    std::string_view request_id) {
  json::parse_options options;
  options.max_depth = 32;
  boost::system::error_code ec;
  json::value document = body.empty() ? json::value() : json::parse(body, ec, {}, options);
  json::object details;
  std::string name = clean_type(error_type_header);
  std::string message;
  if (!ec && document.is_object()) {
    details = document.as_object();
    if (name.empty()) {
      name = clean_type(string_member(details, "__type"));
    }
    std::string type = string_member(details, "Type");
    if (name.empty() && ends_with(type, "Exception")) {
      name = clean_type(type);
    }
    message = string_member(details, "message");
    if (message.empty()) {
      message = string_member(details, "Message");
    }
  } else if (!body.empty()) {
    details["rawBody"] = truncate(std::string(body.substr(0, kMaxRawBody)), kMaxRawBody);
    // Some AWS front ends (and moto) answer signature failures in the XML query format.
    if (body.front() == '<') {
      if (name.empty()) {
        name = clean_type(xml_element(body, "Code"));
      }
      message = xml_element(body, "Message");
    }
  }
  if (name.empty()) {
    name = status_name(status);
  }
  details["statusCode"] = status;
  if (!request_id.empty()) {
    details["requestId"] = request_id;
  }

  std::string text = std::to_string(status) + " " + name;
  if (!message.empty()) {
    text += ": " + truncate(message, kMaxMessage);
  }
  Error error = make_error(status_code(status), std::move(text), std::move(name));
  error.details = std::move(details);
  return error;
}

}  // namespace allma::aws
