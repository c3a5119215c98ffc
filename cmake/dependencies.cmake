# Finds every third-party dependency. Each comes from a Debian 12 package; a missing one stops
# configure with one line that names the package to install.

macro(agora_require found package)
  if(NOT ${found})
    message(FATAL_ERROR "agora: missing dependency, install the Debian package '${package}' "
                        "(apt-get install -y ${package})")
  endif()
endmacro()

find_package(Threads REQUIRED)
find_package(PkgConfig QUIET)
agora_require(PKG_CONFIG_FOUND pkg-config)

# CAF 0.17 ships no CMake package: wrap headers and libraries in imported targets.
find_path(CAF_INCLUDE_DIR caf/all.hpp)
find_library(CAF_CORE_LIBRARY caf_core)
find_library(CAF_IO_LIBRARY caf_io)
find_library(CAF_OPENSSL_LIBRARY caf_openssl)
agora_require(CAF_INCLUDE_DIR libcaf-dev)
agora_require(CAF_CORE_LIBRARY libcaf-dev)
agora_require(CAF_IO_LIBRARY libcaf-dev)
agora_require(CAF_OPENSSL_LIBRARY libcaf-dev)
if(NOT TARGET caf::core)
  add_library(caf::core UNKNOWN IMPORTED)
  set_target_properties(caf::core PROPERTIES IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
                                             INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
                                             INTERFACE_LINK_LIBRARIES Threads::Threads)
  add_library(caf::io UNKNOWN IMPORTED)
  set_target_properties(caf::io PROPERTIES IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
                                           INTERFACE_LINK_LIBRARIES caf::core)
  # Mutual TLS on the cluster port (OpenSSL 3 underneath).
  add_library(caf::openssl UNKNOWN IMPORTED)
  set_target_properties(caf::openssl PROPERTIES IMPORTED_LOCATION "${CAF_OPENSSL_LIBRARY}"
                                                INTERFACE_LINK_LIBRARIES caf::io)
endif()

# RESTinio's package config uses fmt::fmt without finding it, and does not depend on Asio.
find_package(fmt QUIET CONFIG)
agora_require(fmt_FOUND libfmt-dev)
find_path(ASIO_INCLUDE_DIR asio.hpp)
agora_require(ASIO_INCLUDE_DIR libasio-dev)
find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h)
agora_require(HTTP_PARSER_INCLUDE_DIR libhttp-parser-dev)
find_package(restinio QUIET CONFIG)
agora_require(restinio_FOUND librestinio-dev)

pkg_check_modules(PQXX QUIET IMPORTED_TARGET libpqxx)
agora_require(PQXX_FOUND libpqxx-dev)

find_package(prometheus-cpp QUIET CONFIG)
agora_require(prometheus-cpp_FOUND prometheus-cpp-dev)

find_package(nlohmann_json QUIET CONFIG)
agora_require(nlohmann_json_FOUND nlohmann-json3-dev)

find_package(CURL QUIET)
agora_require(CURL_FOUND libcurl4-openssl-dev)

pkg_check_modules(SODIUM QUIET IMPORTED_TARGET libsodium)
agora_require(SODIUM_FOUND libsodium-dev)

pkg_check_modules(JEMALLOC QUIET IMPORTED_TARGET jemalloc)
agora_require(JEMALLOC_FOUND libjemalloc-dev)

if(AGORA_ENABLE_TESTS)
  find_package(Catch2 QUIET CONFIG)
  agora_require(Catch2_FOUND catch2)
endif()
