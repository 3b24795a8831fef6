// libperfusion_spm.so: sentencepiece behind a C interface (see perfusion_spm.h for why).
#include "perfusion_spm.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <unordered_map>
#include <vector>

#define PERFUSION_SPM_EXPORT extern "C" __attribute__((visibility("default")))

struct perfusion_spm {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {

void write_error(char* error, size_t capacity, const std::string& message) {
  if (!error || capacity == 0) return;
  std::string line = message;
  std::replace(line.begin(), line.end(), '\n', ' ');
  const size_t n = std::min(line.size(), capacity - 1);
  std::memcpy(error, line.data(), n);
  error[n] = '\0';
}

long copy_out(const std::string& text, char* out, size_t capacity) {
  if (out && capacity > 0) {
    const size_t n = std::min(text.size(), capacity - 1);
    std::memcpy(out, text.data(), n);
    out[n] = '\0';
  }
  return static_cast<long>(text.size());
}

}  // namespace

PERFUSION_SPM_EXPORT int perfusion_spm_abi_version(void) { return PERFUSION_SPM_ABI_VERSION; }

PERFUSION_SPM_EXPORT perfusion_spm* perfusion_spm_load(const char* bytes, size_t size, char* error,
                                                       size_t error_capacity) {
  try {
    auto* handle = new perfusion_spm();
    const auto status = handle->processor.LoadFromSerializedProto(std::string(bytes, size));
    if (!status.ok()) {
      write_error(error, error_capacity, status.ToString());
      delete handle;
      return nullptr;
    }
    return handle;
  } catch (const std::exception& e) {
    write_error(error, error_capacity, e.what());
    return nullptr;
  }
}

PERFUSION_SPM_EXPORT void perfusion_spm_free(perfusion_spm* processor) { delete processor; }

PERFUSION_SPM_EXPORT long perfusion_spm_encode(const perfusion_spm* processor, const char* text, size_t text_size,
                                               int32_t* ids, size_t capacity, char* error, size_t error_capacity) {
  try {
    std::vector<int> encoded;
    const auto status = processor->processor.Encode(std::string(text, text_size), &encoded);
    if (!status.ok()) {
      write_error(error, error_capacity, status.ToString());
      return -1;
    }
    for (size_t i = 0; i < encoded.size() && i < capacity; ++i) ids[i] = encoded[i];
    return static_cast<long>(encoded.size());
  } catch (const std::exception& e) {
    write_error(error, error_capacity, e.what());
    return -1;
  }
}

PERFUSION_SPM_EXPORT long perfusion_spm_decode(const perfusion_spm* processor, const int32_t* ids, size_t count,
                                               char* out, size_t capacity, char* error, size_t error_capacity) {
  try {
    const std::vector<int> input(ids, ids + count);
    std::string text;
    const auto status = processor->processor.Decode(input, &text);
    if (!status.ok()) {
      write_error(error, error_capacity, status.ToString());
      return -1;
    }
    return copy_out(text, out, capacity);
  } catch (const std::exception& e) {
    write_error(error, error_capacity, e.what());
    return -1;
  }
}

PERFUSION_SPM_EXPORT int perfusion_spm_vocab_size(const perfusion_spm* processor) {
  return processor->processor.GetPieceSize();
}

PERFUSION_SPM_EXPORT int perfusion_spm_piece_to_id(const perfusion_spm* processor, const char* piece,
                                                   size_t piece_size) {
  const std::string text(piece, piece_size);
  const int id = processor->processor.PieceToId(text);
  // sentencepiece answers unknown pieces with the unk id.
  if (id == processor->processor.unk_id() && processor->processor.IdToPiece(id) != text) return -1;
  return id;
}

PERFUSION_SPM_EXPORT long perfusion_spm_id_to_piece(const perfusion_spm* processor, int id, char* out,
                                                    size_t capacity) {
  if (id < 0 || id >= processor->processor.GetPieceSize()) return -1;
  return copy_out(processor->processor.IdToPiece(id), out, capacity);
}

PERFUSION_SPM_EXPORT int perfusion_spm_special_id(const perfusion_spm* processor, int which) {
  const auto& p = processor->processor;
  switch (which) {
    case PERFUSION_SPM_UNK: return p.unk_id();
    case PERFUSION_SPM_BOS: return p.bos_id();
    case PERFUSION_SPM_EOS: return p.eos_id();
    case PERFUSION_SPM_PAD: return p.pad_id();
    default: return -1;
  }
}

PERFUSION_SPM_EXPORT int perfusion_spm_train(const char* const* keys, const char* const* values, size_t count,
                                             char* error, size_t error_capacity) {
  try {
    std::unordered_map<std::string, std::string> options;
    for (size_t i = 0; i < count; ++i) options[keys[i]] = values[i];
    const auto status = sentencepiece::SentencePieceTrainer::Train(options);
    if (!status.ok()) {
      write_error(error, error_capacity, status.ToString());
      return -1;
    }
    return 0;
  } catch (const std::exception& e) {
    write_error(error, error_capacity, e.what());
    return -1;
  }
}
