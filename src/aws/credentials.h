#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace allma::aws {

// AWS credentials. Secret: never log, print or store these fields (DESIGN.md §5).
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

// Environment variables by name. Taken as a parameter so tests need not touch the process
// environment.
using Environment = std::map<std::string, std::string, std::less<>>;

// A copy of the process environment. Call before other threads may change it.
Environment process_environment();

// What the environment and the shared files say.
struct AwsSettings {
  Credentials credentials;
  std::string region;              // empty when nothing names one
  std::string profile;             // the profile used ("default" unless AWS_PROFILE says otherwise)
  std::string credentials_source;  // "environment", "<file> [<profile>]"; never a secret
};

// Loads credentials and region the way the AWS CLI does:
// - credentials from AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else from
//   the profile's section of the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default
//   $HOME/.aws/credentials, section "[name]"), else from the config file (AWS_CONFIG_FILE,
//   default $HOME/.aws/config, section "[profile name]", or "[default]"); keys
//   aws_access_key_id, aws_secret_access_key, aws_session_token (or aws_security_token);
// - the profile is AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default";
// - the region from AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` in the
//   config file.
// Missing files are not errors. Errors: kFailedPrecondition "CredentialsNotFound" when no
// source has both keys; kInvalidArgument "InvalidCredentials" when only one of the two keys is
// set somewhere, when AWS_PROFILE names a profile no file has, or when a file cannot be parsed
// (the message gives file and line, never a value). Reads files; any thread.
Result<AwsSettings> load_aws_settings(const Environment& env);

// Only the region part of load_aws_settings (empty when none); never fails on missing
// credentials. A config file that cannot be parsed is an error.
Result<std::string> load_region(const Environment& env);

}  // namespace allma::aws
