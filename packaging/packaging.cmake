# Install layout of the desktop integration files and the CPack .deb.
include(GNUInstallDirs)

if(PERFUSION_WITH_QT)
  install(FILES "${CMAKE_SOURCE_DIR}/packaging/perfusion-studio.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
  install(FILES "${CMAKE_SOURCE_DIR}/packaging/io.perfusion.Studio.metainfo.xml" DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
  install(FILES "${CMAKE_SOURCE_DIR}/resources/icons/perfusion-studio.svg"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")
  install(FILES "${CMAKE_SOURCE_DIR}/resources/icons/perfusion-studio-256.png"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/256x256/apps" RENAME perfusion-studio.png)
endif()

# The demo model and its sample photos (core/common/resources.h finds them here once installed).
foreach(resource demo-model sample-photos)
  if(EXISTS "${CMAKE_SOURCE_DIR}/resources/${resource}")
    install(DIRECTORY "${CMAKE_SOURCE_DIR}/resources/${resource}" DESTINATION "${CMAKE_INSTALL_DATADIR}/perfusion-studio")
  endif()
endforeach()

set(CPACK_PACKAGE_NAME "perfusion-studio")
set(CPACK_PACKAGE_VENDOR "Perfusion Studio contributors")
set(CPACK_PACKAGE_CONTACT "Perfusion Studio contributors <perfusion-studio@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Teach Stable Diffusion your own concepts with Perfusion")
set(CPACK_PACKAGE_DESCRIPTION "A desktop app that teaches a Stable Diffusion 1.x model personal concepts from a few photos with Perfusion (key-locked rank-one editing) and generates images with them; includes the perfusion command-line tool.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
# Library dependencies come from the binaries (dpkg-shlibdeps, in dpkg-dev); the SVG plugins
# are loaded at run time, so no binary names them.
find_program(PERFUSION_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(PERFUSION_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
if(PERFUSION_WITH_QT)
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libqt6svg6, qt6-translations-l10n")
endif()
include(CPack)
