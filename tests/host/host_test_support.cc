#include "host_test_support.h"

#include <curl/curl.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "host/encoding.h"

namespace allma::host::testing {
namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* out) {
  std::string line(data, size * n);
  const std::size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

}  // namespace

std::string HttpResult::header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? "" : it->second;
}

boost::json::value HttpResult::json() const {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  return ec ? boost::json::value() : v;
}

HttpResult http_post(const std::string& url, const std::string& body,
                     const std::vector<std::string>& headers, long timeout_seconds) {
  HttpResult result;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  const CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    result.error = curl_easy_strerror(rc);
  } else {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

std::string functions_dir() { return ALLMA_HOST_FUNCTIONS_DIR; }

std::unique_ptr<FunctionHost> start_host(const std::string& functions_json, HostOptions options) {
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(functions_json, ec);
  EXPECT_FALSE(ec) << "test functions document is not JSON";
  Result<std::vector<FunctionSpec>> specs = parse_functions(doc, functions_dir(), "test");
  EXPECT_TRUE(specs.ok()) << (specs.ok() ? "" : specs.error().message);
  if (!specs.ok()) return nullptr;
  options.functions = std::move(*specs);
  Result<std::unique_ptr<FunctionHost>> host = FunctionHost::start(std::move(options));
  EXPECT_TRUE(host.ok()) << (host.ok() ? "" : host.error().message);
  if (!host.ok()) return nullptr;
  return std::move(*host);
}

std::string invoke_url(const FunctionHost& host, const std::string& function) {
  std::string encoded;
  for (char c : function) {
    if (c == ':') {
      encoded += "%3A";
    } else {
      encoded += c;
    }
  }
  return host.endpoint_url() + "/2015-03-31/functions/" + encoded + "/invocations";
}

bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  std::string line;
  std::getline(stat, line);
  const std::size_t paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 >= line.size()) return false;
  return line[paren + 2] != 'Z' && line[paren + 2] != 'X';
}

std::vector<pid_t> processes_with_environment(const std::string& entry) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (dirent* d = readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(d->d_name));
    if (pid <= 0) continue;
    std::ifstream environ("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
    std::stringstream content;
    content << environ.rdbuf();
    std::string all = content.str();
    std::size_t start = 0;
    while (start < all.size()) {
      std::size_t end = all.find('\0', start);
      if (end == std::string::npos) end = all.size();
      if (all.compare(start, end - start, entry) == 0 && process_alive(pid)) {
        found.push_back(pid);
        break;
      }
      start = end + 1;
    }
  }
  closedir(proc);
  return found;
}

std::string decode_base64(const std::string& text) { return base64_decode(text).value_or(""); }

}  // namespace allma::host::testing

namespace allma::host::testing {

std::string example_functions(const std::string& marker, const std::string& extra) {
  const std::size_t eq = marker.find('=');
  const std::string env =
      "\"environment\": {\"" + marker.substr(0, eq) + "\": \"" + marker.substr(eq + 1) + "\"";
  auto fn = [&env](const std::string& name, const std::string& rest, const std::string& vars) {
    return "{\"name\": \"" + name + "\", " + rest + ", " + env + vars + "}}";
  };
  std::string doc = "{\"functions\": [";
  doc += fn("echo",
            R"("runtime": "provided", "handler": "echo.handler", "codeDir": "tutorial",
               "aliases": {"prod": "1"})",
            R"(, "GREETING": "hello from provided")");
  doc += ",";
  doc += fn("slow",
            R"("runtime": "provided", "handler": "slow.handler", "codeDir": "tutorial",
               "timeoutSeconds": 1, "reservedConcurrency": 1)",
            "");
  doc += ",";
  doc += fn("slow2", R"("runtime": "provided", "handler": "slow.handler", "codeDir": "tutorial",
                        "timeoutSeconds": 5, "reservedConcurrency": 1)",
            "");
  doc += ",";
  doc += fn("crash", R"("runtime": "provided", "handler": "crash.handler", "codeDir": "tutorial")",
            "");
  doc += ",";
  doc += fn("size", R"("runtime": "provided", "handler": "size", "codeDir": "custom")", "");
  doc += ",";
  doc += fn("big", R"("runtime": "provided", "handler": "big", "codeDir": "custom")", "");
  doc += ",";
  doc += fn("fail", R"("runtime": "provided", "handler": "error", "codeDir": "custom")", "");
  doc += ",";
  doc += fn("init-fail", R"("runtime": "provided", "codeDir": "init_fail")", "");
  doc += ",";
  doc += fn("init-crash", R"("runtime": "provided", "codeDir": "init_crash")", "");
  doc += ",";
  doc += fn("node", R"("runtime": "nodejs", "handler": "index.handler", "codeDir": "node",
                       "memoryMb": 256)",
            R"(, "GREETING": "hello from node")");
  if (!extra.empty()) doc += "," + extra;
  doc += "]}";
  return doc;
}

std::string unique_marker() {
  static int counter = 0;
  return "ALLMA_HOST_TEST_MARKER=" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace allma::host::testing
