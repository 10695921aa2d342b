# libFuzzer targets (issue 5, Robustness 1). Built only with clang and -DALLMA_FUZZ=ON; the
# libraries must then be compiled with -fsanitize=fuzzer-no-link,address,undefined (set
# by scripts/sanitizer-tree.sh), and each target links -fsanitize=fuzzer,address,undefined.
# Each target reads one input; fuzz/corpus/<target>/ holds its seeds.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(WARNING "ALLMA_FUZZ needs clang (CXX=clang++); fuzz targets skipped")
  return()
endif()

# -fno-sanitize=function: clang 14 fails on C++20 coroutines with it (scripts/sanitizer-tree.sh).
set(ALLMA_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize=function
  -fno-omit-frame-pointer)

# allma_add_fuzzer(NAME SOURCE LIBS...): one libFuzzer binary.
function(allma_add_fuzzer name source)
  add_executable(${name} ${CMAKE_CURRENT_LIST_DIR}/${source})
  target_compile_options(${name} PRIVATE ${ALLMA_FUZZ_FLAGS})
  target_link_options(${name} PRIVATE ${ALLMA_FUZZ_FLAGS})
  target_link_libraries(${name} PRIVATE ${ARGN})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})
  target_compile_definitions(${name} PRIVATE ALLMA_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  set_property(GLOBAL APPEND PROPERTY ALLMA_FUZZERS ${name})
endfunction()

allma_add_fuzzer(jsonpath_fuzz jsonpath_fuzz.cc allma_json)
allma_add_fuzzer(target_path_fuzz target_path_fuzz.cc allma_json)
allma_add_fuzzer(condition_fuzz condition_fuzz.cc allma_json)
allma_add_fuzzer(template_fuzz template_fuzz.cc allma_template)
allma_add_fuzzer(flow_fuzz flow_fuzz.cc allma_flow)
allma_add_fuzzer(functions_fuzz functions_fuzz.cc allma_host)
allma_add_fuzzer(response_fuzz response_fuzz.cc allma_engine)
allma_add_fuzzer(host_request_fuzz host_request_fuzz.cc allma_host allma_aws)

get_property(fuzzers GLOBAL PROPERTY ALLMA_FUZZERS)
add_custom_target(allma_fuzzers DEPENDS ${fuzzers})
