# Script mode: writes OUTPUT, a C++ file whose FUNCTION in NAMESPACE returns FILES as
# std::vector<agora::embedded_file>{name, content}, sorted by base name.
set(files ${FILES})
list(SORT files)
set(body "")
foreach(file IN LISTS files)
  get_filename_component(name ${file} NAME)
  file(READ ${file} content)
  string(FIND "${content}" ")agora_embed\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw-string delimiter")
  endif()
  string(APPEND body "    {\"${name}\", R\"agora_embed(${content})agora_embed\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
  "// Generated from ${FILES}: edit the sources, not this file.\n"
  "#include \"runtime/base/embedded_file.hpp\"\n\n"
  "namespace ${NAMESPACE} {\n\n"
  "const std::vector<agora::embedded_file>& ${FUNCTION}() {\n"
  "  static const std::vector<agora::embedded_file> files{\n${body}  };\n"
  "  return files;\n}\n\n} // namespace ${NAMESPACE}\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
