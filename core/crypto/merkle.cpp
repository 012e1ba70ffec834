#include "core/crypto/merkle.h"

#include <bit>

#include "core/common/error.h"

namespace doorstep::crypto::merkle {

namespace {

// The largest power of two strictly below n (n >= 2).
uint64_t split_point(uint64_t n) {
  return std::bit_floor(n - 1);
}

void path(std::span<const Digest> leaves, uint64_t index, std::vector<Digest>& out) {
  if (leaves.size() <= 1) return;
  uint64_t k = split_point(leaves.size());
  if (index < k) {
    path(leaves.first(k), index, out);
    out.push_back(root(leaves.subspan(k)));
  } else {
    path(leaves.subspan(k), index - k, out);
    out.push_back(root(leaves.first(k)));
  }
}

void subproof(std::span<const Digest> leaves, uint64_t m, bool whole, std::vector<Digest>& out) {
  if (m == leaves.size()) {
    if (!whole) out.push_back(root(leaves));
    return;
  }
  uint64_t k = split_point(leaves.size());
  if (m <= k) {
    subproof(leaves.first(k), m, whole, out);
    out.push_back(root(leaves.subspan(k)));
  } else {
    subproof(leaves.subspan(k), m - k, false, out);
    out.push_back(root(leaves.first(k)));
  }
}

// RFC 9162's step after hashing in a left sibling: right-shift both until fn is a right child
// or the root of its subtree.
void shift_to_right_child(uint64_t& fn, uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

Digest leaf_hash(std::string_view leaf) {
  Sha256 hash;
  const uint8_t prefix = 0x00;
  hash.update(&prefix, 1);
  hash.update(leaf);
  return hash.finish();
}

Digest node_hash(const Digest& left, const Digest& right) {
  Sha256 hash;
  const uint8_t prefix = 0x01;
  hash.update(&prefix, 1);
  hash.update(left.data(), left.size());
  hash.update(right.data(), right.size());
  return hash.finish();
}

Digest root(std::span<const Digest> leaves) {
  if (leaves.empty()) return sha256("", 0);
  if (leaves.size() == 1) return leaves[0];
  uint64_t k = split_point(leaves.size());
  return node_hash(root(leaves.first(k)), root(leaves.subspan(k)));
}

std::vector<Digest> inclusion_proof(std::span<const Digest> leaves, uint64_t index) {
  if (index >= leaves.size())
    throw Error(ErrorCode::InvalidArgument, "leaf " + std::to_string(index) +
                                                " is outside a tree of " +
                                                std::to_string(leaves.size()) + " leaves");
  std::vector<Digest> out;
  path(leaves, index, out);
  return out;
}

bool verify_inclusion(uint64_t index, uint64_t size, const Digest& leaf,
                      std::span<const Digest> proof, const Digest& expected_root) {
  if (index >= size || proof.size() > kMaxProofHashes) return false;
  uint64_t fn = index, sn = size - 1;
  Digest r = leaf;
  for (const Digest& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = node_hash(p, r);
      shift_to_right_child(fn, sn);
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == expected_root;
}

std::vector<Digest> consistency_proof(std::span<const Digest> leaves, uint64_t old_size) {
  if (old_size == 0 || old_size > leaves.size())
    throw Error(ErrorCode::InvalidArgument, "a consistency proof from " + std::to_string(old_size) +
                                                " leaves to " + std::to_string(leaves.size()) +
                                                " needs 0 < old size <= new size");
  std::vector<Digest> out;
  subproof(leaves, old_size, true, out);
  return out;
}

bool verify_consistency(uint64_t old_size, uint64_t new_size, const Digest& old_root,
                        const Digest& new_root, std::span<const Digest> proof) {
  if (old_size > new_size || proof.size() > kMaxProofHashes) return false;
  if (old_size == 0) return proof.empty();
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;
  std::vector<Digest> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Digest fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Digest& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      shift_to_right_child(fn, sn);
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

void CompactRange::append(const Digest& leaf) {
  Digest carry = leaf;
  // Each set low bit of size_ is a peak of that height waiting for a right sibling.
  for (uint64_t bits = size_; (bits & 1) != 0; bits >>= 1) {
    carry = node_hash(peaks_.back(), carry);
    peaks_.pop_back();
  }
  peaks_.push_back(carry);
  ++size_;
}

Digest CompactRange::root() const {
  if (peaks_.empty()) return sha256("", 0);
  Digest acc = peaks_.back();
  for (size_t i = peaks_.size() - 1; i-- > 0;) acc = node_hash(peaks_[i], acc);
  return acc;
}

CompactRange CompactRange::from_peaks(uint64_t size, std::vector<Digest> peaks) {
  if (static_cast<size_t>(std::popcount(size)) != peaks.size())
    throw Error(ErrorCode::InvalidArgument, "a log of " + std::to_string(size) + " leaves has " +
                                                std::to_string(std::popcount(size)) +
                                                " subtree roots, not " +
                                                std::to_string(peaks.size()));
  CompactRange range;
  range.size_ = size;
  range.peaks_ = std::move(peaks);
  return range;
}

}  // namespace doorstep::crypto::merkle
