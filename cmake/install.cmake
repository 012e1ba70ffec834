# What `cmake --install` puts in place for a packager or a mobile-shell builder:
#   lib/libdoorstep.so.*                    the C ABI (the only thing a shell links)
#   include/doorstep/doorstep*.h            its headers
#   lib/cmake/Doorstep/                     find_package(Doorstep) -> Doorstep::doorstep
#   lib/pkgconfig/doorstep.pc               pkg-config --cflags --libs doorstep
#   bin/doorstep, bin/doorstep-server       the device CLI and the county server
#   share/doorstep/forms/                   the shipped forms (doorstep-server init's default)
#   lib/systemd/system/doorstep-server.service
include(CMakePackageConfigHelpers)

set(DOORSTEP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Doorstep)
set(DOORSTEP_SERVICE_DATA_DIR "/var/lib/doorstep" CACHE PATH
    "The county data folder the systemd unit serves")
set(DOORSTEP_SYSTEMD_UNIT_DIR "${CMAKE_INSTALL_LIBDIR}/systemd/system" CACHE PATH
    "Where the systemd unit is installed (relative to the prefix unless absolute)")

target_include_directories(libdoorstep PUBLIC
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/doorstep>)

install(TARGETS libdoorstep EXPORT DoorstepTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/client-lib/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/doorstep FILES_MATCHING PATTERN "doorstep*.h")
install(TARGETS doorstep doorstep-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/forms/household-monitoring.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doorstep/forms)

# The exported target is Doorstep::doorstep (the C ABI library).
set_target_properties(libdoorstep PROPERTIES EXPORT_NAME doorstep)
install(EXPORT DoorstepTargets NAMESPACE Doorstep:: DESTINATION ${DOORSTEP_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/DoorstepConfig.cmake.in
  ${PROJECT_BINARY_DIR}/DoorstepConfig.cmake INSTALL_DESTINATION ${DOORSTEP_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/DoorstepConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/DoorstepConfig.cmake
              ${PROJECT_BINARY_DIR}/DoorstepConfigVersion.cmake
        DESTINATION ${DOORSTEP_INSTALL_CMAKEDIR})

# pkg-config and the systemd unit name installed paths, which are known only at install time
# (`cmake --install --prefix P` may differ from CMAKE_INSTALL_PREFIX), so they are written
# then, straight to their destination (two installs at once never share a file).
install(CODE "
  set(DOORSTEP_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(DOORSTEP_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(DOORSTEP_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(DOORSTEP_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(DOORSTEP_VERSION \"${PROJECT_VERSION}\")
  set(DOORSTEP_SERVICE_DATA_DIR \"${DOORSTEP_SERVICE_DATA_DIR}\")
  set(unit_dir \"${DOORSTEP_SYSTEMD_UNIT_DIR}\")
  if(NOT IS_ABSOLUTE \"\${unit_dir}\")
    set(unit_dir \"\${CMAKE_INSTALL_PREFIX}/\${unit_dir}\")
  endif()
  set(pc_file \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/doorstep.pc\")
  set(unit_file \"\$ENV{DESTDIR}\${unit_dir}/doorstep-server.service\")
  message(STATUS \"Installing: \${pc_file}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/cmake/doorstep.pc.in\" \"\${pc_file}\" @ONLY)
  message(STATUS \"Installing: \${unit_file}\")
  configure_file(\"${PROJECT_SOURCE_DIR}/packaging/doorstep-server.service.in\"
                 \"\${unit_file}\" @ONLY)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${pc_file}\" \"\${unit_file}\")
")
