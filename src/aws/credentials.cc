#include "aws/credentials.h"

#include <fstream>
#include <optional>
#include <sstream>

extern char** environ;  // NOLINT: POSIX

namespace allma::aws {
namespace {

using Section = std::map<std::string, std::string, std::less<>>;
using IniFile = std::map<std::string, Section, std::less<>>;

constexpr std::size_t kMaxFileBytes = 1 << 20;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view get(const Environment& env, std::string_view key) {
  auto it = env.find(key);
  return it == env.end() ? std::string_view() : std::string_view(it->second);
}

Error bad_file(const std::string& path, std::size_t line, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument,
                    path + ":" + std::to_string(line) + ": " + std::string(what),
                    "InvalidCredentials");
}

// Parses INI text as botocore reads ~/.aws files. Indented lines continue the previous key
// (nested settings such as `s3 =`) and are ignored. Messages never quote a line: it may hold a
// secret.
Result<IniFile> parse_ini(const std::string& path, std::string_view text) {
  IniFile file;
  Section* current = nullptr;
  std::size_t number = 0;
  std::istringstream lines{std::string(text)};
  std::string raw;
  while (std::getline(lines, raw)) {
    ++number;
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    if (raw.front() == ' ' || raw.front() == '\t') {
      if (current == nullptr) {
        return bad_file(path, number, "indented line before any section");
      }
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']') {
        return bad_file(path, number, "section header without ']'");
      }
      current = &file[std::string(trim(line.substr(1, line.size() - 2)))];
      continue;
    }
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return bad_file(path, number, "expected key = value");
    }
    if (current == nullptr) {
      return bad_file(path, number, "key outside of any section");
    }
    (*current)[std::string(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
  }
  return file;
}

// Reads and parses `path`; a missing file is an empty one.
Result<IniFile> read_ini(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return IniFile{};
  }
  std::string text;
  text.resize(kMaxFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) {
    return bad_file(path, 0, "file is larger than 1 MiB");
  }
  return parse_ini(path, text);
}

std::string file_path(const Environment& env, std::string_view variable, std::string_view leaf) {
  std::string_view set = get(env, variable);
  if (!set.empty()) {
    if (set.substr(0, 2) == "~/") {
      return std::string(get(env, "HOME")) + std::string(set.substr(1));
    }
    return std::string(set);
  }
  return std::string(get(env, "HOME")) + "/.aws/" + std::string(leaf);
}

const Section* find_section(const IniFile& file, const std::string& name) {
  auto it = file.find(name);
  return it == file.end() ? nullptr : &it->second;
}

std::string_view value_of(const Section* section, std::string_view key) {
  if (section == nullptr) {
    return {};
  }
  auto it = section->find(key);
  return it == section->end() ? std::string_view() : std::string_view(it->second);
}

// Credentials from one section: nullopt when it has neither key, an error when it has one.
Result<std::optional<Credentials>> from_section(const Section* section, const std::string& where) {
  std::string_view id = value_of(section, "aws_access_key_id");
  std::string_view secret = value_of(section, "aws_secret_access_key");
  if (id.empty() && secret.empty()) {
    return std::optional<Credentials>();
  }
  if (id.empty() || secret.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      where + " has only one of aws_access_key_id and aws_secret_access_key",
                      "InvalidCredentials");
  }
  std::string_view token = value_of(section, "aws_session_token");
  if (token.empty()) {
    token = value_of(section, "aws_security_token");
  }
  return std::optional<Credentials>(
      Credentials{std::string(id), std::string(secret), std::string(token)});
}

struct SharedFiles {
  std::string credentials_path, config_path;
  IniFile credentials, config;
};

Result<SharedFiles> read_shared_files(const Environment& env) {
  SharedFiles files;
  files.credentials_path = file_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  files.config_path = file_path(env, "AWS_CONFIG_FILE", "config");
  Result<IniFile> credentials = read_ini(files.credentials_path);
  if (!credentials.ok()) {
    return credentials.error();
  }
  Result<IniFile> config = read_ini(files.config_path);
  if (!config.ok()) {
    return config.error();
  }
  files.credentials = std::move(*credentials);
  files.config = std::move(*config);
  return files;
}

std::string profile_name(const Environment& env) {
  std::string_view profile = get(env, "AWS_PROFILE");
  if (profile.empty()) {
    profile = get(env, "AWS_DEFAULT_PROFILE");
  }
  return profile.empty() ? "default" : std::string(profile);
}

const Section* config_section(const IniFile& config, const std::string& profile) {
  const Section* section = find_section(config, "profile " + profile);
  if (section == nullptr && profile == "default") {
    section = find_section(config, "default");
  }
  return section;
}

std::string region_from(const Environment& env, const SharedFiles& files,
                        const std::string& profile) {
  std::string_view region = get(env, "AWS_REGION");
  if (region.empty()) {
    region = get(env, "AWS_DEFAULT_REGION");
  }
  if (region.empty()) {
    region = value_of(config_section(files.config, profile), "region");
  }
  return std::string(region);
}

Result<std::optional<Credentials>> from_environment(const Environment& env) {
  Section section;
  for (std::string_view key : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}) {
    std::string lower(key);
    for (char& c : lower) {
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    std::string_view value = get(env, key);
    if (!value.empty()) {
      section[lower] = std::string(value);
    }
  }
  return from_section(&section, "the environment");
}

// TODO: profiles that get credentials from role_arn, credential_process or SSO, and instance or
// container credentials (IMDS, ECS), are not supported; such setups fail with
// CredentialsNotFound naming the setting. Supporting them needs STS AssumeRole, a process
// runner and the IMDS/ECS endpoints.
Error not_found(const std::string& profile, const std::string& credentials_path,
                const Section* in_credentials, const Section* in_config) {
  for (std::string_view key : {"role_arn", "credential_process", "sso_session", "sso_start_url",
                               "web_identity_token_file"}) {
    if (!value_of(in_credentials, key).empty() || !value_of(in_config, key).empty()) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "profile \"" + profile + "\" gets credentials through " + std::string(key) +
                            ", which allma does not support: export keys instead (for example "
                            "with `aws configure export-credentials --format env`)",
                        "CredentialsNotFound");
    }
  }
  return make_error(ErrorCode::kFailedPrecondition,
                    "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add "
                    "profile \"" +
                        profile + "\" to " + credentials_path,
                    "CredentialsNotFound");
}

}  // namespace

Environment process_environment() {
  Environment env;
  for (char** p = environ; p != nullptr && *p != nullptr; ++p) {
    std::string_view entry(*p);
    std::size_t eq = entry.find('=');
    if (eq != std::string_view::npos) {
      env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
  }
  return env;
}

Result<AwsSettings> load_aws_settings(const Environment& env) {
  Result<SharedFiles> files = read_shared_files(env);
  if (!files.ok()) {
    return files.error();
  }
  AwsSettings settings;
  settings.profile = profile_name(env);
  settings.region = region_from(env, *files, settings.profile);

  const Section* in_credentials = find_section(files->credentials, settings.profile);
  const Section* in_config = config_section(files->config, settings.profile);
  bool profile_chosen =
      !get(env, "AWS_PROFILE").empty() || !get(env, "AWS_DEFAULT_PROFILE").empty();
  if (profile_chosen && in_credentials == nullptr && in_config == nullptr) {
    return make_error(ErrorCode::kInvalidArgument,
                      "profile \"" + settings.profile + "\" is in neither " +
                          files->credentials_path + " nor " + files->config_path,
                      "InvalidCredentials");
  }

  // Environment first, then the credentials file, then the config file.
  Result<std::optional<Credentials>> found = from_environment(env);
  settings.credentials_source = "environment";
  if (found.ok() && !found->has_value()) {
    settings.credentials_source = files->credentials_path + " [" + settings.profile + "]";
    found = from_section(in_credentials, settings.credentials_source);
  }
  if (found.ok() && !found->has_value()) {
    settings.credentials_source = files->config_path + " [" + settings.profile + "]";
    found = from_section(in_config, settings.credentials_source);
  }
  if (!found.ok()) {
    return found.error();
  }
  if (!found->has_value()) {
    return not_found(settings.profile, files->credentials_path, in_credentials, in_config);
  }
  settings.credentials = std::move(**found);
  return settings;
}

Result<std::string> load_region(const Environment& env) {
  Result<SharedFiles> files = read_shared_files(env);
  if (!files.ok()) {
    return files.error();
  }
  return region_from(env, *files, profile_name(env));
}

}  // namespace allma::aws
