# geosim::warnings: the warning set every geosim target links PRIVATE.
add_library(geosim_warnings INTERFACE)
add_library(geosim::warnings ALIAS geosim_warnings)
target_compile_options(geosim_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough>
  $<$<AND:$<CXX_COMPILER_ID:GNU,Clang>,$<BOOL:${GEOSIM_WARNINGS_AS_ERRORS}>>:-Werror>)
