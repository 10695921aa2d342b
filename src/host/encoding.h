#pragma once

// Internal to src/host/: the few encodings the Invoke API needs.

#include <optional>
#include <string>
#include <string_view>

namespace allma::host {

// Standard base64 with padding (RFC 4648 section 4).
std::string base64_encode(std::string_view bytes);

// Decodes standard base64; padding optional, no whitespace. nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

// Decodes %XX escapes ('+' stays '+'). nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace allma::host
