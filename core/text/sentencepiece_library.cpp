#include "core/text/sentencepiece_library.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/text/sentencepiece_shim/perfusion_spm.h"

#ifndef PERFUSION_SPM_SHIM_BUILD_PATH
#define PERFUSION_SPM_SHIM_BUILD_PATH ""
#endif
#ifndef PERFUSION_SPM_SHIM_INSTALL_DIR
#define PERFUSION_SPM_SHIM_INSTALL_DIR "lib/perfusion-studio"
#endif

namespace perfusion::text {

namespace fs = std::filesystem;

namespace {

constexpr const char* kShimName = "libperfusion_spm.so";
constexpr size_t kErrorCapacity = 1024;

struct ShimFunctions {
  decltype(&perfusion_spm_abi_version) abi_version = nullptr;
  decltype(&perfusion_spm_load) load = nullptr;
  decltype(&perfusion_spm_free) free = nullptr;
  decltype(&perfusion_spm_encode) encode = nullptr;
  decltype(&perfusion_spm_decode) decode = nullptr;
  decltype(&perfusion_spm_vocab_size) vocab_size = nullptr;
  decltype(&perfusion_spm_piece_to_id) piece_to_id = nullptr;
  decltype(&perfusion_spm_id_to_piece) id_to_piece = nullptr;
  decltype(&perfusion_spm_special_id) special_id = nullptr;
  decltype(&perfusion_spm_train) train = nullptr;
};

struct Shim {
  ShimFunctions functions;
  std::string error;  // why loading failed; empty when loaded
};

fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

std::vector<fs::path> candidate_paths() {
  if (const char* env = std::getenv("PERFUSION_SPM_SHIM"); env && *env) return {fs::path(env)};
  std::vector<fs::path> paths;
  const fs::path exe_dir = executable_dir();
  if (!exe_dir.empty()) {
    paths.push_back(exe_dir / kShimName);
    paths.push_back(exe_dir.parent_path() / PERFUSION_SPM_SHIM_INSTALL_DIR / kShimName);
  }
  if (*PERFUSION_SPM_SHIM_BUILD_PATH) paths.emplace_back(PERFUSION_SPM_SHIM_BUILD_PATH);
  return paths;
}

template <typename F>
void resolve(void* library, const char* name, F& function, std::string& missing) {
  function = reinterpret_cast<F>(dlsym(library, name));
  if (!function) missing += std::string(missing.empty() ? "" : ", ") + name;
}

Shim load_shim() {
  Shim shim;
  std::string tried;
  for (const fs::path& path : candidate_paths()) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path.string();
      continue;
    }
    // DEEPBIND: sentencepiece binds to its own bundled protobuf, not LibTorch's.
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!library) {
      const char* why = dlerror();
      shim.error = "cannot load " + path.string() + ": " + (why ? why : "unknown error");
      return shim;
    }
    ShimFunctions& f = shim.functions;
    std::string missing;
    resolve(library, "perfusion_spm_abi_version", f.abi_version, missing);
    resolve(library, "perfusion_spm_load", f.load, missing);
    resolve(library, "perfusion_spm_free", f.free, missing);
    resolve(library, "perfusion_spm_encode", f.encode, missing);
    resolve(library, "perfusion_spm_decode", f.decode, missing);
    resolve(library, "perfusion_spm_vocab_size", f.vocab_size, missing);
    resolve(library, "perfusion_spm_piece_to_id", f.piece_to_id, missing);
    resolve(library, "perfusion_spm_id_to_piece", f.id_to_piece, missing);
    resolve(library, "perfusion_spm_special_id", f.special_id, missing);
    resolve(library, "perfusion_spm_train", f.train, missing);
    if (!missing.empty()) {
      shim.error = path.string() + " lacks " + missing;
    } else if (f.abi_version() != PERFUSION_SPM_ABI_VERSION) {
      shim.error = path.string() + " has interface version " + std::to_string(f.abi_version()) + ", expected " +
                   std::to_string(PERFUSION_SPM_ABI_VERSION);
    }
    // The library stays loaded for the life of the process (models may outlive any owner).
    return shim;
  }
  shim.error = std::string(kShimName) + " (the sentencepiece wrapper) not found; tried " + tried +
               " (set PERFUSION_SPM_SHIM to its path)";
  return shim;
}

const Shim& shim() {
  static const Shim loaded = load_shim();
  return loaded;
}

const ShimFunctions& functions() {
  const Shim& s = shim();
  if (!s.error.empty()) throw Error("sentencepiece is unavailable: " + s.error);
  return s.functions;
}

perfusion_spm* as_processor(void* handle) { return static_cast<perfusion_spm*>(handle); }

}  // namespace

bool sentencepiece_available() { return shim().error.empty(); }
std::string sentencepiece_unavailable_reason() { return shim().error; }

std::unique_ptr<SentencePieceModel> SentencePieceModel::from_bytes(const std::string& serialized,
                                                                    const std::string& source) {
  const ShimFunctions& f = functions();
  char error[kErrorCapacity] = {0};
  perfusion_spm* handle = f.load(serialized.data(), serialized.size(), error, sizeof error);
  if (!handle) throw Error(source + " is not a valid sentencepiece model (" + error + ")");
  return std::unique_ptr<SentencePieceModel>(new SentencePieceModel(handle, source));
}

std::unique_ptr<SentencePieceModel> SentencePieceModel::from_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error("sentencepiece model not found: " + path);
  return from_bytes(read_file(path), path);
}

SentencePieceModel::~SentencePieceModel() { functions().free(as_processor(handle_)); }

std::vector<int64_t> SentencePieceModel::encode(const std::string& utf8) const {
  const ShimFunctions& f = functions();
  char error[kErrorCapacity] = {0};
  std::vector<int32_t> ids(utf8.size() + 8);
  long count = f.encode(as_processor(handle_), utf8.data(), utf8.size(), ids.data(), ids.size(), error, sizeof error);
  if (count > static_cast<long>(ids.size())) {
    ids.resize(static_cast<size_t>(count));
    count = f.encode(as_processor(handle_), utf8.data(), utf8.size(), ids.data(), ids.size(), error, sizeof error);
  }
  if (count < 0) throw Error(source_ + ": sentencepiece could not encode the text (" + error + ")");
  return std::vector<int64_t>(ids.begin(), ids.begin() + count);
}

std::string SentencePieceModel::decode(const std::vector<int64_t>& ids) const {
  const ShimFunctions& f = functions();
  const int64_t size = vocab_size();
  std::vector<int32_t> narrow;
  narrow.reserve(ids.size());
  for (int64_t id : ids) {
    if (id < 0 || id >= size) throw Error("token id " + std::to_string(id) + " is outside the sentencepiece vocabulary");
    narrow.push_back(static_cast<int32_t>(id));
  }
  char error[kErrorCapacity] = {0};
  std::string text(64 + 16 * ids.size(), '\0');
  long length = f.decode(as_processor(handle_), narrow.data(), narrow.size(), text.data(), text.size(), error, sizeof error);
  if (length >= static_cast<long>(text.size())) {
    text.resize(static_cast<size_t>(length) + 1);
    length = f.decode(as_processor(handle_), narrow.data(), narrow.size(), text.data(), text.size(), error, sizeof error);
  }
  if (length < 0) throw Error(source_ + ": sentencepiece could not decode the ids (" + error + ")");
  text.resize(static_cast<size_t>(length));
  return text;
}

int64_t SentencePieceModel::vocab_size() const { return functions().vocab_size(as_processor(handle_)); }

int64_t SentencePieceModel::piece_to_id(const std::string& piece) const {
  return functions().piece_to_id(as_processor(handle_), piece.data(), piece.size());
}

std::string SentencePieceModel::id_to_piece(int64_t id) const {
  const ShimFunctions& f = functions();
  std::string piece(64, '\0');
  long length = f.id_to_piece(as_processor(handle_), static_cast<int>(id), piece.data(), piece.size());
  if (length >= static_cast<long>(piece.size())) {
    piece.resize(static_cast<size_t>(length) + 1);
    length = f.id_to_piece(as_processor(handle_), static_cast<int>(id), piece.data(), piece.size());
  }
  if (length < 0) throw Error("token id " + std::to_string(id) + " is outside the sentencepiece vocabulary");
  piece.resize(static_cast<size_t>(length));
  return piece;
}

int64_t SentencePieceModel::unk_id() const { return functions().special_id(as_processor(handle_), PERFUSION_SPM_UNK); }
int64_t SentencePieceModel::bos_id() const { return functions().special_id(as_processor(handle_), PERFUSION_SPM_BOS); }
int64_t SentencePieceModel::eos_id() const { return functions().special_id(as_processor(handle_), PERFUSION_SPM_EOS); }
int64_t SentencePieceModel::pad_id() const { return functions().special_id(as_processor(handle_), PERFUSION_SPM_PAD); }

void train_sentencepiece(const std::map<std::string, std::string>& options) {
  const ShimFunctions& f = functions();
  std::vector<const char*> keys, values;
  for (const auto& [key, value] : options) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  char error[kErrorCapacity] = {0};
  if (f.train(keys.data(), values.data(), keys.size(), error, sizeof error) != 0)
    throw Error(std::string("sentencepiece training failed: ") + error);
}

}  // namespace perfusion::text
