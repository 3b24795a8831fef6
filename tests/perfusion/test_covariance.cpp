// The text-encoding covariance on the sd-tiny text encoder: which positions count, symmetry and
// positive semi-definiteness, the regularised inverse, the built-in caption set, and the cache
// (round trip, corrupt and mismatched files recomputed).
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/models/checkpoint.h"
#include "core/models/text_encoder.h"
#include "core/perfusion/caption_set.h"
#include "core/perfusion/covariance.h"
#include "core/text/clip_tokenizer.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <filesystem>
#include <set>

using namespace perfusion;
using namespace perfusion::concepts;

class TestCovariance : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<models::Checkpoint> checkpoint_;
  std::unique_ptr<models::ClipTextEncoder> encoder_;
  std::unique_ptr<text::ClipTokenizer> tokenizer_;

 private slots:
  void initTestCase() {
    checkpoint_ = std::make_unique<models::Checkpoint>(models::load_checkpoint(test::sd_tiny_dir() + "/diffusers"));
    encoder_ = std::make_unique<models::ClipTextEncoder>(checkpoint_->text_encoder_config);
    encoder_->load(checkpoint_->text_encoder);
    tokenizer_ = text::ClipTokenizer::load(checkpoint_->tokenizer_path);
  }

  void countsWordTokensOnly() {
    // C of one caption by hand: the full padded 77-position encoding, positions 1..n-2.
    const std::string caption = "a photo of a cat";
    const auto ids = tokenizer_->encode_padded(caption, 77);
    at::Tensor hidden;
    {
      c10::InferenceMode inference;
      hidden = encoder_->forward(torch::tensor(ids, torch::kLong).unsqueeze(0))[0].to(torch::kFloat64).clone();
    }
    const auto words = hidden.narrow(0, 1, 5);  // "a photo of a cat": 5 words between BOS and EOS
    const auto expected = words.t().matmul(words) / 5.0;
    const auto computed = compute_covariance(*encoder_, *tokenizer_, {caption});
    QCOMPARE(computed.token_count, int64_t{5});
    const auto d = test::compare(computed.matrix, expected);
    qInfo("one caption: C (short batch) vs padded-77 by hand: %s", test::describe(d).c_str());
    QVERIFY(test::within_relative(d, 1e-5));
    // Batching with captions of other lengths changes nothing either.
    const auto batched = compute_covariance(*encoder_, *tokenizer_, {caption, "a red bicycle", "an oil painting of a fox in the snow"});
    const auto alone = compute_covariance(*encoder_, *tokenizer_, {"an oil painting of a fox in the snow"});
    const auto red = compute_covariance(*encoder_, *tokenizer_, {"a red bicycle"});
    const auto mixed = (computed.matrix * 5 + red.matrix * red.token_count + alone.matrix * alone.token_count) /
                       static_cast<double>(5 + red.token_count + alone.token_count);
    QVERIFY(test::within_relative(test::compare(batched.matrix, mixed), 1e-5));
  }

  void symmetricPositiveSemiDefinite() {
    const auto captions = builtin_captions();
    CovarianceOptions options;
    options.batch_size = 100;  // a partial last batch
    const auto c = compute_covariance(*encoder_, *tokenizer_, captions, options);
    const int64_t width = checkpoint_->text_encoder_config.hidden_size;
    QCOMPARE(c.matrix.sizes().vec(), (std::vector<int64_t>{width, width}));
    QCOMPARE(c.matrix.scalar_type(), torch::kFloat64);
    QVERIFY(torch::equal(c.matrix, c.matrix.t()));
    const auto eigenvalues = torch::linalg_eigvalsh(c.matrix);
    QVERIFY(eigenvalues.min().item<double>() >= -1e-12 * eigenvalues.max().item<double>());
    QCOMPARE(c.caption_count, static_cast<int64_t>(kDefaultCaptionCount));
    QVERIFY(c.token_count > c.caption_count * 3);
    qInfo("sd-tiny, the 4096 built-in captions, %lld word tokens: condition number %.4g before, %.4g after (ridge %.3g x mean diag)",
          static_cast<long long>(c.token_count), c.inverse.condition_before, c.inverse.condition_after,
          c.inverse.ridge_factor);
    QVERIFY(c.inverse.condition_after <= kDefaultMaxCondition * (1 + 1e-9));
    const auto product = c.inverse.inverse.matmul(c.matrix + c.inverse.ridge * torch::eye(width, torch::kFloat64));
    QVERIFY(test::within_relative(test::compare(product, torch::eye(width, torch::kFloat64)), 1e-8));
  }

  void regularisedInverseBoundsCondition() {
    torch::manual_seed(3);
    const auto q = std::get<0>(torch::linalg_qr(torch::randn({6, 6}, torch::kFloat64)));
    const auto spectrum = torch::tensor({10.0, 5.0, 1.0, 1e-2, 1e-6, 0.0}, torch::kFloat64);
    const auto c = q.matmul(torch::diag(spectrum)).matmul(q.t());
    const auto inverse = regularised_inverse(c, 1e3);
    qInfo("singular test matrix: condition %.4g before, %.6g after, ridge %.4g", inverse.condition_before,
          inverse.condition_after, inverse.ridge);
    QVERIFY(std::isinf(inverse.condition_before) || inverse.condition_before > 1e12);
    QVERIFY(std::abs(inverse.condition_after - 1e3) < 1e-6 * 1e3);
    QVERIFY(torch::allclose(inverse.inverse, inverse.inverse.t()));
    const auto restored = torch::linalg_inv(inverse.inverse) - inverse.ridge * torch::eye(6, torch::kFloat64);
    QVERIFY(test::within_relative(test::compare(restored, c), 1e-10));
    // A well-conditioned matrix is left alone.
    const auto good = regularised_inverse(torch::diag(torch::tensor({2.0, 1.0, 0.5}, torch::kFloat64)), 1e3);
    QCOMPARE(good.ridge, 0.0);
    QVERIFY(std::abs(good.condition_before - 4.0) < 1e-12);
    QVERIFY(test::within_relative(test::compare(good.inverse, torch::diag(torch::tensor({0.5, 1.0, 2.0}, torch::kFloat64))), 1e-14));
    QVERIFY_EXCEPTION_THROWN(regularised_inverse(torch::zeros({3, 3}, torch::kFloat64)), Error);
    QVERIFY_EXCEPTION_THROWN(regularised_inverse(torch::ones({2, 3}, torch::kFloat64)), Error);
  }

  void builtinCaptionsAreDeterministic() {
    const auto all = builtin_captions();
    QCOMPARE(all.size(), kDefaultCaptionCount);
    const auto first = builtin_captions(100);
    QVERIFY(std::equal(first.begin(), first.end(), all.begin()));
    const std::set<std::string> distinct(all.begin(), all.end());
    qInfo("built-in captions: %zu, %zu distinct; e.g. '%s', '%s', '%s'", all.size(), distinct.size(), all[1].c_str(),
          all[15].c_str(), all[27].c_str());
    QVERIFY(distinct.size() > all.size() * 9 / 10);
    for (const auto& caption : all) QVERIFY(!caption.empty() && caption.find('{') == std::string::npos);
    QCOMPARE(caption_set_id(all), caption_set_id(builtin_captions()));
    QVERIFY(caption_set_id({"ab", "c"}) != caption_set_id({"a", "bc"}));
  }

  void cacheRoundTripAndRecovery() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string cache = dir.path().toStdString() + "/cache";
    const auto captions = builtin_captions(128);
    const std::string fingerprint = checkpoint_->fingerprint;
    QVERIFY(!fingerprint.empty());

    const auto first = load_or_compute_covariance(fingerprint, cache, *encoder_, *tokenizer_, captions);
    QVERIFY(!first.from_cache);
    QVERIFY2(first.cache_note.empty(), first.cache_note.c_str());
    const auto path = covariance_cache_path(cache, fingerprint);
    QVERIFY(std::filesystem::exists(path));

    const auto second = load_or_compute_covariance(fingerprint, cache, *encoder_, *tokenizer_, captions);
    QVERIFY(second.from_cache);
    QVERIFY(torch::equal(first.matrix, second.matrix));
    QVERIFY(torch::equal(first.inverse.inverse, second.inverse.inverse));
    QCOMPARE(second.token_count, first.token_count);

    // Corrupt file (truncated): recomputed, the reason noted, the cache repaired.
    const auto bytes = read_file(path);
    write_file_atomically(path, bytes.substr(0, bytes.size() / 2));
    const auto third = load_or_compute_covariance(fingerprint, cache, *encoder_, *tokenizer_, captions);
    QVERIFY(!third.from_cache);
    QVERIFY2(QString::fromStdString(third.cache_note).contains("not used"), third.cache_note.c_str());
    QVERIFY(torch::equal(first.matrix, third.matrix));
    QVERIFY(load_or_compute_covariance(fingerprint, cache, *encoder_, *tokenizer_, captions).from_cache);

    // Garbage, NaN and another caption set: recomputed too.
    write_file_atomically(path, "not a safetensors file at all");
    QVERIFY(!load_or_compute_covariance(fingerprint, cache, *encoder_, *tokenizer_, captions).from_cache);
    auto poisoned = first.matrix.clone();
    poisoned[0][0] = std::numeric_limits<double>::quiet_NaN();
    io::write_safetensors(path, {{"covariance", poisoned}},
                          {{"format", "perfusion-covariance"}, {"version", "1"}, {"base_model_fingerprint", fingerprint},
                           {"caption_set", caption_set_id(captions)}, {"caption_count", "128"}, {"token_count", "1"}});
    const auto after_nan = load_or_compute_covariance(fingerprint, cache, *encoder_, *tokenizer_, captions);
    QVERIFY(!after_nan.from_cache);
    QVERIFY2(QString::fromStdString(after_nan.cache_note).contains("non-finite"), after_nan.cache_note.c_str());
    const auto other_set = load_or_compute_covariance(fingerprint, cache, *encoder_, *tokenizer_, builtin_captions(64));
    QVERIFY(!other_set.from_cache);
    QVERIFY2(QString::fromStdString(other_set.cache_note).contains("caption set"), other_set.cache_note.c_str());

    // Another fingerprint is another file; a hostile fingerprint cannot leave the folder.
    QVERIFY(covariance_cache_path(cache, "w1-0000000000000000") != path);
    const auto hostile = covariance_cache_path(cache, "../../etc/passwd");
    QCOMPARE(std::filesystem::path(hostile).parent_path(), std::filesystem::path(cache));
  }
};

QTEST_APPLESS_MAIN(TestCovariance)
#include "test_covariance.moc"
