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
  # -g on top of the build type's flags: stacks with file and line in every report.
  set(FAULTLINE_SANITIZER_FLAGS -fsanitize=${FAULTLINE_SANITIZE} -fno-omit-frame-pointer -g)
  if("undefined" IN_LIST faultline_sanitizers)
    list(APPEND FAULTLINE_SANITIZER_FLAGS -fno-sanitize-recover=all)
  endif()
  add_compile_options(${FAULTLINE_SANITIZER_FLAGS})
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
