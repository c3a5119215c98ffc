#pragma once

#include <string_view>
#include <vector>

namespace agora {

/// A file compiled into the binary (migrations, OpenAPI document, console assets).
struct embedded_file {
  std::string_view name;
  std::string_view content;
};

} // namespace agora
