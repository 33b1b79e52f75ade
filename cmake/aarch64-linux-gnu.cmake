# Cross-compiling for 64-bit ARM on Debian: its cross compiler (g++-aarch64-linux-gnu)
# and the arm64 -dev packages installed next to the native ones through multiarch
# (dpkg --add-architecture arm64; scripts/setup.sh aarch64 does both).
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)

# Libraries from /usr/lib/aarch64-linux-gnu, never the native ones; headers and
# CMake package files that are the same for every architecture (nlohmann_json,
# CLI11, doctest) from /usr as usual.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
