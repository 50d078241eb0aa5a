// The Mantel screen's kernels (mantel_screen.h), one set per instruction set.
// Both read the permuted side as byte rows q + zero (unsigned), and the fixed
// side's blocks as signed bytes.
// - transpose: 64 byte rows of `cols` bytes into pt: pt[c · 64 + l] = rows[l][c].
// - columns_sq: Σ over j in [j0, j1) of Σ_l (pt[π(j) · 64 + l] − zero)².
// - block_dot: Σ over j in [j0, n) of Σ_l qa[(j − j0) · 64 + l] · pt[π(j) · 64 + l].
// The sums are exact (int32 lanes flushed to int64 before they could overflow).
#pragma once

#include <cstddef>
#include <cstdint>

namespace seedscope {
namespace screen_kernels {

constexpr std::size_t kBlock = 64;  // fixed rows per block = bytes per transposed column

// AVX-512 VNNI (vpdpbusd): q in [−127, 127], zero 128.
constexpr int kVnniLevels = 127, kVnniZero = 128;
void transpose_vnni(const std::uint8_t* const* rows, std::size_t cols, std::uint8_t* pt);
std::int64_t columns_sq_vnni(const std::uint8_t* pt, const std::int32_t* perm, std::size_t j0, std::size_t j1);
std::int64_t block_dot_vnni(const std::int8_t* qa, const std::uint8_t* pt, const std::int32_t* perm,
                            std::size_t j0, std::size_t n);

// AVX2 (vpmaddubsw, then vpmaddwd): q in [−63, 63], zero 64, so that a pair of
// products, at most 2 · 127 · 127, never saturates the int16 sums.
constexpr int kAvx2Levels = 63, kAvx2Zero = 64;
void transpose_avx2(const std::uint8_t* const* rows, std::size_t cols, std::uint8_t* pt);
std::int64_t columns_sq_avx2(const std::uint8_t* pt, const std::int32_t* perm, std::size_t j0, std::size_t j1);
std::int64_t block_dot_avx2(const std::int8_t* qa, const std::uint8_t* pt, const std::int32_t* perm,
                            std::size_t j0, std::size_t n);

}  // namespace screen_kernels
}  // namespace seedscope
