// RFC 6962 Merkle trees: the roots and proofs of Certificate Transparency's test vectors, every
// proof of every small tree verifying, and every altered proof, index or root refused.
#include <doctest/doctest.h>

#include <random>

#include "core/common/error.h"
#include "core/crypto/merkle.h"

using namespace doorstep::crypto;
using namespace doorstep::crypto::merkle;

namespace {

// The eight leaves of RFC 6962's reference test data (as hex).
const char* const kLeaves[] = {"",
                               "00",
                               "10",
                               "2021",
                               "3031",
                               "40414243",
                               "5051525354555657",
                               "606162636465666768696a6b6c6d6e6f"};

std::vector<Digest> reference_leaves(size_t n) {
  std::vector<Digest> out;
  for (size_t i = 0; i < n; ++i) {
    auto bytes = from_hex(kLeaves[i]);
    out.push_back(
        leaf_hash(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
  }
  return out;
}

std::vector<Digest> numbered_leaves(size_t n) {
  std::vector<Digest> out;
  for (size_t i = 0; i < n; ++i) out.push_back(leaf_hash("change " + std::to_string(i)));
  return out;
}

}  // namespace

TEST_CASE("the roots of the reference tree of one to eight leaves") {
  const char* roots[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  auto leaves = reference_leaves(8);
  CHECK(to_hex(root({})) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CompactRange range;
  CHECK(range.root() == root({}));
  for (size_t n = 1; n <= 8; ++n) {
    INFO("leaves: " << n);
    CHECK(to_hex(root(std::span(leaves).first(n))) == roots[n - 1]);
    range.append(leaves[n - 1]);
    CHECK(to_hex(range.root()) == roots[n - 1]);
  }
}

TEST_CASE("the reference inclusion and consistency proofs") {
  auto leaves = reference_leaves(8);
  auto proof = inclusion_proof(leaves, 0);
  REQUIRE(proof.size() == 3);
  CHECK(to_hex(proof[0]) == "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
  CHECK(to_hex(proof[1]) == "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e");
  CHECK(to_hex(proof[2]) == "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
  proof = inclusion_proof(leaves, 5);
  REQUIRE(proof.size() == 3);
  CHECK(to_hex(proof[0]) == "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
  CHECK(to_hex(proof[1]) == "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0");
  CHECK(to_hex(proof[2]) == "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
  proof = inclusion_proof(std::span(leaves).first(3), 2);
  REQUIRE(proof.size() == 1);
  CHECK(to_hex(proof[0]) == "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");

  auto consistency = consistency_proof(leaves, 6);
  REQUIRE(consistency.size() == 3);
  CHECK(to_hex(consistency[0]) ==
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a");
  CHECK(to_hex(consistency[1]) ==
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0");
  CHECK(to_hex(consistency[2]) ==
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
  consistency = consistency_proof(std::span(leaves).first(5), 2);
  REQUIRE(consistency.size() == 2);
  CHECK(to_hex(consistency[0]) ==
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e");
  CHECK(to_hex(consistency[1]) ==
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
  CHECK(verify_consistency(6, 8, root(std::span(leaves).first(6)), root(leaves),
                           consistency_proof(leaves, 6)));
}

TEST_CASE("every inclusion proof of every tree up to 40 leaves verifies, and nothing else does") {
  auto all = numbered_leaves(40);
  for (uint64_t n = 1; n <= all.size(); ++n) {
    auto leaves = std::span(all).first(n);
    Digest tree_root = root(leaves);
    for (uint64_t i = 0; i < n; ++i) {
      INFO("leaf " << i << " of " << n);
      auto proof = inclusion_proof(leaves, i);
      REQUIRE(verify_inclusion(i, n, leaves[i], proof, tree_root));
      // Another leaf, index or root is refused. (The size is not bound by the root: some
      // proofs verify for n and n + 1 leaves alike, which is why a tree head signs the size.)
      CHECK_FALSE(verify_inclusion(i, n, all[(i + 1) % all.size()], proof, tree_root));
      if (n > 1) CHECK_FALSE(verify_inclusion((i + 1) % n, n, leaves[i], proof, tree_root));
      CHECK_FALSE(verify_inclusion(n, n, leaves[i], proof, tree_root));
      Digest other_root = tree_root;
      other_root[0] ^= 1;
      CHECK_FALSE(verify_inclusion(i, n, leaves[i], proof, other_root));
      // Every flipped bit of the path and every shortened or lengthened path is refused.
      for (size_t p = 0; p < proof.size(); ++p) {
        auto altered = proof;
        altered[p][p % 32] ^= 0x80;
        CHECK_FALSE(verify_inclusion(i, n, leaves[i], altered, tree_root));
      }
      if (!proof.empty())
        CHECK_FALSE(
            verify_inclusion(i, n, leaves[i], std::span(proof).first(proof.size() - 1), tree_root));
      auto longer = proof;
      longer.push_back(leaves[0]);
      CHECK_FALSE(verify_inclusion(i, n, leaves[i], longer, tree_root));
    }
  }
}

TEST_CASE("every consistency proof between trees up to 33 leaves verifies, and nothing else") {
  auto all = numbered_leaves(33);
  for (uint64_t n = 1; n <= all.size(); ++n) {
    auto leaves = std::span(all).first(n);
    Digest new_root = root(leaves);
    for (uint64_t m = 1; m <= n; ++m) {
      INFO("from " << m << " to " << n);
      Digest old_root = root(leaves.first(m));
      auto proof = consistency_proof(leaves, m);
      REQUIRE(verify_consistency(m, n, old_root, new_root, proof));
      Digest forked = old_root;
      forked[31] ^= 1;
      CHECK_FALSE(verify_consistency(m, n, forked, new_root, proof));
      if (m < n) {
        CHECK_FALSE(verify_consistency(m, n, old_root, forked, proof));
        for (size_t p = 0; p < proof.size(); ++p) {
          auto altered = proof;
          altered[p][7] ^= 0x01;
          CHECK_FALSE(verify_consistency(m, n, old_root, new_root, altered));
        }
        CHECK_FALSE(verify_consistency(m, n, old_root, new_root, {}));
      }
    }
  }
  // A bigger tree is never a prefix of a smaller one; an empty tree is a prefix of any.
  CHECK_FALSE(
      verify_consistency(5, 4, root(std::span(all).first(5)), root(std::span(all).first(4)), {}));
  CHECK(verify_consistency(0, 7, root({}), root(std::span(all).first(7)), {}));
}

TEST_CASE("bounds: indexes outside the tree and over-long proofs are refused, never read") {
  auto leaves = numbered_leaves(4);
  CHECK_THROWS_AS(inclusion_proof(leaves, 4), doorstep::Error);
  CHECK_THROWS_AS(consistency_proof(leaves, 0), doorstep::Error);
  CHECK_THROWS_AS(consistency_proof(leaves, 5), doorstep::Error);
  std::vector<Digest> huge(kMaxProofHashes + 1, leaves[0]);
  CHECK_FALSE(verify_inclusion(0, UINT64_MAX, leaves[0], huge, root(leaves)));
  CHECK_FALSE(verify_consistency(1, UINT64_MAX, leaves[0], root(leaves), huge));
  CHECK_FALSE(verify_inclusion(0, 0, leaves[0], {}, root({})));
}

TEST_CASE("a compact range appends like the whole tree and resumes from its stored peaks") {
  const unsigned seed = 6962;
  INFO("seed " << seed);
  std::mt19937 random(seed);
  auto all = numbered_leaves(300);
  CompactRange range;
  for (size_t n = 0; n < all.size(); ++n) {
    range.append(all[n]);
    REQUIRE(range.size() == n + 1);
    REQUIRE(range.root() == root(std::span(all).first(n + 1)));
    REQUIRE(range.peaks().size() == static_cast<size_t>(std::popcount(n + 1)));
    if (random() % 16 == 0) {
      range = CompactRange::from_peaks(range.size(), range.peaks());
      REQUIRE(range.root() == root(std::span(all).first(n + 1)));
    }
  }
  auto peaks = range.peaks();
  peaks.pop_back();
  CHECK_THROWS_AS(CompactRange::from_peaks(range.size(), peaks), doorstep::Error);
}
