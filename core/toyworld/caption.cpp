#include "core/toyworld/caption.h"

#include "core/common/error.h"

namespace perfusion::toyworld {

namespace {
std::string with_article(const std::string& phrase) {
  const char c = phrase.empty() ? 'x' : phrase[0];
  const bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  return (vowel ? "an " : "a ") + phrase;
}
// "a small red striped star on the left", or "a small {} on the left" for a look.
std::string object_phrase(const SceneSpec& spec) {
  std::string object = std::string(size_name(spec.size)) + " ";
  if (spec.look) {
    object += "{}";
  } else {
    object += colour_name(spec.colour);
    object += " ";
    const std::string adjective = texture_adjective(spec.texture);
    if (!adjective.empty()) object += adjective + " ";
    object += shape_name(spec.shape);
  }
  return with_article(object) + " " + position_phrase(spec.position);
}

}  // namespace

std::string caption(const SceneSpec& spec) {
  std::string text = object_phrase(spec) + ", on " +
                     with_article(std::string(colour_name(spec.background)) + " background");
  if (spec.companion) {
    text += ", next to " +
            with_article(std::string(colour_name(spec.companion->colour)) + " " + shape_name(spec.companion->shape));
  }
  return text;
}

std::string caption(const PairedScene& scene) {
  SceneSpec first = scene.first;
  first.companion.reset();
  return caption(first) + ", next to " + object_phrase(scene.second);
}

std::string fill_caption(const std::string& caption_template, const std::string& token) {
  const auto at = caption_template.find("{}");
  if (at == std::string::npos) throw Error("toy world: caption template has no {} slot: " + caption_template);
  std::string out = caption_template;
  out.replace(at, 2, token);
  return out;
}

}  // namespace perfusion::toyworld
