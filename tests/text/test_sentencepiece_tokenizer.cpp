// The demo model's sentencepiece tokenizer through libperfusion_spm.so: training on toy world
// captions, encode/decode, case folding, added concept tokens, the tokenizer folder picked by
// pipeline::load_tokenizer, LibTorch in the same process, and clear errors for bad models.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/torch.h>

#include <fstream>
#include <set>

#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/models/checkpoint.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/text/sentencepiece_library.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "core/toyworld/caption.h"
#include "core/toyworld/sampler.h"

using perfusion::Error;
using perfusion::text::SentencePieceTokenizer;

class TestSentencePieceTokenizer : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string folder_;  // a trained tokenizer folder
  std::vector<std::string> captions_;

  std::string path(const std::string& name) const { return (dir_.path() + "/").toStdString() + name; }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    QVERIFY2(perfusion::text::sentencepiece_available(), perfusion::text::sentencepiece_unavailable_reason().c_str());
    perfusion::toyworld::Rng rng(7);
    std::ofstream out(path("captions.txt"));
    for (int i = 0; i < 2000; ++i) {
      captions_.push_back(perfusion::toyworld::caption(perfusion::toyworld::sample_scene(rng, perfusion::toyworld::Split::Train)));
      out << captions_.back() << "\n";
    }
    out.close();
    perfusion::text::train_sentencepiece({{"input", path("captions.txt")},
                                          {"model_prefix", path("spm")},
                                          {"vocab_size", "96"},
                                          {"hard_vocab_limit", "false"},
                                          {"model_type", "unigram"},
                                          {"character_coverage", "1.0"},
                                          {"normalization_rule_name", "nmt_nfkc_cf"},
                                          {"unk_id", "0"},
                                          {"bos_id", "1"},
                                          {"eos_id", "2"},
                                          {"pad_id", "3"},
                                          {"num_threads", "1"},
                                          {"minloglevel", "2"}});
    folder_ = path("tokenizer");
    SentencePieceTokenizer::write_folder(path("spm.model"), folder_);
  }

  void encodesAndDecodesCaptions() {
    auto tokenizer = SentencePieceTokenizer::load(folder_);
    QCOMPARE(tokenizer->bos_id(), int64_t(1));
    QCOMPARE(tokenizer->eos_id(), int64_t(2));
    QCOMPARE(tokenizer->pad_id(), int64_t(3));
    QVERIFY(tokenizer->vocab_size() > 10);
    for (size_t i = 0; i < 50; ++i) {
      const auto ids = tokenizer->encode(captions_[i]);
      QVERIFY(!ids.empty());
      for (int64_t id : ids) {
        QVERIFY(id > 3);  // no unknowns, no specials inside a caption
        QVERIFY(id < tokenizer->vocab_size());
      }
      QCOMPARE(tokenizer->decode(ids), captions_[i]);
    }
    // Pieces and ids map both ways.
    for (int64_t id : tokenizer->encode(captions_[0])) QCOMPARE(*tokenizer->token_to_id(tokenizer->id_to_token(id)), id);
    QVERIFY(!tokenizer->token_to_id("no-such-piece").has_value());
  }

  void foldsCaseLikeTraining() {
    auto tokenizer = SentencePieceTokenizer::load(folder_);
    QCOMPARE(tokenizer->encode("A Small RED Star On The Left"), tokenizer->encode("a small red star on the left"));
  }

  void padsLikeTheTextEncoderExpects() {
    auto tokenizer = SentencePieceTokenizer::load(folder_);
    const auto ids = tokenizer->encode("a small red star");
    const auto padded = tokenizer->encode_padded("a small red star", 16);
    QCOMPARE(padded.size(), size_t(16));
    QCOMPARE(padded.front(), tokenizer->bos_id());
    QCOMPARE(padded[ids.size() + 1], tokenizer->eos_id());
    QCOMPARE(padded.back(), tokenizer->pad_id());
    QVERIFY(std::equal(ids.begin(), ids.end(), padded.begin() + 1));
  }

  void matchesAddedTokensAsWholeUnits() {
    auto tokenizer = SentencePieceTokenizer::load(folder_);
    const int64_t base = tokenizer->vocab_size();
    const int64_t tom = tokenizer->add_token("<tom>");
    QCOMPARE(tom, base);
    QCOMPARE(tokenizer->vocab_size(), base + 1);
    QCOMPARE(tokenizer->add_token("<TOM>"), tom);
    QCOMPARE(*tokenizer->token_to_id("<Tom>"), tom);
    QCOMPARE(tokenizer->id_to_token(tom), std::string("<tom>"));
    const int64_t chair = tokenizer->add_token("<my_chair>");
    QCOMPARE(chair, base + 1);

    const auto ids = tokenizer->encode("a small <TOM> on the left next to a <my_chair>");
    std::vector<int64_t> expected = tokenizer->encode("a small");
    expected.push_back(tom);
    for (int64_t id : tokenizer->encode(" on the left next to a ")) expected.push_back(id);
    expected.push_back(chair);
    QCOMPARE(ids, expected);
    QCOMPARE(std::count(ids.begin(), ids.end(), tom), std::ptrdiff_t(1));
    QCOMPARE(tokenizer->decode(ids), std::string("a small <tom> on the left next to a <my_chair>"));
    QVERIFY_THROWS_EXCEPTION(Error, tokenizer->id_to_token(base + 2));
    QVERIFY_THROWS_EXCEPTION(Error, tokenizer->add_token(""));
  }

  void loadTokenizerPicksSentencePiece() {
    perfusion::models::Checkpoint checkpoint;
    checkpoint.source = "demo";
    checkpoint.tokenizer_path = folder_;
    auto tokenizer = perfusion::pipeline::load_tokenizer(checkpoint, "");
    QVERIFY(dynamic_cast<SentencePieceTokenizer*>(tokenizer.get()) != nullptr);
    // A model folder holding tokenizer/ works too.
    auto from_parent = perfusion::pipeline::load_tokenizer(checkpoint, dir_.path().toStdString());
    QVERIFY(dynamic_cast<SentencePieceTokenizer*>(from_parent.get()) != nullptr);
  }

  void runsBesideLibTorch() {
    // sentencepiece's protobuf must not disturb LibTorch's: use both, interleaved.
    auto tokenizer = SentencePieceTokenizer::load(folder_);
    torch::manual_seed(0);
    auto table = torch::randn({tokenizer->vocab_size(), 16});
    for (size_t i = 0; i < 3; ++i) {
      const auto ids = tokenizer->encode_padded(captions_[i], 32);
      auto embedded = torch::nn::functional::embedding(torch::tensor(ids), table);
      QCOMPARE(embedded.size(0), int64_t(32));
      auto attention = torch::softmax(embedded.matmul(embedded.t()), -1);
      QVERIFY(torch::allclose(attention.sum(-1), torch::ones({32})));
    }
    // A LibTorch-side protobuf user in the same process: the JIT's module serialisation.
    auto linear = torch::nn::Linear(4, 2);
    std::stringstream stream;
    torch::save(linear, stream);
    auto loaded = torch::nn::Linear(4, 2);
    torch::load(loaded, stream);
    QVERIFY(torch::equal(linear->weight, loaded->weight));
  }

  void corruptModelIsAClearError() {
    perfusion::write_file_atomically(path("corrupt.model"), "this is not a sentencepiece model at all");
    try {
      SentencePieceTokenizer::load(path("corrupt.model"));
      QFAIL("a corrupt model loaded");
    } catch (const Error& e) {
      const std::string message = e.what();
      QVERIFY2(message.find("corrupt.model is not a valid sentencepiece model") != std::string::npos, message.c_str());
      QVERIFY(message.find('\n') == std::string::npos);
    }
    // Truncated real model.
    const std::string bytes = perfusion::read_file(path("spm.model"));
    perfusion::write_file_atomically(path("truncated.model"), bytes.substr(0, bytes.size() / 3));
    QVERIFY_THROWS_EXCEPTION(Error, SentencePieceTokenizer::load(path("truncated.model")));
    QVERIFY_THROWS_EXCEPTION(Error, SentencePieceTokenizer::load(path("missing.model")));
    QVERIFY_THROWS_EXCEPTION(Error, SentencePieceTokenizer::load(dir_.path().toStdString() + "/empty-folder-that-is-missing"));
  }

  void trainingErrorsAreClear() {
    QVERIFY_THROWS_EXCEPTION(Error, perfusion::text::train_sentencepiece({{"input", path("no-such-captions.txt")},
                                                                         {"model_prefix", path("never")},
                                                                         {"vocab_size", "32"}}));
  }
};

QTEST_GUILESS_MAIN(TestSentencePieceTokenizer)
#include "test_sentencepiece_tokenizer.moc"
