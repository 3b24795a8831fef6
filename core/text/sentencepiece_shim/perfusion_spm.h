#pragma once
/* The C interface of libperfusion_spm.so, our wrapper around sentencepiece.
 *
 * Why a separate library behind a C interface: Debian's libsentencepiece carries and exports
 * its own protobuf (3.14), which clashes with LibTorch's (3.21) when both are linked into one
 * process (crash at start-up or a version-check abort). The wrapper is the only thing linked
 * against sentencepiece; the app loads it with dlopen(RTLD_LOCAL | RTLD_DEEPBIND), so
 * sentencepiece resolves its protobuf inside the wrapper and nothing leaks into the process.
 * Only plain C types cross this boundary.
 *
 * Errors: functions that can fail take an `error` buffer (may be NULL) and write a
 * NUL-terminated one-line message into it, truncated to error_capacity bytes. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PERFUSION_SPM_ABI_VERSION 1

typedef struct perfusion_spm perfusion_spm;

enum perfusion_spm_special { PERFUSION_SPM_UNK = 0, PERFUSION_SPM_BOS = 1, PERFUSION_SPM_EOS = 2, PERFUSION_SPM_PAD = 3 };

int perfusion_spm_abi_version(void);

/* A processor from a serialized model (the bytes of a .model file); NULL on error. */
perfusion_spm* perfusion_spm_load(const char* bytes, size_t size, char* error, size_t error_capacity);
void perfusion_spm_free(perfusion_spm* processor);

/* Ids of UTF-8 text. Writes at most `capacity` ids and returns how many there are (call again
 * with a larger buffer if that is more than capacity); -1 on error. */
long perfusion_spm_encode(const perfusion_spm* processor, const char* text, size_t text_size, int32_t* ids,
                          size_t capacity, char* error, size_t error_capacity);

/* UTF-8 text of ids into `out` (NUL-terminated, truncated to capacity); returns the full
 * length in bytes without the NUL, or -1 on error. */
long perfusion_spm_decode(const perfusion_spm* processor, const int32_t* ids, size_t count, char* out, size_t capacity,
                          char* error, size_t error_capacity);

int perfusion_spm_vocab_size(const perfusion_spm* processor);
/* The id of a piece, or -1 when the vocabulary does not hold it. */
int perfusion_spm_piece_to_id(const perfusion_spm* processor, const char* piece, size_t piece_size);
/* The piece of an id into `out` as for decode; -1 for an id outside the vocabulary. */
long perfusion_spm_id_to_piece(const perfusion_spm* processor, int id, char* out, size_t capacity);
/* The id of a special piece (enum perfusion_spm_special), -1 when the model has none. */
int perfusion_spm_special_id(const perfusion_spm* processor, int which);

/* Trains a model with sentencepiece's trainer options as key/value pairs (the names of
 * spm_train's flags without "--": input, model_prefix, vocab_size, model_type, ...).
 * Returns 0 on success, -1 on error. */
int perfusion_spm_train(const char* const* keys, const char* const* values, size_t count, char* error,
                        size_t error_capacity);

#ifdef __cplusplus
}
#endif
