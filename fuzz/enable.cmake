# Defines the fuzz targets (fuzzers.cmake) at the end of the top-level CMakeLists.txt, for
# builds configured with -DCMAKE_PROJECT_INCLUDE=<this file> (scripts/fuzz.sh does).
if(ALLMA_FUZZ)
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR}
    CALL include ${CMAKE_SOURCE_DIR}/fuzz/fuzzers.cmake)
endif()
