#include "core/perfusion/caption_set.h"

#include <iterator>
#include <cstdio>
#include <string_view>

namespace perfusion::concepts {

namespace {

// Slots: {A} a noun phrase with its article ("a fluffy cat"), {N} a bare noun, {P} a place,
// {S} a style, {C} a colour, {V} an action. The mix follows what SD prompts look like:
// photos, artworks, scenes with companions, short and long.
constexpr std::string_view kTemplates[] = {
    "a photo of {A}",
    "a photo of {A} {P}",
    "a close-up photo of {A}",
    "a blurry photo of {A}",
    "a cropped photo of {A}",
    "a bright photo of {A}",
    "a dark photo of {A}",
    "a good photo of {A}",
    "a photo of the {N}",
    "a photo of my {N}",
    "a rendering of {A}",
    "{S} of {A}",
    "{S} of {A} {P}",
    "{A} {P}",
    "{A} {V} {P}",
    "{A} next to {A}",
    "{A} and {A} {P}",
    "{A} {V}, {S}",
    "{A} sitting on {A}",
    "{A} on top of {A}",
    "{A} in front of {A}",
    "a {C} {N} {P}",
    "a {C} {N}",
    "the {N} is {C}",
    "{A}, highly detailed, {S}",
    "{A} {P}, golden hour lighting",
    "{A} {P} at night",
    "{A} {P} in the snow",
    "{A} {P} in the rain",
    "a painting of {A} by a famous artist",
    "a sketch of {A}",
    "a toy {N}",
    "a statue of {A}",
    "a tattoo of {A}",
    "a cartoon {N} {V}",
    "an origami {N}",
    "there is {A} {P}",
    "{A} wearing a {C} hat",
    "a group of {N}s {P}",
    "a photo of {A} with {A} in the background",
};

constexpr std::string_view kNouns[] = {
    "cat", "dog", "puppy", "kitten", "horse", "cow", "sheep", "goat", "pig", "rabbit", "fox", "wolf", "bear",
    "lion", "tiger", "elephant", "giraffe", "zebra", "monkey", "panda", "koala", "owl", "eagle", "parrot",
    "duck", "swan", "penguin", "fish", "shark", "dolphin", "whale", "turtle", "frog", "snake", "lizard",
    "butterfly", "bee", "spider", "man", "woman", "child", "boy", "girl", "old man", "old woman", "baby",
    "person", "chef", "doctor", "astronaut", "knight", "wizard", "robot", "soldier", "dancer", "musician",
    "car", "truck", "bus", "bicycle", "motorcycle", "train", "airplane", "boat", "ship", "tractor", "scooter",
    "house", "castle", "church", "tower", "bridge", "lighthouse", "cabin", "barn", "skyscraper", "temple",
    "chair", "table", "sofa", "bed", "lamp", "clock", "mirror", "vase", "teapot", "cup", "mug", "bowl",
    "plate", "bottle", "glass", "backpack", "suitcase", "umbrella", "hat", "shoe", "boot", "jacket", "dress",
    "guitar", "piano", "violin", "drum", "book", "pencil", "camera", "phone", "laptop", "television",
    "teddy bear", "doll", "ball", "kite", "balloon", "candle", "lantern", "sword", "shield", "crown", "ring",
    "necklace", "watch", "sunglasses", "apple", "banana", "orange", "strawberry", "cake", "pizza", "burger",
    "sandwich", "bread", "cookie", "donut", "ice cream", "coffee", "tree", "flower", "rose", "sunflower",
    "cactus", "mushroom", "mountain", "river", "waterfall", "lake", "beach", "island", "forest", "desert",
    "volcano", "cloud", "moon", "planet", "rock", "sculpture", "backyard fountain", "garden gnome",
    "rubber duck", "sneaker", "wooden box", "cardboard box", "pillow", "blanket", "basket", "plant pot",
};

constexpr std::string_view kAdjectives[] = {
    "small", "large", "tiny", "giant", "fluffy", "furry", "shiny", "rusty", "old", "new", "wooden",
    "metal", "plastic", "glass", "ceramic", "golden", "silver", "striped", "spotted", "cute", "happy",
    "sad", "angry", "sleepy", "young", "ancient", "modern", "vintage", "broken", "wet", "dirty", "clean",
    "colorful", "transparent", "glowing", "smiling", "tall", "short", "round", "square", "soft", "hairy",
    "beautiful", "ugly", "strange", "elegant", "handmade", "miniature",
};

constexpr std::string_view kColours[] = {
    "red", "blue", "green", "yellow", "orange", "purple", "pink", "brown", "black", "white", "gray",
    "golden", "turquoise", "beige", "navy blue", "dark green", "light blue", "crimson", "teal", "violet",
    "magenta", "cream", "maroon", "silver",
};

constexpr std::string_view kPlaces[] = {
    "on the beach", "in the forest", "in a park", "on a city street", "in the kitchen", "in a living room",
    "in the desert", "on a mountain", "under water", "in space", "on the moon", "in a garden",
    "in a field of flowers", "in the snow", "on a wooden table", "on a shelf", "in a cafe", "in a library",
    "at the zoo", "on a boat", "in a classroom", "in the jungle", "next to a lake", "on a bridge",
    "in times square", "in paris", "in tokyo", "in a castle", "on a rooftop", "in a bathroom",
    "on the grass", "on a sofa", "in a box", "in a basket", "on a rock", "in the rain", "at sunset",
    "at night", "in a studio", "against a white background",
};

constexpr std::string_view kStyles[] = {
    "an oil painting", "a watercolor painting", "a pencil drawing", "a digital painting", "a 3d render",
    "a photograph", "an illustration", "a comic book drawing", "an anime drawing", "a pixel art image",
    "a charcoal sketch", "a low poly render", "a stained glass window", "a mosaic", "a pop art poster",
    "an impressionist painting", "a cubist painting", "a vintage photo", "a polaroid photo",
    "a studio photograph", "a cinematic still", "a claymation scene", "a marble sculpture",
    "a children's book illustration",
};

constexpr std::string_view kActions[] = {
    "sitting", "standing", "running", "sleeping", "jumping", "swimming", "flying", "walking", "eating",
    "playing", "dancing", "reading a book", "looking at the camera", "lying down", "smiling", "floating",
    "hiding", "waiting", "resting", "climbing", "rolling", "glowing", "spinning", "melting",
};

// SplitMix64: a fixed integer generator, so the set is identical on every platform
// (std::uniform_int_distribution is implementation-defined).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  template <size_t N>
  std::string_view pick(const std::string_view (&words)[N]) {
    return words[next() % N];
  }

 private:
  uint64_t state_;
};

std::string with_article(std::string_view phrase) {
  const char first = phrase.empty() ? 'x' : phrase.front();
  const bool vowel = first == 'a' || first == 'e' || first == 'i' || first == 'o' || first == 'u';
  return std::string(vowel ? "an " : "a ") + std::string(phrase);
}

std::string noun_phrase(SplitMix64& random) {
  const uint64_t shape = random.next() % 4;
  std::string phrase;
  if (shape == 1) phrase = std::string(random.pick(kAdjectives)) + " ";
  if (shape == 2) phrase = std::string(random.pick(kColours)) + " ";
  if (shape == 3) phrase = std::string(random.pick(kAdjectives)) + " " + std::string(random.pick(kColours)) + " ";
  phrase += random.pick(kNouns);
  return with_article(phrase);
}

std::string fill(std::string_view pattern, SplitMix64& random) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}') {
      switch (pattern[i + 1]) {
        case 'A': out += noun_phrase(random); break;
        case 'N': out += random.pick(kNouns); break;
        case 'P': out += random.pick(kPlaces); break;
        case 'S': out += random.pick(kStyles); break;
        case 'C': out += random.pick(kColours); break;
        case 'V': out += random.pick(kActions); break;
        default: out += pattern.substr(i, 3); break;
      }
      i += 2;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> builtin_captions(size_t count) {
  std::vector<std::string> captions;
  captions.reserve(count);
  for (size_t k = 0; k < count; ++k) {
    // One generator per caption: caption k does not depend on how many were asked for.
    SplitMix64 random(0x5045524655534eull + k);
    captions.push_back(fill(kTemplates[k % std::size(kTemplates)], random));
  }
  return captions;
}

std::string caption_set_id(const std::vector<std::string>& captions) {
  uint64_t hash = 0xcbf29ce484222325ull;
  const auto mix = [&](unsigned char byte) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  };
  for (const auto& caption : captions) {
    for (unsigned char ch : caption) mix(ch);
    mix(0);  // separator: ["ab", "c"] and ["a", "bc"] differ
  }
  char text[32];
  std::snprintf(text, sizeof text, "c1-%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace perfusion::concepts
