#include "store/sqlite_support.h"

#include <sqlite3.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <vector>

#include "json/stringify.h"

namespace allma::store::sqlite {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// base64url without padding.
std::string base64_encode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) {
    out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    std::size_t index = kAlphabet.find(c);
    if (index == std::string_view::npos) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

std::string busy_message(std::chrono::milliseconds busy_timeout) {
  return "the database is locked by another connection (waited " +
         std::to_string(busy_timeout.count()) + " ms)";
}

}  // namespace

Error from_exception(const SQLite::Exception& e, std::string_view context,
                     std::chrono::milliseconds busy_timeout) {
  std::string prefix = std::string(context) + ": ";
  int code = e.getErrorCode() & 0xff;
  switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return make_error(ErrorCode::kUnavailable, prefix + busy_message(busy_timeout),
                        "StoreUnavailable");
    case SQLITE_FULL:
      return make_error(ErrorCode::kUnavailable,
                        prefix + "the disk is full (SQLITE_FULL); the write was rolled back",
                        "StoreUnavailable");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return make_error(ErrorCode::kUnavailable, prefix + e.what(), "StoreUnavailable");
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return make_error(ErrorCode::kFailedPrecondition, prefix + e.what(), "StoreUnwritable");
    case SQLITE_NOTADB:
      return make_error(ErrorCode::kFailedPrecondition,
                        prefix + "not an allma store: the file is not a SQLite database",
                        "StoreUnrecognised");
    case SQLITE_CORRUPT:
      return make_error(ErrorCode::kFailedPrecondition,
                        prefix + "the store file is corrupt (" + e.what() + ")", "StoreCorrupt");
    case SQLITE_CONSTRAINT:
      return make_error(ErrorCode::kFailedPrecondition, prefix + e.what());
    default:
      return make_error(ErrorCode::kInternal, prefix + e.what());
  }
}

std::int64_t to_millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint from_millis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

namespace {

bool has_non_finite(const boost::json::value& root) {
  std::vector<const boost::json::value*> stack{&root};
  while (!stack.empty()) {
    const boost::json::value* v = stack.back();
    stack.pop_back();
    if (v->is_double() && !std::isfinite(v->get_double())) return true;
    if (const boost::json::array* a = v->if_array()) {
      for (const boost::json::value& e : *a) stack.push_back(&e);
    } else if (const boost::json::object* o = v->if_object()) {
      for (const auto& m : *o) stack.push_back(&m.value());
    }
  }
  return false;
}

}  // namespace

// Exact (integers beyond 2^53 keep every digit), except that a number which overflowed to
// infinity (`1e400` in a function's answer) is written as null, as JavaScript's JSON.stringify
// writes it and as the function's consumers saw it: Boost would write `1e99999`, which no
// parser reads back, and the history would become unreadable.
std::string to_text(const boost::json::value& v) {
  return has_non_finite(v) ? json::stringify(v) : boost::json::serialize(v);
}

Result<boost::json::value> from_text(std::string_view text, std::string_view where) {
  // Stored text was written by to_text, so only depth needs raising above Boost's default 32.
  // Strings keep whatever bytes a function sent: invalid UTF-8 must not make history unreadable.
  boost::json::parse_options options;
  options.max_depth = 100000;
  options.allow_invalid_utf8 = true;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec, {}, options);
  if (ec) {
    return make_error(ErrorCode::kFailedPrecondition,
                      std::string(where) + ": stored JSON does not parse (" + ec.message() + ")",
                      "StoreCorrupt");
  }
  return v;
}

Result<boost::json::value> json_column(SQLite::Statement& row, int index, std::string_view where) {
  SQLite::Column column = row.getColumn(index);
  if (column.isNull()) {
    return boost::json::value();
  }
  return from_text(std::string_view(column.getText(), column.getBytes()), where);
}

std::optional<TimePoint> optional_time(SQLite::Statement& row, int index) {
  SQLite::Column column = row.getColumn(index);
  if (column.isNull()) {
    return std::nullopt;
  }
  return from_millis(column.getInt64());
}

void bind_optional_time(SQLite::Statement& statement, int index,
                        const std::optional<TimePoint>& t) {
  if (t) {
    statement.bind(index, static_cast<std::int64_t>(to_millis(*t)));
  } else {
    statement.bind(index);
  }
}

std::string encode_page_token(std::int64_t started_at_ms, const std::string& id) {
  return base64_encode("v1:" + std::to_string(started_at_ms) + ":" + id);
}

Result<std::pair<std::int64_t, std::string>> decode_page_token(std::string_view token) {
  Error bad = make_error(ErrorCode::kInvalidArgument, "invalid page token");
  std::optional<std::string> raw = base64_decode(token);
  if (!raw || raw->rfind("v1:", 0) != 0) {
    return bad;
  }

  std::string_view rest = std::string_view(*raw).substr(3);
  std::size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return bad;
  }

  std::int64_t ms = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + colon, ms);
  if (ec != std::errc() || end != rest.data() + colon) {
    return bad;
  }
  return std::make_pair(ms, std::string(rest.substr(colon + 1)));
}

Status check_not_moved(SQLite::Database& db, std::string_view context) {
  int moved = 0;
  int rc = sqlite3_file_control(db.getHandle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved);
  if (rc != SQLITE_OK || moved == 0) {
    return ok_status();  // not moved, or a database without a file (":memory:")
  }
  return make_error(ErrorCode::kUnavailable,
                    std::string(context) +
                        ": the store file was deleted or replaced while in use; nothing more "
                        "is written to it",
                    "StoreUnavailable");
}

void undo_group_write(SQLite::Database& db, WriteGroup& group, const Error& error) {
  if (sqlite3_get_autocommit(db.getHandle()) != 0) {
    group.broken = error;  // the whole transaction is gone: nothing of the group is stored
    return;
  }
  try {
    db.exec("ROLLBACK TO allma_write");
    db.exec("RELEASE allma_write");
  } catch (const SQLite::Exception&) {
    group.broken = error;
  }
}

}  // namespace allma::store::sqlite
