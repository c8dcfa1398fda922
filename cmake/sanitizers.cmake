# Sanitizer builds (docs/hardening.md): -DFAULTLINE_SANITIZE=address,undefined or =thread
# instruments every target except those passed to faultline_exempt_from_sanitizers().
#
# UBSan runs with -fno-sanitize-recover, so a finding aborts the process and fails its test.

set(FAULTLINE_SANITIZE "" CACHE STRING
    "sanitizers for every target, comma-separated: address, undefined, thread (empty: none)")

set(FAULTLINE_SANITIZER_FLAGS "")
if(FAULTLINE_SANITIZE)
  string(REPLACE "," ";" faultline_sanitizers "${FAULTLINE_SANITIZE}")
  foreach(s IN LISTS faultline_sanitizers)
    if(NOT s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "FAULTLINE_SANITIZE: unknown sanitizer '${s}' in "
              "'${FAULTLINE_SANITIZE}'; expected a comma-separated list of address, undefined, "
              "leak, thread (e.g. address,undefined or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST faultline_sanitizers AND ("address" IN_LIST faultline_sanitizers OR
                                                "leak" IN_LIST faultline_sanitizers))
    message(FATAL_ERROR "FAULTLINE_SANITIZE='${FAULTLINE_SANITIZE}': thread cannot be combined "
            "with address or leak; configure a separate build directory for each")
  endif()
  # -g1 (line tables) on top of the build type's flags: stacks with file and line in every
  # report, at a fraction of the compile and link time of full debug information.
  set(FAULTLINE_SANITIZER_FLAGS -fsanitize=${FAULTLINE_SANITIZE} -fno-omit-frame-pointer -g1)
  if("undefined" IN_LIST faultline_sanitizers)
    list(APPEND FAULTLINE_SANITIZER_FLAGS -fno-sanitize-recover=all)
  endif()
  add_compile_options(${FAULTLINE_SANITIZER_FLAGS})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options(-Wno-unknown-warning-option)  # GCC's -Wno-restrict (top CMakeLists.txt)
  endif()
  add_link_options(${FAULTLINE_SANITIZER_FLAGS})
  message(STATUS "faultline: sanitizers ${FAULTLINE_SANITIZE}")
endif()

# -DFAULTLINE_FUZZ=ON (clang only): coverage instrumentation for libFuzzer everywhere, and the
# targets under fuzz/ (scripts/fuzz.sh).
option(FAULTLINE_FUZZ "build the libFuzzer targets under fuzz/ (needs clang)" OFF)
if(FAULTLINE_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
  list(APPEND FAULTLINE_SANITIZER_FLAGS -fsanitize=fuzzer-no-link)
endif()

# The test executables' own sources (everything under tests/) are compiled without the ASan
# and UBSan instrumentation, the code they test with it: the runtime is linked into every
# program, so each allocation, free and intercepted libc call the tests make is still checked,
# and the build takes about a third less time (docs/hardening.md). TSan always instruments
# everything: a race is only seen when both sides are instrumented, and atomics in
# uninstrumented code would look like races. -DFAULTLINE_SANITIZE_TEST_SOURCES=ON instruments
# the tests too.
option(FAULTLINE_SANITIZE_TEST_SOURCES "with address/undefined, instrument tests/ sources too" OFF)
function(faultline_lighten_target target)
  if(NOT FAULTLINE_SANITIZE OR FAULTLINE_SANITIZE_TEST_SOURCES OR FAULTLINE_SANITIZE MATCHES thread)
    return()
  endif()
  get_target_property(options ${target} COMPILE_OPTIONS)
  if(options)
    list(REMOVE_ITEM options -fsanitize=${FAULTLINE_SANITIZE} -fno-sanitize-recover=all)
    set_property(TARGET ${target} PROPERTY COMPILE_OPTIONS ${options})
  endif()
endfunction()
function(faultline_lighten_test_instrumentation dir)
  faultline_targets_below(${dir} targets)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
      faultline_lighten_target(${target})
    endif()
  endforeach()
endfunction()

# Every target defined in `dir` and below.
function(faultline_targets_below dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    faultline_targets_below(${subdir} below)
    list(APPEND targets ${below})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Builds `target` without the sanitizers: for code that is loaded into programs faultline does
# not build (the LD_PRELOAD clock library must stay free of any runtime) and for the programs
# that host it in tests. The target must be defined in the directory tree already.
function(faultline_exempt_from_sanitizers target)
  if(NOT FAULTLINE_SANITIZER_FLAGS OR NOT TARGET ${target})
    return()
  endif()
  foreach(property COMPILE_OPTIONS LINK_OPTIONS)
    get_target_property(options ${target} ${property})
    if(options)
      list(REMOVE_ITEM options ${FAULTLINE_SANITIZER_FLAGS})
      set_property(TARGET ${target} PROPERTY ${property} ${options})
    endif()
  endforeach()
endfunction()
