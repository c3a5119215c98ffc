#pragma once

// Envoy's rule: impossible states crash loudly. AGORA_CHECK is for invariants the program itself
// guarantees, never for untrusted input or environment failures (those are handled and counted).

namespace agora::detail {

[[noreturn]] void check_failed(const char* expr, const char* file, int line, const char* what);

} // namespace agora::detail

#define AGORA_CHECK(expr)                                                                          \
  do {                                                                                             \
    if (!(expr))                                                                                   \
      ::agora::detail::check_failed(#expr, __FILE__, __LINE__, "");                                \
  } while (false)

#define AGORA_CHECK_MSG(expr, what)                                                                \
  do {                                                                                             \
    if (!(expr))                                                                                   \
      ::agora::detail::check_failed(#expr, __FILE__, __LINE__, what);                              \
  } while (false)
