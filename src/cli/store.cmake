# The store history commands (executions list/show/cancel, flows list/show/publish), included by
# src/cli/CMakeLists.txt. Self-contained: needs only the store, json and CLI11.
add_library(allma_cli_store STATIC ${CMAKE_CURRENT_LIST_DIR}/store_commands.cc)
target_link_libraries(allma_cli_store PUBLIC allma_store allma_json allma_base CLI11::CLI11)
