#pragma once

#include <string>
#include <string_view>

namespace allma {

// Returns a random (version 4) UUID in lowercase canonical form, from OpenSSL's CSPRNG.
std::string generate_uuid_v4();

// True when `text` is a canonical 8-4-4-4-12 hexadecimal UUID (any version, either case).
bool is_uuid(std::string_view text);

}  // namespace allma
