#include "core/text/byte_symbols.h"

#include <vector>

#include "core/text/unicode.h"

namespace perfusion::text {

namespace {

bool stands_for_itself(int byte) {
  return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE && byte <= 0xFF);
}

struct ByteAlphabet {
  std::array<std::string, 256> by_byte;
  std::array<std::string, 256> in_vocabulary_order;

  ByteAlphabet() {
    std::vector<int> order;
    for (int b = 0; b < 256; ++b) {
      if (stands_for_itself(b)) order.push_back(b);
    }
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      std::string symbol;
      unicode::append_utf8(symbol, stands_for_itself(b) ? static_cast<char32_t>(b) : next++);
      by_byte[b] = symbol;
    }
    for (int b = 0; b < 256; ++b) {
      if (!stands_for_itself(b)) order.push_back(b);
    }
    for (size_t i = 0; i < order.size(); ++i) in_vocabulary_order[i] = by_byte[order[i]];
  }
};

const ByteAlphabet& alphabet() {
  static const ByteAlphabet instance;
  return instance;
}

}  // namespace

const std::array<std::string, 256>& byte_symbols() { return alphabet().by_byte; }
const std::array<std::string, 256>& byte_symbols_in_vocabulary_order() { return alphabet().in_vocabulary_order; }

}  // namespace perfusion::text
