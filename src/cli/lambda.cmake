# `allma lambda serve`, included by the cli's CMakeLists (or anyone needing the command).
add_library(allma_cli_lambda STATIC ${CMAKE_CURRENT_LIST_DIR}/lambda_command.cc)
target_link_libraries(allma_cli_lambda PUBLIC allma_host CLI11::CLI11 PRIVATE allma_base)
