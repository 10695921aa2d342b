#include "flow/flow.h"

#include <cstdint>

namespace allma::flow {

namespace {

// Decodes one UTF-8 sequence at `s[i]` and appends its UTF-16 code units to `out` (at most 2).
// Advances `i`. A malformed byte is taken as one unit of its own value.
int next_utf16(std::string_view s, std::size_t& i, std::uint16_t out[2]) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t len = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    out[0] = c;
    return 1;
  }
  std::uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc >> 6) != 0x2) {
      ++i;
      out[0] = c;
      return 1;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += len;
  if (cp < 0x10000) {
    out[0] = static_cast<std::uint16_t>(cp);
    return 1;
  }
  cp -= 0x10000;
  out[0] = static_cast<std::uint16_t>(0xD800 + (cp >> 10));
  out[1] = static_cast<std::uint16_t>(0xDC00 + (cp & 0x3FF));
  return 2;
}

}  // namespace

const Step* Flow::find_step(std::string_view key) const {
  auto it = step_index.find(key);
  return it == step_index.end() ? nullptr : &steps[it->second];
}

std::string format_issue(const Issue& issue) {
  std::string line = issue.file;
  line += ": ";
  line += issue.pointer;  // empty for the whole document: no pointer is shown
  if (!issue.step_id.empty()) {
    line += " (step ";
    line += issue.step_id;
    line += ")";
  }
  if (!issue.pointer.empty() || !issue.step_id.empty()) line += ": ";
  line += issue.message;
  return line;
}

bool js_string_less(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  std::uint16_t ua[2];
  std::uint16_t ub[2];
  int na = 0, pa = 0, nb = 0, pb = 0;
  while (true) {
    if (pa == na) {
      if (i == a.size()) break;
      na = next_utf16(a, i, ua);
      pa = 0;
    }
    if (pb == nb) {
      if (j == b.size()) return false;  // `b` is a proper prefix of `a`
      nb = next_utf16(b, j, ub);
      pb = 0;
    }
    if (ua[pa] != ub[pb]) return ua[pa] < ub[pb];
    ++pa;
    ++pb;
  }
  // `a` is exhausted: less iff `b` still has units.
  return pb < nb || j < b.size();
}

}  // namespace allma::flow
