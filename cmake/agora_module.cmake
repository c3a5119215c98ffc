# agora_add_module(<target> SOURCES <files...> [DEPS <targets...>] [PRIVATE_DEPS <targets...>])
# Declares one static library of the project: C++17, warnings on, includes from the repo root.
function(agora_add_module target)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${target} STATIC ${arg_SOURCES})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  target_link_libraries(${target} PUBLIC ${arg_DEPS} PRIVATE ${arg_PRIVATE_DEPS})
  agora_warnings(${target})
endfunction()

function(agora_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra $<$<BOOL:${AGORA_WERROR}>:-Werror>)
endfunction()

# agora_embed(<output.cpp> <namespace> <function> FILES <files...>)
# Generates a translation unit with the files' contents, so the binary needs no data files at run
# time. The function returns std::vector<agora::embedded_file>, ordered by file name.
function(agora_embed output ns function)
  cmake_parse_arguments(arg "" "" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DNAMESPACE=${ns} -DFUNCTION=${function}
            "-DFILES=${arg_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${arg_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${function}"
    VERBATIM)
endfunction()
