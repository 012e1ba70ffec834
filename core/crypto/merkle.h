// RFC 6962 (Certificate Transparency) Merkle tree hashing over SHA-256: the building block of
// per-device signed logs (docs/protocol.md, "Device logs"). A device's changes are the leaves
// of its tree; one signed tree head then vouches for every change in it, and an inclusion proof
// ties one change to a head without the others.
//
//   leaf hash  = SHA-256(0x00 || leaf bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   root of n leaves = node(root of the first k, root of the rest), k the largest power of two
//   below n; the root of no leaves is SHA-256 of nothing.
//
// A root does not fix the tree's size on its own (a proof of leaf i can verify against the
// same root for two sizes), so whatever vouches for a root signs the size beside it.
//
// Proofs are generated and verified as RFC 6962 section 2.1 and RFC 9162 section 2.1.3/2.1.4
// describe. Verification bounds its input: a proof longer than 64 hashes (more than a tree
// of 2^64 leaves needs) or an index outside the tree is refused, never read.
//
// Thread-safety: free functions are safe from any thread; a CompactRange is used by one
// thread at a time.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/crypto/hash.h"

namespace doorstep::crypto::merkle {

// The most hashes any proof can hold (a tree of 2^64 leaves is 64 levels deep).
inline constexpr size_t kMaxProofHashes = 64;

Digest leaf_hash(std::string_view leaf);
Digest node_hash(const Digest& left, const Digest& right);

// The root over `leaves` (leaf hashes, in order).
Digest root(std::span<const Digest> leaves);

// The audit path of leaf `index` in the tree of `leaves`; throws Error(InvalidArgument) if
// index >= leaves.size().
std::vector<Digest> inclusion_proof(std::span<const Digest> leaves, uint64_t index);

// True when `proof` shows that `leaf` (a leaf hash) is leaf `index` of the tree of `size`
// leaves whose root is `root`.
bool verify_inclusion(uint64_t index, uint64_t size, const Digest& leaf,
                      std::span<const Digest> proof, const Digest& root);

// The proof that the tree of the first `old_size` leaves is a prefix of the tree of all
// `leaves`; throws Error(InvalidArgument) unless 0 < old_size <= leaves.size().
std::vector<Digest> consistency_proof(std::span<const Digest> leaves, uint64_t old_size);

// True when `proof` shows that the tree of `old_size` leaves with root `old_root` is a prefix
// of the tree of `new_size` leaves with root `new_root` (an empty old tree is a prefix of any).
bool verify_consistency(uint64_t old_size, uint64_t new_size, const Digest& old_root,
                        const Digest& new_root, std::span<const Digest> proof);

// An append-only tree kept as the roots of its perfect subtrees, largest first: appending a
// leaf and computing the root cost O(log n) hashes and O(log n) memory, so a device appends to
// its log without reading it back.
class CompactRange {
 public:
  void append(const Digest& leaf);
  uint64_t size() const { return size_; }
  Digest root() const;
  // The subtree roots, largest first (what a device stores to resume its log).
  const std::vector<Digest>& peaks() const { return peaks_; }
  // A range rebuilt from stored peaks; throws Error(InvalidArgument) unless peaks.size() is
  // the number of set bits of size.
  static CompactRange from_peaks(uint64_t size, std::vector<Digest> peaks);

 private:
  uint64_t size_ = 0;
  std::vector<Digest> peaks_;
};

}  // namespace doorstep::crypto::merkle
