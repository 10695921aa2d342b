#pragma once

// The Handlebars 4.7 lexer (its handlebars.l, re-expressed by hand): internal to
// allma_template. Produces tokens with byte offsets; positions become line/column only for
// messages.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace allma::tmpl {

enum class Tok {
  kContent,
  kComment,
  kOpen,              // {{  {{&  {{* (decorator)
  kOpenUnescaped,     // {{{
  kOpenBlock,         // {{#  {{#* (decorator block)
  kOpenEndBlock,      // {{/
  kOpenInverse,       // {{^
  kInverse,           // {{^}}  {{else}}
  kOpenInverseChain,  // {{else
  kOpenPartial,       // {{>
  kOpenPartialBlock,  // {{#>
  kOpenRawBlock,      // {{{{
  kCloseRawBlock,     // }}}} closing a raw block's open tag
  kEndRawBlock,       // {{{{/name}}}}; text is the name
  kClose,             // }}
  kCloseUnescaped,    // }}}
  kOpenSexpr,
  kCloseSexpr,
  kEquals,
  kId,
  kSep,
  kString,
  kNumber,
  kBoolean,
  kUndefined,
  kNull,
  kData,
  kOpenBlockParams,
  kCloseBlockParams,
  kInvalid,
  kEof,
};

struct Token {
  Tok type = Tok::kEof;
  std::size_t offset = 0;  // byte offset of the token's first character in the source
  std::string_view raw;    // the source text of the token
  std::string text;        // the token's value (content text, unquoted string, ...)
};

// Splits `source` into tokens, ending with kEof. On a lexical error (a character no rule
// accepts, an unterminated `{{!--` comment) the last token is kInvalid at the offending offset.
std::vector<Token> lex(std::string_view source);

// The name of a token type for messages ("'}}'", "ID").
std::string_view token_name(Tok t);

// JavaScript's \s for the code point starting at s[i]; sets `len` to its UTF-8 length.
bool js_space_at(std::string_view s, std::size_t i, std::size_t& len);

}  // namespace allma::tmpl
