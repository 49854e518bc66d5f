# Install layout extras and the Debian package (cpack -G DEB in the build directory).
install(FILES ${PROJECT_SOURCE_DIR}/config.example.yaml ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB TGZ)
set(CPACK_PACKAGE_NAME lithops)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Run many independent calls of a .so task or a command on any backend")
set(CPACK_PACKAGE_CONTACT "lithops maintainers <lithops@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # lithops_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
# Depends from the shared libraries the binaries link (dpkg-shlibdeps, from dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
include(CPack)
