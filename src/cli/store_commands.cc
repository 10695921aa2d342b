#include "cli/store_commands.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

#include "base/clock.h"
#include "json/stringify.h"
#include "store/record_json.h"
#include "store/sqlite_execution_store.h"

namespace allma::cli {
namespace {

using store::TimePoint;

constexpr int kOk = 0;
constexpr int kRefused = 1;
constexpr int kBadUsage = 2;

// Delivers a command's exit status to whoever runs the app.
using Report = std::function<void(int)>;

int fail(const std::string& message, int status) {
  std::cerr << "allma: " << message << std::endl;
  return status;
}

int fail(const Error& error) {
  return fail(error.message, error.code == ErrorCode::kInvalidArgument ? kBadUsage : kRefused);
}

// Opens an existing store: these commands never create one, so a mistyped --store is reported.
Result<std::unique_ptr<store::SqliteExecutionStore>> open_store(const std::string* path) {
  std::string where = path == nullptr || path->empty() ? store::default_store_path() : *path;
  store::OpenOptions options;
  options.create_if_missing = false;
  Result<std::unique_ptr<store::SqliteExecutionStore>> opened =
      store::SqliteExecutionStore::open(where, options);
  if (!opened.ok() && opened.error().code == ErrorCode::kNotFound) {
    Error error = opened.error();
    error.message += " (nothing recorded yet, or a wrong --store)";
    return error;
  }
  return opened;
}

// Reads a fixed-width decimal field of `text` at `pos`; false unless all digits.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) {
    return false;
  }
  const char* first = text.data() + pos;
  auto [end, ec] = std::from_chars(first, first + width, out);
  return ec == std::errc() && end == first + width &&
         std::isdigit(static_cast<unsigned char>(*first));
}

// Parses the zone suffix: "", "Z", "+HH:MM", "+HHMM" (or "-"); the offset east of UTC.
std::optional<std::chrono::minutes> parse_zone(std::string_view zone) {
  if (zone.empty() || zone == "Z" || zone == "z") {
    return std::chrono::minutes(0);
  }
  int hours = 0;
  int minutes = 0;
  bool colon = zone.size() == 6 && zone[3] == ':';
  if ((zone[0] != '+' && zone[0] != '-') || (zone.size() != 5 && !colon) ||
      !read_digits(zone, 1, 2, hours) || !read_digits(zone, colon ? 4 : 3, 2, minutes) ||
      hours > 23 || minutes > 59) {
    return std::nullopt;
  }
  int sign = zone[0] == '-' ? -1 : 1;
  return std::chrono::minutes(sign * (hours * 60 + minutes));
}

// Parses YYYY-MM-DD, optionally followed by T (or a space) and HH:MM[:SS[.fraction]], then an
// optional zone (Z, +HH:MM, +HHMM); without a zone the time is UTC.
std::optional<TimePoint> parse_iso8601(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  if (!read_digits(text, 0, 4, y) || text.size() < 10 || text[4] != '-' || text[7] != '-' ||
      !read_digits(text, 5, 2, mo) || !read_digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  std::size_t pos = 10;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    if (!read_digits(text, pos + 1, 2, h) || text.size() < pos + 6 || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, mi)) {
      return std::nullopt;
    }
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      if (!read_digits(text, pos + 1, 2, s)) {
        return std::nullopt;
      }
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        std::size_t digits = 0;
        for (++pos; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]));
             ++pos, ++digits) {
          ms = digits < 3 ? ms * 10 + (text[pos] - '0') : ms;
        }
        for (; digits > 0 && digits < 3; ++digits) {
          ms *= 10;
        }
        if (digits == 0) {
          return std::nullopt;
        }
      }
    }
  }
  std::optional<std::chrono::minutes> offset = parse_zone(text.substr(pos));
  std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(mo),
                                   std::chrono::day(d)};
  if (!offset || !date.ok() || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  auto t = std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) +
           std::chrono::seconds(s) + std::chrono::milliseconds(ms) - *offset;
  return std::chrono::time_point_cast<TimePoint::duration>(t);
}

std::string format_duration(TimePoint start, const std::optional<TimePoint>& end) {
  if (!end) {
    return "-";
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*end - start).count();
  if (ms < 1000) {
    return std::to_string(ms) + "ms";
  }
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(ms < 60000 ? 3 : 1);
  out << (static_cast<double>(ms) / 1000.0) << "s";
  return out.str();
}

// "errorName: errorMessage" of an error document, on one line; "" for null.
std::string error_line(const boost::json::value& error) {
  if (error.is_null()) {
    return "";
  }
  std::string line;
  const boost::json::object* o = error.if_object();
  if (o != nullptr && o->contains("errorName")) {
    const boost::json::value& name = o->at("errorName");
    line = name.is_string() ? std::string(name.get_string()) : boost::json::serialize(name);
    if (const boost::json::value* message = o->if_contains("errorMessage")) {
      line += ": " + (message->is_string() ? std::string(message->get_string())
                                           : boost::json::serialize(*message));
    }
  } else {
    line = boost::json::serialize(error);
  }
  std::replace(line.begin(), line.end(), '\n', ' ');
  return line;
}

// Left-aligned columns two spaces apart; the last column is not padded.
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    widths[c] = header[c].size();
    for (const auto& row : rows) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      text += cells[c];
      if (c + 1 < cells.size()) {
        text += std::string(widths[c] - cells[c].size() + 2, ' ');
      }
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out << text << "\n";
  };
  line(header);
  for (const auto& row : rows) {
    line(row);
  }
}

void print_json(const boost::json::value& v) { std::cout << boost::json::serialize(v) << "\n"; }

// Indents every line of a pretty-printed document by `indent` spaces.
std::string indented(const boost::json::value& v, std::size_t indent) {
  std::string text = json::stringify_pretty(v, 2);
  std::string pad(indent, ' ');
  std::string out = pad;
  for (char c : text) {
    out += c;
    if (c == '\n') {
      out += pad;
    }
  }
  return out;
}

struct ListOptions {
  std::string status, flow, since, until, page_token;
  int limit = 50;
  bool json = false;
};

// Builds the store filter from the options; kInvalidArgument names the bad option.
Result<store::ExecutionFilter> make_filter(const ListOptions& o) {
  store::ExecutionFilter filter;
  if (!o.status.empty()) {
    std::string upper = o.status;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    filter.status = store::parse_execution_status(upper);
    if (!filter.status) {
      return make_error(
          ErrorCode::kInvalidArgument,
          "--status \"" + o.status + "\": expected RUNNING, COMPLETED, FAILED or CANCELLED");
    }
  }
  for (auto [name, text, target] : {std::tuple{"--since", &o.since, &filter.started_after},
                                    std::tuple{"--until", &o.until, &filter.started_before}}) {
    if (text->empty()) {
      continue;
    }
    *target = parse_iso8601(*text);
    if (!*target) {
      return make_error(ErrorCode::kInvalidArgument,
                        std::string(name) + " \"" + *text +
                            "\": expected an ISO-8601 time such as 2024-05-01T12:00:00Z");
    }
  }
  filter.flow_id = o.flow;
  filter.limit = o.limit;
  filter.page_token = o.page_token;
  return filter;
}

int list_executions(const ListOptions& o, const std::string* store_path) {
  Result<store::ExecutionFilter> filter = make_filter(o);
  if (!filter.ok()) {
    return fail(filter.error());
  }
  auto opened = open_store(store_path);
  if (!opened.ok()) {
    return fail(opened.error());
  }
  Result<store::ExecutionPage> page = (*opened)->list_executions(*filter);
  if (!page.ok()) {
    return fail(page.error());
  }

  if (o.json) {
    boost::json::array items;
    for (const store::ExecutionRecord& e : page->items) {
      boost::json::object item = store::to_json(e);
      for (const char* key : {"triggerInput", "initialContext", "finalContext"}) {
        item.erase(key);
      }
      items.push_back(std::move(item));
    }
    print_json({{"executions", std::move(items)}, {"nextPageToken", page->next_page_token}});
    return kOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const store::ExecutionRecord& e : page->items) {
    rows.push_back({e.id, e.flow_id + ":" + std::to_string(e.flow_version),
                    std::string(store::to_string(e.status)), format_iso8601(e.started_at),
                    format_duration(e.started_at, e.ended_at)});
  }
  if (rows.empty()) {
    std::cout << "no executions\n";
    return kOk;
  }
  print_table(std::cout, {"ID", "FLOW", "STATUS", "STARTED", "DURATION"}, rows);
  if (!page->next_page_token.empty()) {
    std::cout << "more: --page-token " << page->next_page_token << "\n";
  }
  return kOk;
}

struct ShowOptions {
  std::string id, step;
  bool json = false;
};

bool attempt_matches(const store::AttemptRecord& a, const std::string& step) {
  return a.step_id == step || std::to_string(a.step_seq) == step;
}

void print_execution_header(const store::ExecutionRecord& e) {
  std::cout << "execution  " << e.id << "\n"
            << "flow       " << e.flow_id << ":" << e.flow_version << "\n"
            << "status     " << store::to_string(e.status) << "\n"
            << "started    " << format_iso8601(e.started_at) << "\n";
  if (e.ended_at) {
    std::cout << "ended      " << format_iso8601(*e.ended_at) << " ("
              << format_duration(e.started_at, e.ended_at) << ")\n";
  }
  if (!e.error.is_null()) {
    std::cout << "error      " << error_line(e.error) << "\n";
  }
}

void print_step_details(const store::ExecutionHistory& h, const std::string& step) {
  for (const store::AttemptRecord& a : h.attempts) {
    if (!attempt_matches(a, step)) {
      continue;
    }
    std::cout << "\nstep " << a.step_id << " (seq " << a.step_seq << ") series " << a.series
              << " attempt " << a.attempt << ": " << store::to_string(a.status) << "\n"
              << "  attemptId  " << a.attempt_id << "\n"
              << "  function   " << a.function_arn << "\n";
    if (!a.request_id.empty()) {
      std::cout << "  requestId  " << a.request_id << "\n";
    }
    if (!a.error.is_null()) {
      std::cout << "  error      " << error_line(a.error) << "\n";
    }
    if (a.retry_at) {
      std::cout << "  retry at   " << format_iso8601(*a.retry_at) << "\n";
    }
    std::cout << "  input:\n" << indented(a.input, 4) << "\n";
    std::cout << "  output:\n" << indented(a.output, 4) << "\n";
    if (!a.log_tail.empty()) {
      std::cout << "  log tail:\n" << a.log_tail << "\n";
    }
  }
}

int show_execution(const ShowOptions& o, const std::string* store_path) {
  auto opened = open_store(store_path);
  if (!opened.ok()) {
    return fail(opened.error());
  }
  Result<store::ExecutionHistory> h = (*opened)->load_execution(o.id);
  if (!h.ok()) {
    return fail(h.error());
  }
  if (!o.step.empty() &&
      std::none_of(h->attempts.begin(), h->attempts.end(),
                   [&](const store::AttemptRecord& a) { return attempt_matches(a, o.step); })) {
    return fail("execution \"" + o.id + "\" has no attempt of step \"" + o.step + "\"", kRefused);
  }

  if (o.json) {
    if (!o.step.empty()) {
      std::erase_if(h->attempts, [&](const auto& a) { return !attempt_matches(a, o.step); });
      std::erase_if(h->outcomes, [&](const auto& x) {
        return x.step_id != o.step && std::to_string(x.step_seq) != o.step;
      });
    }
    print_json(store::to_json(*h));
    return kOk;
  }
  print_execution_header(h->execution);
  std::vector<std::vector<std::string>> rows;
  for (const store::AttemptRecord& a : h->attempts) {
    rows.push_back({std::to_string(a.step_seq), a.step_id, std::to_string(a.series),
                    std::to_string(a.attempt), std::string(store::to_string(a.status)),
                    format_duration(a.started_at, a.ended_at), error_line(a.error)});
  }
  std::cout << "\n";
  print_table(std::cout, {"SEQ", "STEP", "SERIES", "ATTEMPT", "STATUS", "DURATION", "ERROR"}, rows);
  if (!o.step.empty()) {
    print_step_details(*h, o.step);
  }
  return kOk;
}

int cancel_execution(const std::string& id, const std::string* store_path) {
  auto opened = open_store(store_path);
  if (!opened.ok()) {
    return fail(opened.error());
  }
  Status s = (*opened)->cancel_execution(id, std::chrono::system_clock::now());
  if (!s.ok()) {
    return fail(s.error());
  }
  std::cout << "cancelled execution " << id << "\n";
  return kOk;
}

int list_flows(bool json, const std::string* store_path) {
  auto opened = open_store(store_path);
  if (!opened.ok()) {
    return fail(opened.error());
  }
  Result<std::vector<store::FlowRecord>> flows = (*opened)->list_flows();
  if (!flows.ok()) {
    return fail(flows.error());
  }

  if (json) {
    boost::json::array items;
    for (const store::FlowRecord& f : *flows) {
      boost::json::object item = store::to_json(f);
      item.erase("definition");
      items.push_back(std::move(item));
    }
    print_json({{"flows", std::move(items)}});
    return kOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const store::FlowRecord& f : *flows) {
    rows.push_back({f.id, std::to_string(f.version), f.published ? "yes" : "no",
                    format_iso8601(f.created_at)});
  }
  print_table(std::cout, {"ID", "VERSION", "PUBLISHED", "CREATED"}, rows);
  return kOk;
}

struct FlowOptions {
  std::string id;
  int version = 0;
  bool json = false;
};

int show_flow(const FlowOptions& o, const std::string* store_path) {
  if (o.version < 0) {
    return fail("--version must be 1 or more", kBadUsage);
  }
  auto opened = open_store(store_path);
  if (!opened.ok()) {
    return fail(opened.error());
  }
  Result<store::FlowRecord> f = (*opened)->get_flow(o.id, o.version);
  if (!f.ok()) {
    return fail(f.error());
  }

  if (o.json) {
    print_json(store::to_json(*f));
    return kOk;
  }
  std::cout << "flow " << f->id << " version " << f->version << (f->published ? " (published)" : "")
            << ", created " << format_iso8601(f->created_at) << "\n"
            << json::stringify_pretty(f->definition, 2) << "\n";
  return kOk;
}

int publish_flow(const FlowOptions& o, const std::string* store_path) {
  if (o.version < 1) {
    return fail("VERSION must be 1 or more", kBadUsage);
  }
  auto opened = open_store(store_path);
  if (!opened.ok()) {
    return fail(opened.error());
  }
  Status s = (*opened)->publish_flow(o.id, o.version);
  if (!s.ok()) {
    return fail(s.error());
  }
  std::cout << "published flow " << o.id << " version " << o.version << "\n";
  return kOk;
}

CLI::App* find_or_add(CLI::App& parent, const std::string& name, const std::string& about) {
  for (CLI::App* sub : parent.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) {
      return sub;
    }
  }
  return parent.add_subcommand(name, about);
}

void add_execution_commands(CLI::App& app, std::string* store_path, const Report& report) {
  CLI::App* executions = find_or_add(app, "executions", "Execution history and control");
  executions->require_subcommand(1);

  auto list_options = std::make_shared<ListOptions>();
  CLI::App* list = executions->add_subcommand("list", "List executions, newest first");
  list->add_option("--status", list_options->status, "RUNNING, COMPLETED, FAILED or CANCELLED");
  list->add_option("--flow", list_options->flow, "Only executions of this flow id");
  list->add_option("--since", list_options->since, "Started at or after this ISO-8601 time");
  list->add_option("--until", list_options->until, "Started before this ISO-8601 time");
  list->add_option("--limit", list_options->limit, "Page size, 1 to 1000 (default 50)");
  list->add_option("--page-token", list_options->page_token, "Continue from a previous page");
  list->add_flag("--json", list_options->json, "One JSON document");
  list->callback([=] { report(list_executions(*list_options, store_path)); });

  auto show_options = std::make_shared<ShowOptions>();
  CLI::App* show = executions->add_subcommand("show", "Show an execution's step timeline");
  show->add_option("id", show_options->id, "Execution id")->required();
  show->add_option("--step", show_options->step,
                   "Also print the inputs and outputs of this step (id or seq)");
  show->add_flag("--json", show_options->json, "The whole history as one JSON document");
  show->callback([=] { report(show_execution(*show_options, store_path)); });

  auto cancel_id = std::make_shared<std::string>();
  CLI::App* cancel = executions->add_subcommand("cancel", "Cancel a RUNNING execution");
  cancel->add_option("id", *cancel_id, "Execution id")->required();
  cancel->callback([=] { report(cancel_execution(*cancel_id, store_path)); });
}

void add_flow_commands(CLI::App& app, std::string* store_path, const Report& report) {
  CLI::App* flows = find_or_add(app, "flows", "Stored flow definitions and their versions");
  flows->require_subcommand(1);

  auto list_json = std::make_shared<bool>(false);
  CLI::App* list = flows->add_subcommand("list", "List every stored flow version");
  list->add_flag("--json", *list_json, "One JSON document");
  list->callback([=] { report(list_flows(*list_json, store_path)); });

  auto show_options = std::make_shared<FlowOptions>();
  CLI::App* show = flows->add_subcommand("show", "Print a stored flow definition");
  show->add_option("id", show_options->id, "Flow id")->required();
  show->add_option("--version", show_options->version,
                   "Version (default: the published one, else the newest)");
  show->add_flag("--json", show_options->json, "One JSON document with the definition");
  show->callback([=] { report(show_flow(*show_options, store_path)); });

  auto publish_options = std::make_shared<FlowOptions>();
  CLI::App* publish = flows->add_subcommand("publish", "Make a version the published one");
  publish->add_option("id", publish_options->id, "Flow id")->required();
  publish->add_option("version", publish_options->version, "Version")->required();
  publish->callback([=] { report(publish_flow(*publish_options, store_path)); });
}

}  // namespace

void register_store_commands(CLI::App& app, std::string* store_path) {
  Report report = [](int status) {
    if (status != kOk) {
      throw CLI::RuntimeError(status);  // CLI11's way out of a callback; App::exit is silent
    }
  };
  add_execution_commands(app, store_path, report);
  add_flow_commands(app, store_path, report);
}

void register_store_commands(CLI::App& app, std::string* store_path, int* exit_code) {
  Report report = [exit_code](int status) { *exit_code = status; };
  add_execution_commands(app, store_path, report);
  add_flow_commands(app, store_path, report);
}

}  // namespace allma::cli
