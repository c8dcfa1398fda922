# Precompiled headers (-DFAULTLINE_PCH=ON): the standard library, nlohmann/json and, for the
# tests, GoogleTest are parsed once per build instead of once per source file. Parsing them is
# much of the compile time of a typical file (json.hpp alone takes seconds), and building is
# most of CI's time (docs/hardening.md, "Cost").
#
# One mechanism for the whole tree: faultline_precompile_headers(), called once after every
# target is defined, gives each C++ target the precompiled header of its group by REUSE_FROM:
#   faultline_pch       libraries and programs
#   faultline_test_pch  everything under tests/ (compiled at -O1 and, in sanitizer builds, the
#                       test executables with a lighter instrumentation: their own group)
# A target joins a group only when it is compiled with exactly the group's options; the others
# (the LD_PRELOAD clock library, the programs exempt from the sanitizers) parse their headers
# as before.
#
# On by default with Clang only, i.e. in the sanitizer and fuzzing builds (scripts/sanitize.sh,
# fuzz.sh), where a typical file compiles in a fifth to two thirds less time. GCC 12 gains less
# from its 110 MB header images and, with them, reports its known false -Wstringop-overflow and
# -Warray-bounds on std::string concatenation inside the standard headers (GCC bugs 105329,
# 105651). The Release build (GCC, no precompiled header) is thereby also what checks that
# every source includes what it uses.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(faultline_pch_default ON)
else()
  set(faultline_pch_default OFF)
endif()
option(FAULTLINE_PCH "precompile the standard library, nlohmann/json and GoogleTest headers"
       ${faultline_pch_default})

set(FAULTLINE_PCH_HEADERS
    <algorithm> <atomic> <chrono> <cstdint> <cstdio> <cstdlib> <cstring> <filesystem>
    <fstream> <functional> <map> <memory> <mutex> <optional> <set> <sstream> <string>
    <string_view> <thread> <unordered_map> <utility> <vector> <nlohmann/json.hpp>)

function(faultline_precompile_headers)
  if(NOT FAULTLINE_PCH)
    return()
  endif()
  set(source ${CMAKE_BINARY_DIR}/faultline_pch.cc)
  if(NOT EXISTS ${source})
    file(WRITE ${source} "// The translation unit that builds the precompiled header (cmake/pch.cmake).\n")
  endif()

  add_library(faultline_pch OBJECT ${source})
  target_link_libraries(faultline_pch PRIVATE nlohmann_json::nlohmann_json)
  target_precompile_headers(faultline_pch PRIVATE ${FAULTLINE_PCH_HEADERS})
  get_target_property(lib_options faultline_pch COMPILE_OPTIONS)

  set(test_options ${lib_options})
  if(BUILD_TESTING)
    add_library(faultline_test_pch OBJECT ${source})
    target_link_libraries(faultline_test_pch PRIVATE nlohmann_json::nlohmann_json GTest::gtest)
    target_precompile_headers(faultline_test_pch PRIVATE ${FAULTLINE_PCH_HEADERS} <gtest/gtest.h>)
    # Compiled as the tests are: with the options of tests/ and, in sanitizer builds, the
    # lighter instrumentation of test sources (cmake/sanitizers.cmake).
    get_property(tests_options DIRECTORY ${CMAKE_SOURCE_DIR}/tests PROPERTY COMPILE_OPTIONS)
    set_property(TARGET faultline_test_pch PROPERTY COMPILE_OPTIONS ${tests_options})
    faultline_lighten_target(faultline_test_pch)
    get_target_property(test_options faultline_test_pch COMPILE_OPTIONS)
  endif()

  faultline_targets_below(${CMAKE_SOURCE_DIR} targets)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    get_target_property(dir ${target} SOURCE_DIR)
    get_target_property(options ${target} COMPILE_OPTIONS)
    if(target MATCHES "^faultline_(test_)?pch$" OR
       NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|OBJECT_LIBRARY)$")
      continue()
    endif()
    if(BUILD_TESTING AND dir MATCHES "^${CMAKE_SOURCE_DIR}/tests(/|$)")
      set(host faultline_test_pch)
      set(host_options "${test_options}")
    else()
      set(host faultline_pch)
      set(host_options "${lib_options}")
    endif()
    if("${options}" STREQUAL "${host_options}")
      target_precompile_headers(${target} REUSE_FROM ${host})
    endif()
  endforeach()
endfunction()
