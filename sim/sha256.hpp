// SHA-256 (FIPS 180-4), for the scenario fingerprint in run manifests.
#pragma once

#include <string>
#include <string_view>

namespace geosim::detail {

/// Lower-case hex SHA-256 digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace geosim::detail
