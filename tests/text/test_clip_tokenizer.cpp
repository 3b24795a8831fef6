// CLIP tokenizer against the reference ids of the sd-tiny fixture (transformers'
// CLIPTokenizer, with and without ftfy), plus loading, added tokens, truncation and errors.
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include <fstream>
#include <numeric>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/unicode.h"
#include "tests/support/test_support.h"

using perfusion::text::ClipTextCleanup;
using perfusion::text::ClipTokenizer;

namespace {

struct ReferenceCase {
  std::string name;
  std::string prompt;                 // from the hex bytes, so the test sees the exact input
  std::vector<int64_t> ids_unpadded;  // with BOS/EOS, untruncated (ftfy column)
  std::vector<int64_t> padded_ftfy;
  std::vector<int64_t> padded_no_ftfy;
};

std::string from_hex(const std::string& hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

std::vector<int64_t> row(const at::Tensor& ids, int64_t i) {
  const at::Tensor r = ids[i].contiguous();
  return std::vector<int64_t>(r.data_ptr<int64_t>(), r.data_ptr<int64_t>() + r.numel());
}

std::string ids_text(const std::vector<int64_t>& ids) {
  std::string s;
  for (int64_t id : ids) s += (s.empty() ? "" : " ") + std::to_string(id);
  return s;
}

void write_file(const QString& path, const std::string& content) {
  std::ofstream out(path.toStdString(), std::ios::binary);
  out << content;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs `load` and returns the perfusion::Error message ("" when nothing was thrown).
template <class F>
std::string error_of(F&& load) {
  try {
    load();
  } catch (const perfusion::Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

class TestClipTokenizer : public QObject {
  Q_OBJECT

 private:
  std::string tokenizer_dir_;
  std::string openai_bpe_;
  std::unique_ptr<ClipTokenizer> tokenizer_;
  std::vector<ReferenceCase> cases_;

  std::vector<int64_t> ids(const std::string& prompt) const { return tokenizer_->encode(prompt); }
  int64_t id(const std::string& token) const {
    auto found = tokenizer_->token_to_id(token);
    if (!found) qFatal("token %s missing from the vocabulary", token.c_str());
    return *found;
  }

 private slots:
  void initTestCase() {
    tokenizer_dir_ = perfusion::test::sd_tiny_dir() + "/diffusers/tokenizer";
    openai_bpe_ = perfusion::test::fixtures_dir() + "/clip-vocab/bpe_simple_vocab_16e6.txt.gz";
    QElapsedTimer timer;
    timer.start();
    tokenizer_ = ClipTokenizer::load(tokenizer_dir_);
    const qint64 load_ms = timer.elapsed();
    // Informational only: speed is measured by benchmarks, never asserted in tests.
    qInfo("vocab.json + merges.txt loaded in %lld ms (Unicode data %s)", load_ms, perfusion::text::unicode::data_version());

    const std::string reference = perfusion::test::sd_tiny_dir() + "/reference";
    const auto index = nlohmann::json::parse(read_file(reference + "/index.json"));
    auto file = perfusion::io::SafeTensorsFile::open(reference + "/tokenizer.safetensors");
    const at::Tensor ftfy = file->tensor("input_ids");
    const at::Tensor no_ftfy = file->tensor("input_ids_no_ftfy");
    const auto& cases = index.at("tokenizer").at("cases");
    QCOMPARE(static_cast<int64_t>(cases.size()), int64_t{20});
    QCOMPARE(ftfy.sizes().vec(), (std::vector<int64_t>{20, 77}));
    for (const auto& c : cases) {
      ReferenceCase rc;
      rc.name = c.at("name").get<std::string>();
      rc.prompt = from_hex(c.at("prompt_utf8_hex").get<std::string>());
      QCOMPARE(rc.prompt, c.at("prompt").get<std::string>());
      rc.ids_unpadded = c.at("ids_unpadded").get<std::vector<int64_t>>();
      const int64_t i = c.at("index").get<int64_t>();
      rc.padded_ftfy = row(ftfy, i);
      rc.padded_no_ftfy = row(no_ftfy, i);
      cases_.push_back(std::move(rc));
    }
  }

  // ---- reference parity -------------------------------------------------------------

  void reference_ids_ftfy_data() {
    QTest::addColumn<int>("index");
    for (size_t i = 0; i < cases_.size(); ++i) QTest::newRow(cases_[i].name.c_str()) << static_cast<int>(i);
  }
  void reference_ids_ftfy() {
    // Every case matches the ftfy column: no expected differences.
    QFETCH(int, index);
    const ReferenceCase& c = cases_[static_cast<size_t>(index)];
    const auto padded = tokenizer_->encode_padded(c.prompt);
    QVERIFY2(padded == c.padded_ftfy, ("got " + ids_text(padded) + "\nwant " + ids_text(c.padded_ftfy)).c_str());
    // Untruncated ids too (the long prompt has 98 BPE tokens).
    const std::vector<int64_t> expected(c.ids_unpadded.begin() + 1, c.ids_unpadded.end() - 1);
    QVERIFY2(ids(c.prompt) == expected, ("got " + ids_text(ids(c.prompt)) + "\nwant " + ids_text(expected)).c_str());
  }

  void reference_ids_without_ftfy_data() { reference_ids_ftfy_data(); }
  void reference_ids_without_ftfy() {
    QFETCH(int, index);
    const ReferenceCase& c = cases_[static_cast<size_t>(index)];
    auto basic = ClipTokenizer::load(tokenizer_dir_);
    basic->set_text_cleanup(ClipTextCleanup::BasicTokenizer);
    const auto padded = basic->encode_padded(c.prompt);
    QVERIFY2(padded == c.padded_no_ftfy, ("got " + ids_text(padded) + "\nwant " + ids_text(c.padded_no_ftfy)).c_str());
  }

  void well_known_sd15_ids() {
    auto unpadded = [&](const std::string& prompt) {
      auto padded = tokenizer_->encode_padded(prompt);
      return std::vector<int64_t>(padded.begin(), std::find(padded.begin() + 1, padded.end(), 49407) + 1);
    };
    QCOMPARE(unpadded("a photo of a cat"), (std::vector<int64_t>{49406, 320, 1125, 539, 320, 2368, 49407}));
    QCOMPARE(unpadded("a photo of an astronaut riding a horse on mars"),
             (std::vector<int64_t>{49406, 320, 1125, 539, 550, 18376, 6765, 320, 4558, 525, 7496, 49407}));
    QCOMPARE(tokenizer_->bos_id(), int64_t{49406});
    QCOMPARE(tokenizer_->eos_id(), int64_t{49407});
    QCOMPARE(tokenizer_->pad_id(), int64_t{49407});
    QCOMPARE(tokenizer_->vocab_size(), int64_t{49408});
    QCOMPARE(tokenizer_->id_to_token(2368), std::string("cat</w>"));
    QCOMPARE(tokenizer_->token_to_id("<|startoftext|>"), std::optional<int64_t>(49406));
    QVERIFY(!tokenizer_->token_to_id("no such token</w>"));
  }

  // ---- loading -----------------------------------------------------------------------

  void openai_gz_matches_diffusers_folder() {
    QElapsedTimer timer;
    timer.start();
    auto openai = ClipTokenizer::load(openai_bpe_);
    qInfo("bpe_simple_vocab_16e6.txt.gz loaded in %lld ms", timer.elapsed());
    QCOMPARE(openai->vocab_size(), tokenizer_->vocab_size());
    for (int64_t id = 0; id < tokenizer_->vocab_size(); ++id) {
      if (openai->id_to_token(id) != tokenizer_->id_to_token(id)) {
        QFAIL(("token " + std::to_string(id) + " differs: " + openai->id_to_token(id) + " vs " + tokenizer_->id_to_token(id)).c_str());
      }
    }
    for (const ReferenceCase& c : cases_) {
      QVERIFY2(openai->encode_padded(c.prompt) == c.padded_ftfy, c.name.c_str());
    }
  }

  void load_accepts_model_folder_and_single_files() {
    const std::vector<int64_t> expected = ids("a photo of a cat");
    QCOMPARE(ClipTokenizer::load(perfusion::test::sd_tiny_dir() + "/diffusers")->encode("a photo of a cat"), expected);
    QCOMPARE(ClipTokenizer::load(tokenizer_dir_ + "/vocab.json")->encode("a photo of a cat"), expected);
    QCOMPARE(ClipTokenizer::load(perfusion::test::fixtures_dir() + "/clip-vocab")->encode("a photo of a cat"), expected);
    QCOMPARE(ClipTokenizer::from_hf_files(tokenizer_dir_ + "/vocab.json", tokenizer_dir_ + "/merges.txt")->encode("a photo of a cat"),
             expected);
    QCOMPARE(ClipTokenizer::from_openai_bpe(openai_bpe_)->encode("a photo of a cat"), expected);
  }

  void special_tokens_map_sets_pad() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string folder = dir.path().toStdString();
    write_file(dir.filePath("vocab.json"), read_file(tokenizer_dir_ + "/vocab.json"));
    write_file(dir.filePath("merges.txt"), read_file(tokenizer_dir_ + "/merges.txt"));
    write_file(dir.filePath("special_tokens_map.json"), R"({"pad_token": "!"})");  // SD 2.x style
    auto sd2 = ClipTokenizer::load(folder);
    QCOMPARE(sd2->pad_id(), int64_t{0});
    const auto padded = sd2->encode_padded("a cat");
    QCOMPARE(padded[3], int64_t{49407});
    QCOMPARE(padded[4], int64_t{0});
    QCOMPARE(padded[76], int64_t{0});
  }

  // ---- encoding behaviour ------------------------------------------------------------

  void truncation_keeps_eos() {
    const ReferenceCase& long_case = cases_.back();
    QCOMPARE(long_case.name, std::string("long_over_77"));
    const auto padded = tokenizer_->encode_padded(long_case.prompt);
    QCOMPARE(padded.size(), size_t{77});
    QCOMPARE(padded.front(), int64_t{49406});
    QCOMPARE(padded.back(), int64_t{49407});
    QVERIFY(std::equal(padded.begin(), padded.end() - 1, long_case.ids_unpadded.begin()));
    QVERIFY(ids(long_case.prompt).size() > 75);

    const auto short_padded = tokenizer_->encode_padded("a photo of a cat", 5);
    QCOMPARE(short_padded, (std::vector<int64_t>{49406, 320, 1125, 539, 49407}));
    QCOMPARE(tokenizer_->encode_padded("", 2), (std::vector<int64_t>{49406, 49407}));
    QVERIFY(!error_of([&] { tokenizer_->encode_padded("a cat", 1); }).empty());
  }

  void added_tokens() {
    auto tokenizer = ClipTokenizer::load(tokenizer_dir_);
    const int64_t a = id("a</w>"), cat = id("cat</w>"), photo = id("photo</w>"), of = id("of</w>");
    // Before it is added, "<tom>" is ordinary text.
    QCOMPARE(tokenizer->encode("a <tom> cat"), (std::vector<int64_t>{a, id("<</w>"), id("tom</w>"), id("></w>"), cat}));

    QCOMPARE(tokenizer->add_token("<tom>"), int64_t{49408});
    QCOMPARE(tokenizer->vocab_size(), int64_t{49409});
    QCOMPARE(tokenizer->add_token("<tom>"), int64_t{49408});
    QCOMPARE(tokenizer->add_token("<TOM>"), int64_t{49408});
    QCOMPARE(tokenizer->add_token("<jerry>"), int64_t{49409});
    QCOMPARE(tokenizer->vocab_size(), int64_t{49410});
    QCOMPARE(tokenizer->id_to_token(49408), std::string("<tom>"));
    QCOMPARE(tokenizer->token_to_id("<tom>"), std::optional<int64_t>(49408));
    QCOMPARE(tokenizer->token_to_id("<Jerry>"), std::optional<int64_t>(49409));
    QCOMPARE(tokenizer->add_token("<|endoftext|>"), int64_t{49407});
    QVERIFY(!error_of([&] { tokenizer->id_to_token(49410); }).empty());
    QVERIFY(!error_of([&] { tokenizer->add_token(""); }).empty());

    QCOMPARE(tokenizer->encode("a <tom> cat"), (std::vector<int64_t>{a, 49408, cat}));
    QCOMPARE(tokenizer->encode_padded("a <tom> cat")[2], int64_t{49408});
    // Anywhere, in any case, glued to other text, several per prompt.
    QCOMPARE(tokenizer->encode("<tom>"), (std::vector<int64_t>{49408}));
    QCOMPARE(tokenizer->encode("A PHOTO OF <Tom>"), (std::vector<int64_t>{a, photo, of, 49408}));
    QCOMPARE(tokenizer->encode("<tom><jerry>"), (std::vector<int64_t>{49408, 49409}));
    QCOMPARE(tokenizer->encode("a<tom>cat"), (std::vector<int64_t>{a, 49408, cat}));
    QCOMPARE(tokenizer->encode("a photo of <tom> and <JERRY>, a cat"),
             (std::vector<int64_t>{a, photo, of, 49408, id("and</w>"), 49409, id(",</w>"), a, cat}));
    // The rest of the text is unaffected.
    QCOMPARE(tokenizer->encode("a photo of a cat"), tokenizer_->encode("a photo of a cat"));
    QCOMPARE(tokenizer->encode("<to m>"), tokenizer_->encode("<to m>"));
  }

  void special_tokens_in_text() {
    QCOMPARE(ids("a <|endoftext|> cat"), (std::vector<int64_t>{id("a</w>"), 49407, id("cat</w>")}));
    QCOMPARE(ids("<|startoftext|>cat"), (std::vector<int64_t>{49406, id("cat</w>")}));
    // Another spelling reaches the pattern after lower-casing and is still one token.
    QCOMPARE(ids("a <|EndOfText|>"), (std::vector<int64_t>{id("a</w>"), 49407}));
  }

  void ftfy_text_fixes() {
    // Repairs ftfy makes before tokenisation, checked as equivalences.
    QCOMPARE(ids("ﬁsh ﬂour"), ids("fish flour"));                  // Latin ligatures
    QCOMPARE(ids("ＬＯＵＤ　ＮＯＩＳＥ"), ids("loud noise"));        // full width + ideographic space
    QCOMPARE(ids("it&#39;s &#x1F431; &eacute;"), ids("it's 🐱 é"));  // numeric and named references
    QCOMPARE(ids("fish &AMP; chips"), ids("fish & chips"));          // upper-case entity spelling
    QCOMPARE(ids("&amp;lt;3"), ids("<3"));                            // repeated until stable
    QCOMPARE(ids("&notanentity; &#12ab;"), ids("&notanentity; &#12ab;"));
    QCOMPARE(ids("a\u00A0b\u2028c\r\nd\te"), ids("a b c d e"));      // Unicode whitespace
    QCOMPARE(ids("\x1b[31mred\x1b[0m"), ids("red"));                 // terminal escapes
    QCOMPARE(ids("a\x01" "b\u200Bc"), ids("ab\u200Bc"));                // controls removed, ZWSP kept
    QCOMPARE(ids("\u201Cquoted\u201D \u2018x\u2019"), ids("\"quoted\" 'x'"));
    QCOMPARE(ids("\xc2\x93hi\xc2\x94"), ids("\"hi\""));              // C1 controls as Windows-1252
    // A literal '<' switches HTML unescaping off (the text looks like HTML).
    const std::vector<int64_t> html = ids("<b>&amp;</b>");
    QVERIFY(html != ids("<b>&</b>"));
    QCOMPARE(std::count(html.begin(), html.end(), id("amp")) + std::count(html.begin(), html.end(), id("amp</w>")), 1L);
  }

  void unicode_normalisation() {
    using namespace perfusion::text::unicode;
    QCOMPARE(encode_utf8(nfc(decode_utf8("e\u0301cole \u1100\u1161\u11A8 A\u030A\u0323"))),
             std::string("\u00E9cole \uAC01 \u1EA0\u030A"));
    QCOMPARE(encode_utf8(to_lower(decode_utf8("ΟΔΟΣ Σ ΣΑ İ ПРИВЕТ"))), std::string("οδος σ σα i\u0307 привет"));
    QCOMPARE(ids("ΟΔΟΣ"), ids("οδος"));
    // Invalid UTF-8 bytes become U+FFFD instead of failing.
    QCOMPARE(ids("a\xff b"), ids("a\uFFFD b"));
  }

  void concurrent_encoding_is_consistent() {
    std::vector<std::vector<int64_t>> expected;
    for (const ReferenceCase& c : cases_) expected.push_back(tokenizer_->encode_padded(c.prompt));
    auto fresh = ClipTokenizer::load(tokenizer_dir_);  // empty word cache
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int round = 0; round < 20; ++round) {
          for (size_t i = 0; i < cases_.size(); ++i) {
            if (fresh->encode_padded(cases_[(i + t) % cases_.size()].prompt) != expected[(i + t) % cases_.size()]) ++mismatches[t];
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    QCOMPARE(std::accumulate(mismatches.begin(), mismatches.end(), 0), 0);
  }

  // ---- errors --------------------------------------------------------------------------

  void missing_files_name_the_fix() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath("nowhere").toStdString();
    std::string message = error_of([&] { ClipTokenizer::load(missing); });
    QVERIFY2(message.find(missing) != std::string::npos && message.find("--tokenizer") != std::string::npos, message.c_str());

    message = error_of([&] { ClipTokenizer::load(dir.path().toStdString()); });  // empty folder
    QVERIFY2(message.find("vocab.json") != std::string::npos && message.find("--tokenizer") != std::string::npos, message.c_str());

    write_file(dir.filePath("vocab.json"), read_file(tokenizer_dir_ + "/vocab.json"));  // merges.txt missing
    message = error_of([&] { ClipTokenizer::load(dir.path().toStdString()); });
    QVERIFY2(message.find("merges.txt") != std::string::npos && message.find("not found") != std::string::npos, message.c_str());

    message = error_of([&] { ClipTokenizer::from_openai_bpe(missing + ".txt.gz"); });
    QVERIFY2(message.find("nowhere.txt.gz") != std::string::npos && message.find("--tokenizer") != std::string::npos,
             message.c_str());
  }

  void corrupt_files_are_refused() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string vocab = dir.filePath("vocab.json").toStdString();
    const std::string merges = dir.filePath("merges.txt").toStdString();
    const std::string good_vocab = read_file(tokenizer_dir_ + "/vocab.json");
    const std::string good_merges = read_file(tokenizer_dir_ + "/merges.txt");
    auto expect_error = [&](const char* what, const std::string& needle) {
      const std::string message = error_of([&] { ClipTokenizer::from_hf_files(vocab, merges); });
      QVERIFY2(!message.empty(), (std::string(what) + ": no error").c_str());
      QVERIFY2(message.find(needle) != std::string::npos, (std::string(what) + ": " + message).c_str());
      QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
    };

    write_file(dir.filePath("merges.txt"), good_merges);
    write_file(dir.filePath("vocab.json"), good_vocab.substr(0, good_vocab.size() / 2));
    expect_error("truncated vocab.json", "not valid JSON");
    write_file(dir.filePath("vocab.json"), R"({"a": 0, "b": "one"})");
    expect_error("string id", "not an integer");
    write_file(dir.filePath("vocab.json"), R"({"a": 0, "b": 0})");
    expect_error("duplicate id", "each used once");
    write_file(dir.filePath("vocab.json"), R"({"a": 0, "b": 1})");
    expect_error("vocabulary without byte symbols", "lacks");

    write_file(dir.filePath("vocab.json"), good_vocab);
    write_file(dir.filePath("merges.txt"), "#version: 0.2\ni n\nthis line is bad\n");
    expect_error("malformed merge line", "line 3");
    write_file(dir.filePath("merges.txt"), "#version: 0.2\ni n\nq\xc3\xa6 zz\n");
    expect_error("merge of unknown symbols", "lacks");

    // OpenAI's file: a gzip stream cut short, and a list with too few merges.
    const std::string gz = read_file(openai_bpe_);
    const QString truncated = dir.filePath("bpe_simple_vocab_16e6.txt.gz");
    write_file(truncated, gz.substr(0, gz.size() / 2));
    std::string message = error_of([&] { ClipTokenizer::from_openai_bpe(truncated.toStdString()); });
    QVERIFY2(message.find("corrupt") != std::string::npos, message.c_str());
    const QString short_list = dir.filePath("short.txt");
    write_file(short_list, "header\ni n\n");
    message = error_of([&] { ClipTokenizer::from_openai_bpe(short_list.toStdString()); });
    QVERIFY2(message.find("only 1 merges") != std::string::npos, message.c_str());
  }
};

QTEST_GUILESS_MAIN(TestClipTokenizer)
#include "test_clip_tokenizer.moc"
