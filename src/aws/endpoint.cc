#include "aws/endpoint.h"

namespace allma::aws {
namespace {

Error invalid(std::string_view url, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument,
                    "endpoint \"" + std::string(url) + "\": " + std::string(what),
                    "InvalidEndpoint");
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return !s.empty();
}

}  // namespace

std::string resolve_endpoint_override(const Environment& env,
                                      std::string_view command_line_option) {
  for (std::string_view key : {"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL"}) {
    auto it = env.find(key);
    if (it != env.end() && !it->second.empty()) {
      return it->second;
    }
  }
  return std::string(command_line_option);
}

std::string regional_lambda_endpoint(std::string_view region, std::string_view partition) {
  std::string suffix = partition == "aws-cn" ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://lambda." + std::string(region) + suffix;
}

Result<Endpoint> parse_endpoint(std::string_view url) {
  Endpoint endpoint;
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return invalid(url, "expected http:// or https://");
  }
  endpoint.scheme = std::string(url.substr(0, sep));
  for (char& c : endpoint.scheme) {
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    return invalid(url, "scheme must be http or https");
  }
  std::string_view rest = url.substr(sep + 3);
  if (rest.find_first_of("?#@") != std::string_view::npos) {
    return invalid(url, "must not contain a query, a fragment or user information");
  }

  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view prefix = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') {
    prefix.remove_suffix(1);
  }

  std::string_view host = authority;
  std::string_view port;
  std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (!all_digits(port) || port.size() > 5 || std::stoi(std::string(port)) > 65535) {
      return invalid(url, "bad port");
    }
  }
  if (host.empty()) {
    return invalid(url, "empty host");
  }

  bool default_port = port.empty() || (endpoint.scheme == "http" && port == "80") ||
                      (endpoint.scheme == "https" && port == "443");
  endpoint.host_header = default_port ? std::string(host) : std::string(authority);
  endpoint.path_prefix = std::string(prefix);
  endpoint.base_url = endpoint.scheme + "://" + std::string(authority) + endpoint.path_prefix;
  return endpoint;
}

}  // namespace allma::aws
