# conclab_add_plugin(NAME SOURCES... [TARGET target]): a conclab plugin, NAME.so
# (the target is NAME unless TARGET names it), built the way
# conclab's own are. Used by conclab's own tree and by plugin authors
# through find_package(conclab) (the installed conclabConfig.cmake).
#   - a MODULE named NAME.so (no "lib" prefix), position-independent;
#   - hidden visibility: only the descriptor (CL_PLUGIN) is exported;
#   - -z now: symbols bound at load, so a strategy's forked workers never
#     resolve them again;
#   - linked with the runtime (conclab::conclab), which gives the include
#     path and -pthread;
#   - installed into lib/conclab/plugins of the prefix it is installed to
#     (CONCLAB_PLUGIN_DESTINATION to change it).
# The output goes to CONCLAB_PLUGIN_OUTPUT_DIRECTORY when it is set.
function(conclab_add_plugin name)
  cmake_parse_arguments(P "" "TARGET" "" ${ARGN})
  set(target ${name})
  if(P_TARGET)
    set(target ${P_TARGET})
  endif()
  if(NOT P_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "conclab_add_plugin(${name}): no sources")
  endif()
  add_library(${target} MODULE ${P_UNPARSED_ARGUMENTS})
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME ${name}
    C_VISIBILITY_PRESET hidden
    POSITION_INDEPENDENT_CODE ON)
  if(CONCLAB_PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CONCLAB_PLUGIN_OUTPUT_DIRECTORY})
  endif()
  target_link_options(${target} PRIVATE -Wl,-z,now)
  target_link_libraries(${target} PRIVATE conclab::conclab)
  if(NOT CONCLAB_PLUGIN_DESTINATION)
    include(GNUInstallDirs)
    set(CONCLAB_PLUGIN_DESTINATION ${CMAKE_INSTALL_LIBDIR}/conclab/plugins)
  endif()
  # the runtime, from lib/conclab/plugins: two folders up
  set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/../..")
  install(TARGETS ${target} LIBRARY DESTINATION ${CONCLAB_PLUGIN_DESTINATION})
endfunction()
